-- person_name and org_name (scalar twins: jiandu/fields/names.py, which documents the
-- rules and codes).  Han = [\x{3400}-\x{4DBF}\x{4E00}-\x{9FFF}\x{F900}-\x{FAFF}\x{20000}-\x{3134F}]
-- as names.HAN.  Intermediate values are bound once through one-element list_transform.

-- Remove every space that sits between two Han characters.  RE2 has no look-around, and
-- a match consumes the right-hand character, so a second pass catches the spaces that
-- the first pass stepped over ("张 三 丰").
CREATE OR REPLACE MACRO jd__han_join(t) AS
    regexp_replace(
        regexp_replace(
            t,
            '([\x{3400}-\x{4DBF}\x{4E00}-\x{9FFF}\x{F900}-\x{FAFF}\x{20000}-\x{3134F}]) ([\x{3400}-\x{4DBF}\x{4E00}-\x{9FFF}\x{F900}-\x{FAFF}\x{20000}-\x{3134F}])',
            '\1\2',
            'g'
        ),
        '([\x{3400}-\x{4DBF}\x{4E00}-\x{9FFF}\x{F900}-\x{FAFF}\x{20000}-\x{3134F}]) ([\x{3400}-\x{4DBF}\x{4E00}-\x{9FFF}\x{F900}-\x{FAFF}\x{20000}-\x{3134F}])',
        '\1\2',
        'g'
    );

-- Trim, half-width, one space per whitespace run.
CREATE OR REPLACE MACRO jd__one_space(x) AS
    regexp_replace(jd_trim(jd_halfwidth(x)), '[ \t\r\n\x{A0}]+', ' ', 'g');

-- person_name -------------------------------------------------------------------------
CREATE OR REPLACE MACRO jd__person_text(x) AS
    list_transform(
        [regexp_replace(jd__one_space(x), '[•・‧]', '·', 'g')],
        lambda t: jd__han_join(regexp_replace(
            CASE WHEN regexp_matches(t, '[A-Za-z]') THEN t ELSE replace(t, '.', '·') END,
            ' ?· ?', '·', 'g'
        ))
    )[1];

CREATE OR REPLACE MACRO jd__person_check(t) AS
    CASE
        WHEN regexp_matches(t, '[0-9]') THEN 'person_name.digits'
        WHEN NOT regexp_full_match(
            t,
            '[\x{3400}-\x{4DBF}\x{4E00}-\x{9FFF}\x{F900}-\x{FAFF}\x{20000}-\x{3134F}A-Za-z\x{C0}-\x{D6}\x{D8}-\x{F6}\x{F8}-\x{24F} ·.''-]+'
        ) THEN 'person_name.invalid_chars'
        WHEN NOT regexp_matches(
            t,
            '[\x{3400}-\x{4DBF}\x{4E00}-\x{9FFF}\x{F900}-\x{FAFF}\x{20000}-\x{3134F}A-Za-z\x{C0}-\x{D6}\x{D8}-\x{F6}\x{F8}-\x{24F}]'
        ) THEN 'person_name.no_letters'
        WHEN length(t) > 50 THEN 'person_name.too_long'
    END;

CREATE OR REPLACE MACRO jd__person_name(x) AS
    list_transform(
        [jd__person_text(x)],
        lambda t: list_transform(
            [jd__person_check(t)],
            lambda e: {'value': CASE WHEN e IS NULL THEN t END, 'err': e}
        )[1]
    )[1];
CREATE OR REPLACE MACRO jd_person_name_clean(x) AS jd__person_name(x).value;
CREATE OR REPLACE MACRO jd_person_name_error(x) AS jd__person_name(x).err;

-- org_name ----------------------------------------------------------------------------
CREATE OR REPLACE MACRO jd__org_text(x) AS
    replace(replace(jd__han_join(jd__one_space(x)), '(', '（'), ')', '）');

CREATE OR REPLACE MACRO jd__org_check(t) AS
    CASE
        WHEN NOT regexp_matches(
            t, '[\x{3400}-\x{4DBF}\x{4E00}-\x{9FFF}\x{F900}-\x{FAFF}\x{20000}-\x{3134F}A-Za-z]'
        ) THEN 'org_name.no_letters'
        WHEN length(t) > 100 THEN 'org_name.too_long'
    END;

CREATE OR REPLACE MACRO jd__org_name(x) AS
    list_transform(
        [jd__org_text(x)],
        lambda t: list_transform(
            [jd__org_check(t)],
            lambda e: {'value': CASE WHEN e IS NULL THEN t END, 'err': e}
        )[1]
    )[1];
CREATE OR REPLACE MACRO jd_org_name_clean(x) AS jd__org_name(x).value;
CREATE OR REPLACE MACRO jd_org_name_error(x) AS jd__org_name(x).err;

-- Matching key over the cleaned name: Han, ASCII letters (lower-cased) and digits only,
-- then one trailing legal-form suffix stripped; NULL when nothing is left.
CREATE OR REPLACE MACRO jd_org_name_key(name) AS
    nullif(
        regexp_replace(
            lower(regexp_replace(
                name,
                '[^\x{3400}-\x{4DBF}\x{4E00}-\x{9FFF}\x{F900}-\x{FAFF}\x{20000}-\x{3134F}A-Za-z0-9]+',
                '',
                'g'
            )),
            '(?:股份有限公司|有限责任公司|有限公司|股份公司|有限合伙|普通合伙)$',
            ''
        ),
        ''
    );
