-- date, datetime and month (scalar twins: jiandu/fields/dates.py, which documents the
-- accepted forms).  DuckDB expands macro arguments textually, so each intermediate value is
-- bound once through a one-element list_transform.

-- Raw regex groups; the pattern is character-for-character dates.DATE_PATTERN.
CREATE OR REPLACE MACRO jd__dt_groups(t) AS
    regexp_extract(
        t,
        '^(?:([1-9][0-9]{4})(?:\.([0-9]{1,9}))?|([0-9]{4})(?:([0-9]{2})([0-9]{2})| *[-/.年] *([0-9]{1,2}) *[-/.月] *([0-9]{1,2}) *[日号]?)(?:(?:T| *)([0-9]{1,2})[:时]([0-9]{1,2})(?:[:分]([0-9]{1,2})(?:\.([0-9]{1,9}))?秒?|分)?(?:Z|[+-][0-9]{2}:?[0-9]{2})?)?)$',
        ['sn', 'sf', 'y', 'm8', 'd8', 'm', 'd', 'hh', 'mi', 'ss', 'fr']
    );

-- Excel serial (days since 1899-12-30; the fraction is the time, rounded to the second).
CREATE OR REPLACE MACRO jd__dt_serial(g) AS
    CASE WHEN g.sn <> '' THEN
        TIMESTAMP '1899-12-30'
        + to_days(CAST(g.sn AS INTEGER))
        + to_seconds(CAST(round(
            CAST('0.' || (CASE WHEN g.sf = '' THEN '0' ELSE g.sf END) AS DECIMAL(18, 9))
            * 86400, 0) AS BIGINT))
    END;

-- Facts: matched, serial (TIMESTAMP or NULL), y/m/d, tod_ok (time of day exists),
-- micros (time of day in microseconds).  TRY_CAST: CASE branches may see empty groups.
CREATE OR REPLACE MACRO jd__dt_facts(g, s) AS {
    'matched': g.sn <> '' OR g.y <> '',
    'serial': s,
    'y': CASE WHEN s IS NOT NULL THEN year(s) ELSE TRY_CAST(g.y AS INTEGER) END,
    'm': CASE WHEN s IS NOT NULL THEN month(s) ELSE TRY_CAST(g.m8 || g.m AS INTEGER) END,
    'd': CASE WHEN s IS NOT NULL THEN day(s) ELSE TRY_CAST(g.d8 || g.d AS INTEGER) END,
    'tod_ok': g.hh = '' OR (
        TRY_CAST(g.hh AS INTEGER) <= 23
        AND TRY_CAST(g.mi AS INTEGER) <= 59
        AND TRY_CAST(CASE WHEN g.ss = '' THEN '0' ELSE g.ss END AS INTEGER) <= 59
    ),
    'micros': CASE WHEN g.hh = '' THEN 0 ELSE
        ((TRY_CAST(g.hh AS BIGINT) * 60 + TRY_CAST(g.mi AS BIGINT)) * 60
            + TRY_CAST(CASE WHEN g.ss = '' THEN '0' ELSE g.ss END AS BIGINT)) * 1000000
        + TRY_CAST(left(g.fr || '000000', 6) AS BIGINT)
    END
};

-- t is trimmed half-width text.
CREATE OR REPLACE MACRO jd__dt_parse_text(t) AS
    list_transform(
        [jd__dt_groups(t)],
        lambda g: list_transform([jd__dt_serial(g)], lambda s: jd__dt_facts(g, s))[1]
    )[1];

CREATE OR REPLACE MACRO jd__dt_parse(x) AS jd__dt_parse_text(jd_trim(jd_halfwidth(x)));

CREATE OR REPLACE MACRO jd__real_day(y, m, d) AS
    m BETWEEN 1 AND 12 AND d >= 1 AND d <= CASE
        WHEN m = 2 THEN CASE WHEN (y % 4 = 0 AND y % 100 <> 0) OR y % 400 = 0 THEN 29 ELSE 28 END
        WHEN m IN (4, 6, 9, 11) THEN 30
        ELSE 31
    END;

