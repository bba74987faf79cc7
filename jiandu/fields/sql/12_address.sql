-- address (scalar twin: jiandu/fields/address.py, which documents the rules).
-- Built at install time from jd_regions (loaded by registry.install_macros):
--   jd_region_current(code, name, level)  current regions (no end year), level 1/2/3
--   jd_address_paths(path, code)          every unambiguous way an address can start with
--                                         a region chain, e.g. 浙江省绍兴市越城区 / 绍兴越城

CREATE OR REPLACE TEMP TABLE jd_region_current AS
SELECT
    code,
    name,
    CASE WHEN code LIKE '%0000' THEN 1 WHEN code LIKE '%00' THEN 2 ELSE 3 END AS level
FROM jd_regions
WHERE end_year IS NULL AND regexp_full_match(code, '[0-9]{6}');

-- Full name and short form of every usable region.  Placeholder city rows (市辖区, 县,
-- 省直辖县级行政单位…) have no name a person writes.  Short form: drop the ethnic
-- autonomy suffix (广西壮族自治区 → 广西) or one administrative suffix (省/市/区/县…),
-- if at least two characters remain.
CREATE OR REPLACE TEMP TABLE jd_region_variants AS
WITH usable AS (
    SELECT * FROM jd_region_current
    WHERE name NOT IN ('市辖区', '县') AND name NOT LIKE '%直辖%'
),
shorts AS (
    SELECT
        *,
        CASE
            WHEN regexp_full_match(name, '(.{2,}?)(?:[^族]{1,5}族|维吾尔|柯尔克孜)*自治(?:区|州|县|旗)')
                THEN regexp_extract(name, '^(.{2,}?)(?:[^族]{1,5}族|维吾尔|柯尔克孜)*自治(?:区|州|县|旗)$', 1)
            WHEN regexp_full_match(name, '(.{2,}?)(?:省|市|特别行政区|地区|盟|区|县|旗)')
                THEN regexp_extract(name, '^(.{2,}?)(?:省|市|特别行政区|地区|盟|区|县|旗)$', 1)
        END AS short
    FROM usable
)
SELECT code, level, name AS variant, true AS full FROM shorts
UNION ALL
SELECT code, level, short, false FROM shorts WHERE short IS NOT NULL AND short <> name;

-- Chains: [province] [city] county / [province] city / province.  A county written without
-- any parent must use its full name (越城区, not 越城).  When a path names regions of
-- different levels the highest level wins (新疆乌鲁木齐 is the city, not 乌鲁木齐县); paths
-- that still name two regions are dropped: such an address stays unresolved, not guessed.
CREATE OR REPLACE TEMP TABLE jd_address_paths AS
WITH
prov AS (
    SELECT left(code, 2) AS p2, variant FROM jd_region_variants WHERE level = 1
    UNION ALL SELECT DISTINCT left(code, 2), '' FROM jd_region_current
),
city AS (
    SELECT left(code, 4) AS c4, variant FROM jd_region_variants WHERE level = 2
    UNION ALL SELECT DISTINCT left(code, 4), '' FROM jd_region_current WHERE level >= 2
),
chains AS (
    SELECT code, variant AS path FROM jd_region_variants WHERE level = 1
    UNION ALL
    SELECT v.code, p.variant || v.variant
    FROM jd_region_variants v JOIN prov p ON p.p2 = left(v.code, 2)
    WHERE v.level = 2
    UNION ALL
    SELECT v.code, p.variant || c.variant || v.variant
    FROM jd_region_variants v
    JOIN prov p ON p.p2 = left(v.code, 2)
    JOIN city c ON c.c4 = left(v.code, 4)
    WHERE v.level = 3 AND (v.full OR p.variant <> '' OR c.variant <> '')
)
, ranked AS (
    SELECT path, code, min(level) OVER (PARTITION BY path) = level AS top
    FROM chains JOIN jd_region_current USING (code)
    WHERE path <> ''
),
unique_paths AS (
    SELECT path, min(code) AS code
    FROM ranked
    WHERE top
    GROUP BY path
    HAVING count(DISTINCT code) = 1
),
named AS (
    SELECT code, name FROM jd_region_current
    WHERE name NOT IN ('市辖区', '县') AND name NOT LIKE '%直辖%'
)
-- The names of the levels travel with each path so every derived column is one lookup.
SELECT
    u.path,
    u.code,
    prov.name AS province,
    CASE WHEN u.code NOT LIKE '%0000' THEN city.name END AS city,
    CASE WHEN u.code NOT LIKE '%00' THEN county.name END AS county
FROM unique_paths AS u
LEFT JOIN named AS prov ON prov.code = left(u.code, 2) || '0000'
LEFT JOIN named AS city ON city.code = left(u.code, 4) || '00'
LEFT JOIN named AS county ON county.code = u.code;

-- Cleaning: trim, half-width, one space per whitespace run, none between Han characters.
CREATE OR REPLACE MACRO jd__address_text(x) AS jd__han_join(jd__one_space(x));

CREATE OR REPLACE MACRO jd__address_check(t) AS
    CASE
        WHEN NOT regexp_matches(
            t, '[\x{3400}-\x{4DBF}\x{4E00}-\x{9FFF}\x{F900}-\x{FAFF}\x{20000}-\x{3134F}A-Za-z]'
        ) THEN 'address.no_letters'
        WHEN length(t) > 200 THEN 'address.too_long'
    END;

CREATE OR REPLACE MACRO jd__address(x) AS
    list_transform(
        [jd__address_text(x)],
        lambda t: list_transform(
            [jd__address_check(t)],
            lambda e: {'value': CASE WHEN e IS NULL THEN t END, 'err': e}
        )[1]
    )[1];
CREATE OR REPLACE MACRO jd_address_clean(x) AS jd__address(x).value;
CREATE OR REPLACE MACRO jd_address_error(x) AS jd__address(x).err;

-- Derived over the cleaned address: the longest region chain it starts with (a hash join
-- of its prefixes against jd_address_paths), then that chain's code or level name.
CREATE OR REPLACE MACRO jd__address_pick(a, col) AS (
    SELECT arg_max_null(col, n.len)
    FROM (SELECT unnest(range(2, least(length(a), 40) + 1)) AS len) AS n
    JOIN jd_address_paths AS p ON p.path = left(a, n.len)
);
CREATE OR REPLACE MACRO jd_address_region(a) AS jd__address_pick(a, p.code);
CREATE OR REPLACE MACRO jd_address_province(a) AS jd__address_pick(a, p.province);
CREATE OR REPLACE MACRO jd_address_city(a) AS jd__address_pick(a, p.city);
CREATE OR REPLACE MACRO jd_address_county(a) AS jd__address_pick(a, p.county);

-- Warning for valid addresses that name no known region at their start.
CREATE OR REPLACE MACRO jd_address_warn(x) AS
    CASE
        WHEN jd_address_clean(x) IS NOT NULL AND jd_address_region(jd_address_clean(x)) IS NULL
            THEN 'address.region_unknown'
    END;
