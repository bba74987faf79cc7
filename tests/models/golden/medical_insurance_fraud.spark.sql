WITH settlements AS (
  SELECT
    settlement_id,
    id_card,
    name,
    hospital,
    admit_date,
    discharge_date,
    settle_date,
    total,
    fund_paid,
    source_record_id
  FROM medical_settlement
), death AS (
  SELECT
    id_card,
    name,
    death_date,
    source,
    source_record_id
  FROM death_record
), stays AS (
  SELECT
    t0.settlement_id AS settlement_id,
    t0.id_card AS id_card,
    t0.name AS name,
    t0.hospital AS hospital,
    t0.admit_date AS admit_date,
    t0.discharge_date AS discharge_date,
    t0.settle_date AS settle_date,
    t0.total AS total,
    t0.fund_paid AS fund_paid,
    t0.source_record_id AS source_record_id
  FROM settlements AS t0
  WHERE
    NOT t0.admit_date IS NULL
    AND NOT t0.discharge_date IS NULL
    AND t0.discharge_date >= t0.admit_date
    AND NOT t0.hospital IS NULL
), overlap_pairs AS (
  SELECT
    t0.settlement_id AS settlement_id,
    t0.id_card AS id_card,
    t0.name AS name,
    t0.hospital AS hospital,
    t0.admit_date AS admit_date,
    t0.discharge_date AS discharge_date,
    t0.settle_date AS settle_date,
    t0.total AS total,
    t0.fund_paid AS fund_paid,
    t0.source_record_id AS source_record_id,
    t1.settlement_id AS o_settlement_id,
    t1.id_card AS o_id_card,
    t1.name AS o_name,
    t1.hospital AS o_hospital,
    t1.admit_date AS o_admit_date,
    t1.discharge_date AS o_discharge_date,
    t1.settle_date AS o_settle_date,
    t1.total AS o_total,
    t1.fund_paid AS o_fund_paid,
    t1.source_record_id AS o_source_record_id,
    GREATEST(t0.admit_date, t1.admit_date) AS overlap_start,
    CAST(DATEDIFF(
      LEAST(t0.discharge_date, t1.discharge_date),
      GREATEST(t0.admit_date, t1.admit_date)
    ) AS BIGINT) AS overlap_days
  FROM stays AS t0
  INNER JOIN stays AS t1
    ON t0.id_card = t1.id_card
    AND (
      t1.hospital <> t0.hospital
      AND t1.settlement_id > t0.settlement_id
      AND CAST(DATEDIFF(
        LEAST(t0.discharge_date, t1.discharge_date),
        GREATEST(t0.admit_date, t1.admit_date)
      ) AS BIGINT) >= 2
    )
), overlapping_persons AS (
  SELECT
    t0.id_card AS id_card,
    MAX(COALESCE(t0.name, t0.o_name)) AS name,
    COUNT(*) AS overlap_pairs,
    MAX(t0.overlap_days) AS max_overlap_days,
    MIN(t0.overlap_start) AS first_overlap,
    MIN(t0.hospital) AS hospital_a,
    MIN(t0.o_hospital) AS hospital_b
  FROM overlap_pairs AS t0
  GROUP BY
    t0.id_card
), overlapping_stays AS (
  SELECT
    t0.id_card AS id_card,
    COUNT(DISTINCT t0.settlement_id) AS settlements,
    SUM(t0.fund_paid) AS fund_paid
  FROM stays AS t0
  WHERE
    EXISTS(
      SELECT
        1
      FROM overlap_pairs AS t1
      WHERE
        t0.id_card = t1.id_card
        AND (
          t0.settlement_id = t1.settlement_id OR t0.settlement_id = t1.o_settlement_id
        )
    )
  GROUP BY
    t0.id_card
), overlaps AS (
  SELECT
    t0.id_card AS id_card,
    t0.name AS name,
    t0.overlap_pairs AS overlap_pairs,
    t0.max_overlap_days AS max_overlap_days,
    t0.first_overlap AS first_overlap,
    t0.hospital_a AS hospital_a,
    t0.hospital_b AS hospital_b,
    t1.id_card AS s_id_card,
    t1.settlements AS s_settlements,
    t1.fund_paid AS s_fund_paid,
    t1.settlements AS settlements,
    t1.fund_paid AS fund_paid,
    CONCAT(
      '在',
      COALESCE(t0.hospital_a, ''),
      '与',
      COALESCE(t0.hospital_b, ''),
      '的住院期间重叠',
      COALESCE(CAST(t0.max_overlap_days AS STRING), ''),
      '天（自',
      COALESCE(CAST(t0.first_overlap AS STRING), ''),
      '起）'
    ) AS signal
  FROM overlapping_persons AS t0
  INNER JOIN overlapping_stays AS t1
    ON t0.id_card = t1.id_card
), deaths AS (
  SELECT
    t0.id_card AS id_card,
    MIN(t0.death_date) AS death_date
  FROM death AS t0
  GROUP BY
    t0.id_card
), treated_after_death AS (
  SELECT
    t0.settlement_id AS settlement_id,
    t0.id_card AS id_card,
    t0.name AS name,
    t0.hospital AS hospital,
    t0.admit_date AS admit_date,
    t0.discharge_date AS discharge_date,
    t0.settle_date AS settle_date,
    t0.total AS total,
    t0.fund_paid AS fund_paid,
    t0.source_record_id AS source_record_id,
    t1.id_card AS d_id_card,
    t1.death_date AS d_death_date
  FROM settlements AS t0
  INNER JOIN deaths AS t1
    ON t0.id_card = t1.id_card
  WHERE
    COALESCE(t0.admit_date, t0.settle_date) > t1.death_date
    OR CAST(DATEDIFF(t0.discharge_date, t1.death_date) AS BIGINT) > 2
), after_death AS (
  SELECT
    g.id_card AS id_card,
    g.name AS name,
    g.death_date AS death_date,
    g.settlements AS settlements,
    g.fund_paid AS fund_paid,
    g.first_after_death AS first_after_death,
    g.hospital_a AS hospital_a,
    g.signal AS signal
  FROM (
    SELECT
      t0.id_card AS id_card,
      MAX(t0.name) AS name,
      MIN(t0.d_death_date) AS death_date,
      COUNT(DISTINCT t0.settlement_id) AS settlements,
      SUM(t0.fund_paid) AS fund_paid,
      MIN(COALESCE(t0.admit_date, t0.settle_date)) AS first_after_death,
      MIN(t0.hospital) AS hospital_a,
      CONCAT(
        '死亡（',
        COALESCE(CAST(MIN(t0.d_death_date) AS STRING), ''),
        '）后仍在',
        COALESCE(MIN(t0.hospital), ''),
        '等机构发生医保结算',
        COALESCE(CAST(COUNT(DISTINCT t0.settlement_id) AS STRING), ''),
        '笔'
      ) AS signal
    FROM treated_after_death AS t0
    GROUP BY
      t0.id_card
  ) AS g
  WHERE
    g.settlements >= 1
)
SELECT
  'overlapping_stays' AS branch,
  'person' AS subject_type,
  CAST(id_card AS STRING) AS subject_key,
  CONCAT(
    COALESCE(CAST(name AS STRING), ''),
    COALESCE(CAST(signal AS STRING), ''),
    '，统筹基金支付',
    COALESCE(CAST(fund_paid AS STRING), ''),
    '元'
  ) AS title,
  'high' AS severity,
  STRUCT(
    name AS name,
    NULL AS death_date,
    hospital_a AS hospital_a,
    hospital_b AS hospital_b,
    overlap_pairs AS overlap_pairs,
    max_overlap_days AS max_overlap_days,
    first_overlap AS first_overlap,
    NULL AS first_after_death,
    settlements AS settlements,
    fund_paid AS fund_paid,
    signal AS signal
  ) AS evidence,
  name AS name,
  NULL AS death_date,
  hospital_a AS hospital_a,
  hospital_b AS hospital_b,
  overlap_pairs AS overlap_pairs,
  max_overlap_days AS max_overlap_days,
  first_overlap AS first_overlap,
  NULL AS first_after_death,
  settlements AS settlements,
  fund_paid AS fund_paid,
  signal AS signal
FROM overlaps
UNION ALL
SELECT
  'after_death' AS branch,
  'person' AS subject_type,
  CAST(id_card AS STRING) AS subject_key,
  CONCAT(
    COALESCE(CAST(name AS STRING), ''),
    COALESCE(CAST(signal AS STRING), ''),
    '，统筹基金支付',
    COALESCE(CAST(fund_paid AS STRING), ''),
    '元'
  ) AS title,
  'high' AS severity,
  STRUCT(
    name AS name,
    death_date AS death_date,
    hospital_a AS hospital_a,
    NULL AS hospital_b,
    NULL AS overlap_pairs,
    NULL AS max_overlap_days,
    NULL AS first_overlap,
    first_after_death AS first_after_death,
    settlements AS settlements,
    fund_paid AS fund_paid,
    signal AS signal
  ) AS evidence,
  name AS name,
  death_date AS death_date,
  hospital_a AS hospital_a,
  NULL AS hospital_b,
  NULL AS overlap_pairs,
  NULL AS max_overlap_days,
  NULL AS first_overlap,
  first_after_death AS first_after_death,
  settlements AS settlements,
  fund_paid AS fund_paid,
  signal AS signal
FROM after_death