-- {value TIMESTAMP, err} with codes "<kind>.<reason>"; with_time also checks the time.
CREATE OR REPLACE MACRO jd__dt_eval(f, kind, with_time) AS
    CASE
        WHEN NOT f.matched
            THEN {'value': CAST(NULL AS TIMESTAMP), 'err': kind || '.unparseable'}
        WHEN NOT jd__real_day(f.y, f.m, f.d) OR (with_time AND NOT f.tod_ok)
            THEN {'value': CAST(NULL AS TIMESTAMP), 'err': kind || '.invalid'}
        WHEN f.y NOT BETWEEN 1900 AND 2100
            THEN {'value': CAST(NULL AS TIMESTAMP), 'err': kind || '.range'}
        WHEN f.serial IS NOT NULL THEN {'value': f.serial, 'err': CAST(NULL AS VARCHAR)}
        ELSE {
            'value': CAST(make_date(f.y, f.m, f.d) AS TIMESTAMP)
                + to_microseconds(CASE WHEN with_time THEN f.micros ELSE 0 END),
            'err': CAST(NULL AS VARCHAR)
        }
    END;

-- date -------------------------------------------------------------------------------
CREATE OR REPLACE MACRO jd__date(x) AS
    list_transform([jd__dt_parse(x)], lambda f: jd__dt_eval(f, 'date', false))[1];
CREATE OR REPLACE MACRO jd_date_clean(x) AS CAST(jd__date(x).value AS DATE);
CREATE OR REPLACE MACRO jd_date_error(x) AS jd__date(x).err;

-- datetime ---------------------------------------------------------------------------
CREATE OR REPLACE MACRO jd__datetime(x) AS
    list_transform([jd__dt_parse(x)], lambda f: jd__dt_eval(f, 'datetime', true))[1];
CREATE OR REPLACE MACRO jd_datetime_clean(x) AS jd__datetime(x).value;
CREATE OR REPLACE MACRO jd_datetime_error(x) AS jd__datetime(x).err;

-- month ------------------------------------------------------------------------------
-- Month-only forms first (pattern = dates.MONTH_PATTERN); otherwise any full date.
CREATE OR REPLACE MACRO jd__month_eval(g, f) AS
    CASE
        WHEN g.y = '' THEN list_transform(
            [jd__dt_eval(f, 'month', false)],
            lambda r: {'value': CAST(date_trunc('month', r.value) AS DATE), 'err': r.err}
        )[1]
        WHEN TRY_CAST(g.m6 || g.m AS INTEGER) NOT BETWEEN 1 AND 12
            THEN {'value': CAST(NULL AS DATE), 'err': 'month.invalid'}
        WHEN TRY_CAST(g.y AS INTEGER) NOT BETWEEN 1900 AND 2100
            THEN {'value': CAST(NULL AS DATE), 'err': 'month.range'}
        ELSE {
            'value': make_date(TRY_CAST(g.y AS INTEGER), TRY_CAST(g.m6 || g.m AS INTEGER), 1),
            'err': CAST(NULL AS VARCHAR)
        }
    END;

-- The full-date parse runs for every row: cheaper than re-reading the text in a branch.
CREATE OR REPLACE MACRO jd__month(x) AS
    list_transform(
        [jd_trim(jd_halfwidth(x))],
        lambda t: list_transform(
            [{'g': regexp_extract(t, '^([0-9]{4})(?:([0-9]{2})| *[-/.年] *([0-9]{1,2}) *月?)$', ['y', 'm6', 'm']), 'f': jd__dt_parse_text(t)}],
            lambda p: jd__month_eval(p.g, p.f)
        )[1]
    )[1];
CREATE OR REPLACE MACRO jd_month_clean(x) AS jd__month(x).value;
CREATE OR REPLACE MACRO jd_month_error(x) AS jd__month(x).err;
