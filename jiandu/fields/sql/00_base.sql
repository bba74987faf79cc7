-- Base macros every other field macro (and the ingest pipeline) builds on.
-- Scalar twins live in jiandu/fields/text.py (is_blank, halfwidth, trim_space); the
-- parity tests in tests/fields/ hold them together.

-- The whitespace set of the blank-value contract: space, tab, CR, LF, U+3000 (ideographic
-- space) and U+00A0 (no-break space).  chr() keeps the invisible characters readable here;
-- DuckDB folds the constant once per query.
CREATE OR REPLACE MACRO jd_space_chars() AS
    ' ' || chr(9) || chr(10) || chr(13) || chr(12288) || chr(160);

-- Trim the contract whitespace at both ends; inner characters are kept as written.
-- The regex guard skips the (slower) character-set trim for the common clean value.
CREATE OR REPLACE MACRO jd_trim(x) AS
    CASE
        WHEN regexp_matches(x, '^[ \t\n\r\x{3000}\x{A0}]|[ \t\n\r\x{3000}\x{A0}]$')
            THEN trim(x, jd_space_chars())
        ELSE x
    END;

-- NULL for blanks: empty / whitespace-only text or a placeholder that agencies use for
-- "no value" (compared after trimming).  Anything else is returned unchanged.
CREATE OR REPLACE MACRO jd_nullify(x) AS
    CASE
        WHEN jd_trim(x) IN ('', 'NULL', 'null', '无', '/', '-', '--', '—') THEN NULL
        ELSE x
    END;

-- Full-width ASCII (U+FF01..U+FF5E) to half-width, U+3000 to a plain space.
-- translate() costs ~3 s per million values, so it only runs on values that need it.
CREATE OR REPLACE MACRO jd_halfwidth(x) AS
    CASE WHEN NOT regexp_matches(x, '[\x{FF01}-\x{FF5E}\x{3000}]') THEN x ELSE translate(
        x,
        '！＂＃＄％＆＇（）＊＋，－．／０１２３４５６７８９：；＜＝＞？＠ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ［＼］＾＿｀ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ｛｜｝～　',
        '!"#$%&''()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\]^_`abcdefghijklmnopqrstuvwxyz{|}~ '
    ) END;
