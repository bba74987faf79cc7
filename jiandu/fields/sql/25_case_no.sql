-- Court case numbers (案号).  Scalar reference: jiandu/fields/case_no.py (rules and the
-- court/type heuristic are documented there).

-- One case number after bracket normalisation: year, court, type, 字第, sequence.
-- Must stay identical to case_no.PART.
CREATE OR REPLACE MACRO jd_case_no_pattern() AS
    '（([0-9]{4})）([一-鿿]+?[0-9]*)((?:民|刑|行|执|破|赔|司|认|协外认|法赔|委赔|强清|国赔)[一二三四五六七八九十]?[初终再审申监抗特督催撤他辖核更复恢保异协请赔清惩救港台澳外认财令没医算罚重速]{0,3})(字第|字|第)?0*([0-9]{1,9})号?';

CREATE OR REPLACE MACRO jd_case_no_match(q) AS
    regexp_extract(q, '^' || jd_case_no_pattern() || '$', ['year', 'court', 'type', 'zi', 'seq']);

-- The non-empty case numbers of a cell, brackets written （ ）, separators 、.
CREATE OR REPLACE MACRO jd_case_no_parts(x) AS
    list_filter(
        string_split(
            regexp_replace(
                regexp_replace(
                    regexp_replace(jd_ident_compact(x, ''), '[(\[〔【﹝]', '（', 'g'),
                    '[)\]〕】﹞]', '）', 'g'),
                '[,;]', '、', 'g'),
            '、'),
        lambda s: s <> ''
    );

CREATE OR REPLACE MACRO jd_case_no_part_error(q) AS
    CASE
        WHEN NOT regexp_full_match(q, jd_case_no_pattern()) THEN 'case_no.format'
        WHEN NOT CAST(jd_case_no_match(q).year AS INTEGER) BETWEEN 1950 AND year(current_date)
            THEN 'case_no.year'
    END;

CREATE OR REPLACE MACRO jd_case_no_part_clean(q) AS
    list_transform(
        [jd_case_no_match(q)],
        lambda m: '（' || m.year || '）' || m.court || m.type
            || CASE WHEN m.zi <> '' THEN '字第' ELSE '' END || m.seq || '号'
    )[1];

CREATE OR REPLACE MACRO jd_case_no_error_l(parts) AS
    CASE
        WHEN len(parts) = 0 THEN 'case_no.format'
        ELSE list_filter(
            list_transform(parts, lambda q: jd_case_no_part_error(q)), lambda e: e IS NOT NULL
        )[1]
    END;

CREATE OR REPLACE MACRO jd_case_no_error(x) AS
    (SELECT jd_case_no_error_l(parts) FROM (SELECT jd_case_no_parts(x) AS parts));

CREATE OR REPLACE MACRO jd_case_no_clean(x) AS
    (SELECT CASE
                WHEN jd_case_no_error_l(parts) IS NULL
                    THEN array_to_string(list_transform(parts, lambda q: jd_case_no_part_clean(q)), '、')
            END
     FROM (SELECT jd_case_no_parts(x) AS parts));

-- Derived columns, over the cleaned value (first case number).
CREATE OR REPLACE MACRO jd_case_no_first(c) AS jd_case_no_match(split_part(c, '、', 1));
CREATE OR REPLACE MACRO jd_case_no_year(c) AS CAST(jd_case_no_first(c).year AS BIGINT);
CREATE OR REPLACE MACRO jd_case_no_court_code(c) AS jd_case_no_first(c).court;
CREATE OR REPLACE MACRO jd_case_no_case_type(c) AS jd_case_no_first(c).type;
CREATE OR REPLACE MACRO jd_case_no_seq(c) AS CAST(jd_case_no_first(c).seq AS BIGINT);

-- Province abbreviation → GB/T 2260 province code, as regions.PROVINCE_ABBREVIATIONS
-- (two digits per character, in the same order).
CREATE OR REPLACE MACRO jd_case_no_province_code(ch) AS
    substr(
        '11121314151521222331323334353637414243444546505151525253535461616262636465',
        (strpos('京津冀晋蒙内辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川蜀黔贵云滇藏陕秦甘陇青宁新', ch) - 1) * 2 + 1,
        2
    );

CREATE OR REPLACE MACRO jd_case_no_region(c) AS
    (SELECT CASE WHEN code IN (SELECT code FROM jd_regions) THEN code END
     FROM (SELECT CASE
                      WHEN regexp_full_match(
                          court,
                          '[京津冀晋蒙内辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川蜀黔贵云滇藏陕秦甘陇青宁新][0-9]{4}')
                          THEN jd_case_no_province_code(left(court, 1)) || right(court, 4)
                  END AS code
           FROM (SELECT jd_case_no_court_code(c) AS court)));
