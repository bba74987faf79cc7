-- money and int (scalar twins: jiandu/fields/numbers.py, which documents the forms).

-- Parse raw text into a struct: s1/s2 sign (before/after the currency mark), i integer
-- digits, f fraction digits, u unit (千/万/亿), parens (accounting negative "(100)").
-- The pattern is character-for-character numbers.NUMBER_PATTERN.
CREATE OR REPLACE MACRO jd__num_match(body, parens) AS
    struct_insert(
        regexp_extract(
            body,
            '^(?:([-+]) *(?:(?:RMB|rmb|CNY|cny|人民币|[¥￥]) *)?|(?:(?:RMB|rmb|CNY|cny|人民币|[¥￥]) *)([-+]) *|(?:(?:RMB|rmb|CNY|cny|人民币|[¥￥]) *)?)([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.([0-9]+))? *(万|亿|千)?(?:元)?(?:整)?$',
            ['s1', 's2', 'i', 'f', 'u']
        ),
        parens := parens
    );

-- DuckDB expands macro arguments textually, so every intermediate value is bound once
-- through a one-element list_transform; otherwise the regex would run once per reference.
CREATE OR REPLACE MACRO jd__num_unwrap(t) AS
    CASE
        WHEN regexp_full_match(t, '\(.*\)')
            THEN jd__num_match(jd_trim(substr(t, 2, length(t) - 2)), true)
        ELSE jd__num_match(t, false)
    END;

-- Parsed number with the derived facts every number macro needs:
-- ok (parsed), neg, digits (integer digits without commas and leading zeros), frac, mult.
CREATE OR REPLACE MACRO jd__num_facts(p) AS {
    'ok': p.i <> '' AND NOT (p.parens AND (p.s1 <> '' OR p.s2 <> '')),
    'neg': p.parens OR p.s1 = '-' OR p.s2 = '-',
    'digits': ltrim(replace(p.i, ',', ''), '0'),
    'frac': p.f,
    'mult': CASE p.u
        WHEN '千' THEN 1000 WHEN '万' THEN 10000 WHEN '亿' THEN 100000000 ELSE 1
    END
};

CREATE OR REPLACE MACRO jd__num_parse(x) AS
    list_transform(
        [jd_trim(jd_halfwidth(x))],
        lambda t: list_transform([jd__num_unwrap(t)], lambda p: jd__num_facts(p))[1]
    )[1];

-- Unsigned exact value, fraction truncated to 12 digits (cannot change a half-up rounding
-- to the cent even after a 亿 shift).  Only called when digits has at most 19 characters.
CREATE OR REPLACE MACRO jd__num_abs(n, scale_digits) AS
    CAST(
        (CASE WHEN n.digits = '' THEN '0' ELSE n.digits END) || '.'
        || (CASE WHEN n.frac = '' THEN '0' ELSE left(n.frac, scale_digits) END)
        AS DECIMAL(38, 10)
    ) * n.mult;

-- money ----------------------------------------------------------------------------
CREATE OR REPLACE MACRO jd__money_eval(n) AS
    CASE
        WHEN NOT n.ok THEN {'value': NULL, 'err': 'money.unparseable', 'rounded': false}
        WHEN length(n.digits) > 16 THEN {'value': NULL, 'err': 'money.range', 'rounded': false}
        ELSE list_transform(
            [CAST(
                (CASE WHEN n.digits = '' THEN '0' ELSE n.digits END) || '.'
                || (CASE WHEN n.frac = '' THEN '0' ELSE left(n.frac, 12) END)
                AS DECIMAL(38, 12)
            ) * n.mult],
            lambda v: CASE
                WHEN round(v, 2) >= 10000000000000000
                    THEN {'value': NULL, 'err': 'money.range', 'rounded': false}
                ELSE {
                    'value': CAST(CASE WHEN n.neg THEN -round(v, 2) ELSE round(v, 2) END
                        AS DECIMAL(18, 2)),
                    'err': NULL,
                    'rounded': round(v, 2) <> v
                }
            END
        )[1]
    END;

CREATE OR REPLACE MACRO jd__money(x) AS
    list_transform([jd__num_parse(x)], lambda n: jd__money_eval(n))[1];
CREATE OR REPLACE MACRO jd_money_clean(x) AS jd__money(x).value;
CREATE OR REPLACE MACRO jd_money_error(x) AS jd__money(x).err;
CREATE OR REPLACE MACRO jd_money_warn(x) AS
    CASE WHEN jd__money(x).rounded THEN 'money.rounded' END;

-- int ------------------------------------------------------------------------------
-- DECIMAL(38,10) holds 19 integer digits times 亿; fraction digits past the 10th must be
-- zeros, the rest must make a whole number.
CREATE OR REPLACE MACRO jd__int_eval(n) AS
    CASE
        WHEN NOT n.ok THEN {'value': NULL, 'err': 'int.unparseable'}
        WHEN length(n.digits) > 19 THEN {'value': NULL, 'err': 'int.range'}
        ELSE list_transform(
            [jd__num_abs(n, 10)],
            lambda v: CASE
                WHEN v <> trunc(v) OR ltrim(substr(n.frac, 11), '0') <> ''
                    THEN {'value': NULL, 'err': 'int.fraction'}
                WHEN (n.neg AND v > 9223372036854775808)
                    OR (NOT n.neg AND v > 9223372036854775807)
                    THEN {'value': NULL, 'err': 'int.range'}
                ELSE {
                    'value': CAST(CASE WHEN n.neg THEN -v ELSE v END AS BIGINT),
                    'err': NULL
                }
            END
        )[1]
    END;

CREATE OR REPLACE MACRO jd__int(x) AS
    list_transform([jd__num_parse(x)], lambda n: jd__int_eval(n))[1];
CREATE OR REPLACE MACRO jd_int_clean(x) AS jd__int(x).value;
CREATE OR REPLACE MACRO jd_int_error(x) AS jd__int(x).err;
