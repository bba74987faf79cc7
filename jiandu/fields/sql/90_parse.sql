-- One-call parsers for the types that have warnings: value, error code and warning code
-- as one STRUCT(value, err, warn), so the ingest pipeline computes each value's parse
-- once instead of once for the clean value and again for the warning. Each agrees with
-- the type's jd_<type>_clean / _error / _warn macros (tests/fields/test_parse_macros.py).

CREATE OR REPLACE MACRO jd_id_card_parse(x) AS
    (SELECT {
        'value': CASE
            WHEN e IS NOT NULL THEN NULL
            WHEN length(p) = 15
                THEN substr(p, 1, 6) || '19' || substr(p, 7)
                    || jd_id_card_check(jd_id_card_sum15(p))
            ELSE p
        END,
        'err': e,
        'warn': CASE
            WHEN e IS NULL AND substr(p, 1, 6) NOT IN (SELECT code FROM jd_regions)
                THEN 'id_card.region_unknown'
        END
    }
    FROM (SELECT p, jd_id_card_error_p(p) AS e
          FROM (SELECT jd_ident_compact(x, '') AS p)));

CREATE OR REPLACE MACRO jd_uscc_parse(x) AS
    (SELECT {
        'value': CASE WHEN e IS NULL THEN p END,
        'err': e,
        'warn': CASE
            WHEN e IS NOT NULL THEN NULL
            WHEN jd_uscc_check(p) <> substr(p, 18, 1) THEN 'uscc.checksum'
            WHEN jd_uscc_org_check(p) <> substr(p, 17, 1) THEN 'uscc.org_checksum'
        END
    }
    FROM (SELECT p, jd_uscc_error_p(p) AS e
          FROM (SELECT jd_ident_compact(x, '\-') AS p)));

CREATE OR REPLACE MACRO jd_vin_parse(x) AS
    (SELECT {
        'value': CASE WHEN e IS NULL THEN p END,
        'err': e,
        'warn': CASE WHEN e IS NULL AND jd_vin_check(p) <> substr(p, 9, 1) THEN 'vin.checksum' END
    }
    FROM (SELECT p, jd_vin_error_p(p) AS e
          FROM (SELECT jd_ident_compact(x, '\-') AS p)));

CREATE OR REPLACE MACRO jd_region_code_parse(x) AS
    (SELECT {
        'value': CASE WHEN e IS NULL THEN p END,
        'err': e,
        'warn': CASE
            WHEN e IS NULL AND p NOT IN (SELECT code FROM jd_regions WHERE end_year IS NULL)
                THEN 'region_code.abolished'
        END
    }
    FROM (SELECT p, jd_region_code_error_p(p) AS e
          FROM (SELECT jd_ident_compact(x, '') AS p)));

CREATE OR REPLACE MACRO jd_money_parse(x) AS
    (SELECT {
        'value': m.value,
        'err': m.err,
        'warn': CASE WHEN m.rounded THEN 'money.rounded' END
    }
    FROM (SELECT jd__money(x) AS m));

CREATE OR REPLACE MACRO jd_address_parse(x) AS
    (SELECT {
        'value': a.value,
        'err': a.err,
        'warn': CASE
            WHEN a.value IS NOT NULL AND jd_address_region(a.value) IS NULL
                THEN 'address.region_unknown'
        END
    }
    FROM (SELECT jd__address(x) AS a));
