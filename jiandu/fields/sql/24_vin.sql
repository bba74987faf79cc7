-- Vehicle identification numbers.  Scalar reference: jiandu/fields/vin.py.

-- Character i of a transliterated VIN t (letters already mapped to digits), as an integer.
CREATE OR REPLACE MACRO jd_vin_digit(t, i) AS ascii(substr(t, i, 1)) - 48;

-- ISO 3779 check character of a 17-character VIN p.
CREATE OR REPLACE MACRO jd_vin_check(p) AS
    (SELECT CASE total % 11 WHEN 10 THEN 'X' ELSE CAST(total % 11 AS VARCHAR) END
     FROM (SELECT
        jd_vin_digit(t, 1) * 8 + jd_vin_digit(t, 2) * 7 + jd_vin_digit(t, 3) * 6
        + jd_vin_digit(t, 4) * 5 + jd_vin_digit(t, 5) * 4 + jd_vin_digit(t, 6) * 3
        + jd_vin_digit(t, 7) * 2 + jd_vin_digit(t, 8) * 10
        + jd_vin_digit(t, 10) * 9 + jd_vin_digit(t, 11) * 8 + jd_vin_digit(t, 12) * 7
        + jd_vin_digit(t, 13) * 6 + jd_vin_digit(t, 14) * 5 + jd_vin_digit(t, 15) * 4
        + jd_vin_digit(t, 16) * 3 + jd_vin_digit(t, 17) * 2 AS total
        FROM (SELECT translate(p, 'ABCDEFGHJKLMNPRSTUVWXYZ', '12345678123457923456789') AS t)));

CREATE OR REPLACE MACRO jd_vin_error_p(p) AS
    CASE
        WHEN NOT regexp_full_match(p, '[0-9A-HJ-NPR-Z]+') THEN 'vin.chars'
        WHEN length(p) <> 17 THEN 'vin.length'
    END;

CREATE OR REPLACE MACRO jd_vin_error(x) AS
    (SELECT jd_vin_error_p(p) FROM (SELECT jd_ident_compact(x, '\-') AS p));

CREATE OR REPLACE MACRO jd_vin_clean(x) AS
    (SELECT CASE WHEN jd_vin_error_p(p) IS NULL THEN p END
     FROM (SELECT jd_ident_compact(x, '\-') AS p));

CREATE OR REPLACE MACRO jd_vin_warn(x) AS
    (SELECT CASE
                WHEN jd_vin_error_p(p) IS NULL AND jd_vin_check(p) <> substr(p, 9, 1)
                    THEN 'vin.checksum'
            END
     FROM (SELECT jd_ident_compact(x, '\-') AS p));

-- Derived column, over the cleaned VIN.
CREATE OR REPLACE MACRO jd_vin_wmi(c) AS left(c, 3);
