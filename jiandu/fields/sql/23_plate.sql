-- Vehicle plate numbers.  Scalar reference: jiandu/fields/plate.py (rules documented there).

CREATE OR REPLACE MACRO jd_plate_error_p(p) AS
    CASE
        WHEN regexp_full_match(p, '使[0-9]{6}|[0-9]{3}使[0-9]{3}') THEN NULL
        WHEN NOT regexp_matches(p, '^[京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川贵云藏陕甘青宁新]')
            THEN 'plate.province'
        WHEN NOT regexp_full_match(
                p,
                '[京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川贵云藏陕甘青宁新][A-HJ-NP-Z](?:[A-HJ-NP-Z0-9]{4}[A-HJ-NP-Z0-9挂学警港澳领试超]|[A-HJKDF][A-HJ-NP-Z0-9][0-9]{4}|[0-9]{5}[DF])'
            )
            THEN 'plate.format'
    END;

-- Middle dots, dot and dash between the office letter and the number are deleted.
CREATE OR REPLACE MACRO jd_plate_error(x) AS
    (SELECT jd_plate_error_p(p) FROM (SELECT jd_ident_compact(x, '·•・.\-') AS p));

CREATE OR REPLACE MACRO jd_plate_clean(x) AS
    (SELECT CASE WHEN jd_plate_error_p(p) IS NULL THEN p END
     FROM (SELECT jd_ident_compact(x, '·•・.\-') AS p));

-- Derived column, over the cleaned plate: NULL for embassy plates.
CREATE OR REPLACE MACRO jd_plate_province(c) AS
    CASE
        WHEN regexp_matches(c, '^[京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川贵云藏陕甘青宁新]')
            THEN left(c, 1)
    END;
