-- Telephone numbers.  Scalar reference: jiandu/fields/phone.py (rules documented there).

-- Normalised number for compacted text p, NULL when p is no valid number; d is p without
-- dashes.  Branches in the scalar's order (mobile, 400/800, hotline, landline).
CREATE OR REPLACE MACRO jd_phone_norm_pd(p, d) AS
    CASE
        WHEN regexp_full_match(d, '(?:\+86|0086|86)?(1[3-9][0-9]{9})')
            THEN right(d, 11)
        WHEN regexp_full_match(d, '([48]00)([0-9]{3})([0-9]{4})')
            THEN substr(d, 1, 3) || '-' || substr(d, 4, 3) || '-' || substr(d, 7, 4)
        WHEN regexp_full_match(d, '9[56][0-9]{3,4}|12[0-9]{3}')
            THEN d
        WHEN regexp_full_match(
                p,
                '(?:(?:\+86|0086|86)-?0?|0)(10|2[0-9]|[3-9][0-9]{2})-?([2-9][0-9]{6,7})(?:(?:-|转|分机|EXT|X|#)([0-9]{1,6}))?'
            )
            THEN list_transform(
                [regexp_extract(
                    p,
                    '^(?:(?:\+86|0086|86)-?0?|0)(10|2[0-9]|[3-9][0-9]{2})-?([2-9][0-9]{6,7})(?:(?:-|转|分机|EXT|X|#)([0-9]{1,6}))?$',
                    ['area', 'number', 'ext']
                )],
                lambda m: '0' || m.area || '-' || m.number
                    || CASE WHEN m.ext <> '' THEN '-' || m.ext ELSE '' END
            )[1]
    END;

CREATE OR REPLACE MACRO jd_phone_error_pd(p, d) AS
    CASE
        WHEN regexp_full_match(p, '.*[0-9].*[/、,;|].*[0-9].*') THEN 'phone.multiple'
        WHEN NOT regexp_full_match(p, '[0-9+\-#X转分机EXT]+') THEN 'phone.chars'
        WHEN jd_phone_norm_pd(p, d) IS NOT NULL THEN NULL
        WHEN regexp_full_match(d, '[2-9][0-9]{6,7}') THEN 'phone.no_area_code'
        ELSE 'phone.format'
    END;

-- Brackets around area codes and dots used as separators are deleted with the whitespace.
CREATE OR REPLACE MACRO jd_phone_error(x) AS
    (SELECT jd_phone_error_pd(p, replace(p, '-', ''))
     FROM (SELECT jd_ident_compact(x, '().') AS p));

CREATE OR REPLACE MACRO jd_phone_clean(x) AS
    (SELECT CASE
                WHEN jd_phone_error_pd(p, replace(p, '-', '')) IS NULL
                    THEN jd_phone_norm_pd(p, replace(p, '-', ''))
            END
     FROM (SELECT jd_ident_compact(x, '().') AS p));

-- Derived column, over the normalised number.
CREATE OR REPLACE MACRO jd_phone_kind(c) AS
    CASE
        WHEN c IS NULL THEN NULL
        WHEN prefix(c, '1') AND length(c) = 11 THEN 'mobile'
        WHEN prefix(c, '0') THEN 'landline'
        ELSE 'service'
    END;
