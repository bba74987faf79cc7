-- Resident ID numbers (GB 11643).  Scalar reference: jiandu/fields/id_card.py (rules and
-- reason codes are documented there); tests/fields/test_parity_identifiers.py holds the
-- two together.

-- Shared first step of every identifier macro (files 20-26): half-width, delete whitespace,
-- zero-width space, BOM and the type's extra characters (`extra_class`: the inside of a
-- regular-expression character class, e.g. '\-' or '·.\-'), then ASCII upper-case.
-- Scalar twin: jiandu/fields/_compact.py.  Upper-casing is a translation of a-z, never
-- upper(), whose Unicode case mapping differs from Python's.  translate() costs time in
-- proportion to its character list, so it only runs on the rows that need it.
CREATE OR REPLACE MACRO jd_ident_upper(d) AS
    CASE
        WHEN regexp_matches(d, '[a-z]')
            THEN translate(d, 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ')
        ELSE d
    END;

CREATE OR REPLACE MACRO jd_ident_compact(x, extra_class) AS
    jd_ident_upper(regexp_replace(
        CASE WHEN regexp_matches(x, '[\x{ff01}-\x{ff5e}\x{3000}]') THEN jd_halfwidth(x) ELSE x END,
        '[ \t\n\r\x{3000}\x{00a0}\x{200b}\x{feff}' || extra_class || ']',
        '',
        'g'
    ));

-- Digit at 1-based position i of text p, as an integer (p is known to be digits there).
CREATE OR REPLACE MACRO jd_id_card_digit(p, i) AS ascii(substr(p, i, 1)) - 48;

-- ISO 7064 MOD 11-2 weighted sum of the first 17 digits of an 18-digit number.
CREATE OR REPLACE MACRO jd_id_card_sum18(p) AS
    jd_id_card_digit(p, 1) * 7 + jd_id_card_digit(p, 2) * 9 + jd_id_card_digit(p, 3) * 10
    + jd_id_card_digit(p, 4) * 5 + jd_id_card_digit(p, 5) * 8 + jd_id_card_digit(p, 6) * 4
    + jd_id_card_digit(p, 7) * 2 + jd_id_card_digit(p, 8) * 1 + jd_id_card_digit(p, 9) * 6
    + jd_id_card_digit(p, 10) * 3 + jd_id_card_digit(p, 11) * 7 + jd_id_card_digit(p, 12) * 9
    + jd_id_card_digit(p, 13) * 10 + jd_id_card_digit(p, 14) * 5 + jd_id_card_digit(p, 15) * 8
    + jd_id_card_digit(p, 16) * 4 + jd_id_card_digit(p, 17) * 2;

-- The same sum for a 15-digit number upgraded by inserting "19" after the region code
-- (the inserted 1 and 9 carry weights 2 and 1: 1*2 + 9*1 = 11), without building the
-- upgraded text first.
CREATE OR REPLACE MACRO jd_id_card_sum15(p) AS
    jd_id_card_digit(p, 1) * 7 + jd_id_card_digit(p, 2) * 9 + jd_id_card_digit(p, 3) * 10
    + jd_id_card_digit(p, 4) * 5 + jd_id_card_digit(p, 5) * 8 + jd_id_card_digit(p, 6) * 4
    + 11
    + jd_id_card_digit(p, 7) * 6 + jd_id_card_digit(p, 8) * 3 + jd_id_card_digit(p, 9) * 7
    + jd_id_card_digit(p, 10) * 9 + jd_id_card_digit(p, 11) * 10 + jd_id_card_digit(p, 12) * 5
    + jd_id_card_digit(p, 13) * 8 + jd_id_card_digit(p, 14) * 4 + jd_id_card_digit(p, 15) * 2;

CREATE OR REPLACE MACRO jd_id_card_check(total) AS substr('10X98765432', total % 11 + 1, 1);

-- YYYYMMDD birth date text of a 15- or 18-digit number.
CREATE OR REPLACE MACRO jd_id_card_birth_text(p) AS
    CASE WHEN length(p) = 15 THEN '19' || substr(p, 7, 6) ELSE substr(p, 7, 8) END;

-- Error code for compacted text p (NULL when valid), checks in the scalar's order.
CREATE OR REPLACE MACRO jd_id_card_error_p(p) AS
    CASE
        WHEN regexp_full_match(p, '[0-9](\.[0-9]+)?E\+?[0-9]+') THEN 'id_card.damaged'
        WHEN NOT regexp_full_match(p, '[0-9X]+') THEN 'id_card.chars'
        WHEN length(p) NOT IN (15, 18) THEN 'id_card.length'
        WHEN strpos(substr(p, 1, 17), 'X') > 0 OR (length(p) = 15 AND strpos(p, 'X') > 0)
            THEN 'id_card.chars'
        WHEN length(p) = 18 AND jd_id_card_check(jd_id_card_sum18(p)) <> substr(p, 18, 1)
            THEN CASE WHEN suffix(p, '000') THEN 'id_card.damaged' ELSE 'id_card.checksum' END
        WHEN NOT coalesce(
                CAST(try_strptime(jd_id_card_birth_text(p), '%Y%m%d') AS DATE)
                    BETWEEN DATE '1890-01-01' AND current_date,
                false)
            THEN 'id_card.birth_date'
        WHEN substr(p, 1, 6) NOT IN (SELECT code FROM jd_regions)
            AND substr(p, 1, 4) || '00' NOT IN (SELECT code FROM jd_regions)
            THEN 'id_card.region'
    END;

-- Public macros bind the compacted text once with a scalar subquery: macro arguments are
-- substituted textually, so a body that mentions p twenty times would otherwise compact
-- the value twenty times (10x slower).  DuckDB flattens the subquery into a projection.
-- Every identifier type (21-26) follows the same pattern.
CREATE OR REPLACE MACRO jd_id_card_error(x) AS
    (SELECT jd_id_card_error_p(p) FROM (SELECT jd_ident_compact(x, '') AS p));

CREATE OR REPLACE MACRO jd_id_card_clean_p(p) AS
    CASE
        WHEN jd_id_card_error_p(p) IS NOT NULL THEN NULL
        WHEN length(p) = 15
            THEN substr(p, 1, 6) || '19' || substr(p, 7) || jd_id_card_check(jd_id_card_sum15(p))
        ELSE p
    END;

CREATE OR REPLACE MACRO jd_id_card_clean(x) AS
    (SELECT jd_id_card_clean_p(p) FROM (SELECT jd_ident_compact(x, '') AS p));

CREATE OR REPLACE MACRO jd_id_card_warn_p(p) AS
    CASE
        WHEN jd_id_card_error_p(p) IS NULL
            AND substr(p, 1, 6) NOT IN (SELECT code FROM jd_regions)
            THEN 'id_card.region_unknown'
    END;

CREATE OR REPLACE MACRO jd_id_card_warn(x) AS
    (SELECT jd_id_card_warn_p(p) FROM (SELECT jd_ident_compact(x, '') AS p));

-- Derived columns, over the cleaned 18-character number.
CREATE OR REPLACE MACRO jd_id_card_birth_date(c) AS
    CAST(strptime(substr(c, 7, 8), '%Y%m%d') AS DATE);

CREATE OR REPLACE MACRO jd_id_card_sex(c) AS
    CASE (ascii(substr(c, 17, 1)) - 48) % 2 WHEN 1 THEN '男' WHEN 0 THEN '女' END;

CREATE OR REPLACE MACRO jd_id_card_region(c) AS substr(c, 1, 6);
