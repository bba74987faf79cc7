-- Division codes (GB/T 2260).  Scalar reference: jiandu/fields/region_code.py.

-- Latest name per code (an open span beats a closed one, then the later end year, then
-- the greater name), as jiandu.fields.regions.region_name does.
CREATE OR REPLACE TEMP TABLE jd_region_names AS
    SELECT code, arg_max(name, [coalesce(end_year, 9999)::VARCHAR, name]) AS name
    FROM (SELECT code, name, end_year FROM jd_regions)
    GROUP BY code;

CREATE OR REPLACE MACRO jd_region_code_error_p(p) AS
    CASE
        WHEN NOT regexp_full_match(p, '[0-9]{6}') THEN 'region_code.format'
        WHEN p NOT IN (SELECT code FROM jd_regions) THEN 'region_code.unknown'
    END;

CREATE OR REPLACE MACRO jd_region_code_error(x) AS
    (SELECT jd_region_code_error_p(p) FROM (SELECT jd_ident_compact(x, '') AS p));

CREATE OR REPLACE MACRO jd_region_code_clean(x) AS
    (SELECT CASE WHEN jd_region_code_error_p(p) IS NULL THEN p END
     FROM (SELECT jd_ident_compact(x, '') AS p));

CREATE OR REPLACE MACRO jd_region_code_warn(x) AS
    (SELECT CASE
                WHEN jd_region_code_error_p(p) IS NULL
                    AND p NOT IN (SELECT code FROM jd_regions WHERE end_year IS NULL)
                    THEN 'region_code.abolished'
            END
     FROM (SELECT jd_ident_compact(x, '') AS p));

-- Derived column, over the cleaned code.
CREATE OR REPLACE MACRO jd_region_code_name(c) AS
    (SELECT name FROM jd_region_names WHERE code = c);
