-- Unified social credit codes (GB 32100).  Scalar reference: jiandu/fields/uscc.py.

-- Value of character i of p in the USCC alphabet (0-30).
CREATE OR REPLACE MACRO jd_uscc_value(p, i) AS
    strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(p, i, 1)) - 1;

CREATE OR REPLACE MACRO jd_uscc_check(p) AS
    substr('0123456789ABCDEFGHJKLMNPQRTUWXY', (31 - (
        jd_uscc_value(p, 1) * 1 + jd_uscc_value(p, 2) * 3 + jd_uscc_value(p, 3) * 9
        + jd_uscc_value(p, 4) * 27 + jd_uscc_value(p, 5) * 19 + jd_uscc_value(p, 6) * 26
        + jd_uscc_value(p, 7) * 16 + jd_uscc_value(p, 8) * 17 + jd_uscc_value(p, 9) * 20
        + jd_uscc_value(p, 10) * 29 + jd_uscc_value(p, 11) * 25 + jd_uscc_value(p, 12) * 13
        + jd_uscc_value(p, 13) * 8 + jd_uscc_value(p, 14) * 24 + jd_uscc_value(p, 15) * 10
        + jd_uscc_value(p, 16) * 30 + jd_uscc_value(p, 17) * 28
    ) % 31) % 31 + 1, 1);

-- Value of character i of p in the GB 11714 alphabet (0-9, A=10 … Z=35).
CREATE OR REPLACE MACRO jd_uscc_org_value(p, i) AS
    strpos('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ', substr(p, i, 1)) - 1;

-- GB 11714 check character of the organisation code at characters 9-16 of a USCC.
CREATE OR REPLACE MACRO jd_uscc_org_check(p) AS
    substr('0123456789X', (11 - (
        jd_uscc_org_value(p, 9) * 3 + jd_uscc_org_value(p, 10) * 7
        + jd_uscc_org_value(p, 11) * 9 + jd_uscc_org_value(p, 12) * 10
        + jd_uscc_org_value(p, 13) * 5 + jd_uscc_org_value(p, 14) * 8
        + jd_uscc_org_value(p, 15) * 4 + jd_uscc_org_value(p, 16) * 2
    ) % 11) % 11 + 1, 1);

CREATE OR REPLACE MACRO jd_uscc_error_p(p) AS
    CASE
        WHEN length(p) = 9 AND regexp_full_match(p, '[0-9A-Z]{8}[0-9X]') THEN 'uscc.old_org_code'
        WHEN regexp_full_match(p, '[0-9]{15}') THEN 'uscc.old_reg_no'
        WHEN NOT regexp_full_match(p, '[0-9A-HJ-NPQRTUWXY]+') THEN 'uscc.chars'
        WHEN length(p) <> 18 THEN 'uscc.length'
    END;

CREATE OR REPLACE MACRO jd_uscc_warn_p(p) AS
    CASE
        WHEN jd_uscc_error_p(p) IS NOT NULL THEN NULL
        WHEN jd_uscc_check(p) <> substr(p, 18, 1) THEN 'uscc.checksum'
        WHEN jd_uscc_org_check(p) <> substr(p, 17, 1) THEN 'uscc.org_checksum'
    END;

CREATE OR REPLACE MACRO jd_uscc_error(x) AS
    (SELECT jd_uscc_error_p(p) FROM (SELECT jd_ident_compact(x, '\-') AS p));

CREATE OR REPLACE MACRO jd_uscc_clean(x) AS
    (SELECT CASE WHEN jd_uscc_error_p(p) IS NULL THEN p END
     FROM (SELECT jd_ident_compact(x, '\-') AS p));

CREATE OR REPLACE MACRO jd_uscc_warn(x) AS
    (SELECT jd_uscc_warn_p(p) FROM (SELECT jd_ident_compact(x, '\-') AS p));

-- Derived columns, over the cleaned code.
CREATE OR REPLACE MACRO jd_uscc_category(c) AS substr(c, 1, 2);
CREATE OR REPLACE MACRO jd_uscc_region(c) AS substr(c, 3, 6);
CREATE OR REPLACE MACRO jd_uscc_org_code(c) AS substr(c, 9, 9);
