WITH pay AS (
  SELECT
    id_card,
    name,
    pay_month,
    amount,
    account_no,
    source_record_id
  FROM pension_payment
), death AS (
  SELECT
    id_card,
    name,
    death_date,
    source,
    source_record_id
  FROM death_record
), sentence AS (
  SELECT
    id_card,
    name,
    case_no,
    sentence_type,
    start_date,
    end_date,
    institution,
    source_record_id
  FROM sentence_record
), deaths AS (
  SELECT
    t0.id_card AS id_card,
    MIN(t0.death_date) AS death_date
  FROM death AS t0
  GROUP BY
    t0.id_card
), paid_after_death AS (
  SELECT
    t0.id_card AS id_card,
    t0.name AS name,
    t0.pay_month AS pay_month,
    t0.amount AS amount,
    t0.account_no AS account_no,
    t0.source_record_id AS source_record_id,
    t1.id_card AS d_id_card,
    t1.death_date AS d_death_date
  FROM pay AS t0
  INNER JOIN deaths AS t1
    ON t0.id_card = t1.id_card
  WHERE
    t0.pay_month > DATE_TRUNC('MONTH', t1.death_date)
), persons AS (
  SELECT
    g.id_card AS id_card,
    g.name AS name,
    g.death_date AS death_date,
    g.months AS months,
    g.first_month AS first_month,
    g.last_month AS last_month,
    g.total_amount AS total_amount,
    g.reason AS reason
  FROM (
    SELECT
      t0.id_card AS id_card,
      MAX(t0.name) AS name,
      MIN(t0.d_death_date) AS death_date,
      COUNT(DISTINCT t0.pay_month) AS months,
      MIN(t0.pay_month) AS first_month,
      MAX(t0.pay_month) AS last_month,
      SUM(t0.amount) AS total_amount,
      CONCAT('死亡（', COALESCE(CAST(MIN(t0.d_death_date) AS STRING), ''), '）后') AS reason
    FROM paid_after_death AS t0
    GROUP BY
      t0.id_card
  ) AS g
  WHERE
    g.months >= 2
), custody_periods AS (
  SELECT
    t0.id_card AS id_card,
    t0.sentence_type AS sentence_type,
    t0.start_date AS start_date,
    t0.end_date AS end_date,
    MIN(t1.start_date) AS release_date
  FROM sentence AS t0
  LEFT JOIN sentence AS t1
    ON t0.id_card = t1.id_card
    AND (
      ARRAY_CONTAINS(ARRAY('假释', '暂予监外执行'), t1.sentence_type)
      AND t1.start_date > t0.start_date
      AND (
        t0.end_date IS NULL OR t1.start_date <= t0.end_date
      )
    )
  WHERE
    ARRAY_CONTAINS(ARRAY('拘役', '有期徒刑', '无期徒刑', '死刑缓期执行'), t0.sentence_type)
  GROUP BY
    t0.id_card,
    t0.sentence_type,
    t0.start_date,
    t0.end_date
), paid_in_custody AS (
  SELECT
    t0.id_card AS id_card,
    t0.name AS name,
    t0.pay_month AS pay_month,
    t0.amount AS amount,
    t0.account_no AS account_no,
    t0.source_record_id AS source_record_id,
    t1.id_card AS s_id_card,
    t1.sentence_type AS s_sentence_type,
    t1.start_date AS s_start_date,
    t1.end_date AS s_end_date,
    t1.release_date AS s_release_date
  FROM pay AS t0
  INNER JOIN custody_periods AS t1
    ON t0.id_card = t1.id_card
  WHERE
    t0.pay_month > DATE_TRUNC('MONTH', t1.start_date)
    AND (
      t1.end_date IS NULL OR t0.pay_month < DATE_TRUNC('MONTH', t1.end_date)
    )
    AND (
      t1.release_date IS NULL OR t0.pay_month < DATE_TRUNC('MONTH', t1.release_date)
    )
), prisoners AS (
  SELECT
    g.id_card AS id_card,
    g.name AS name,
    g.months AS months,
    g.first_month AS first_month,
    g.last_month AS last_month,
    g.total_amount AS total_amount,
    g.sentence_type AS sentence_type,
    g.custody_start AS custody_start,
    g.custody_end AS custody_end,
    g.reason AS reason
  FROM (
    SELECT
      t0.id_card AS id_card,
      MAX(t0.name) AS name,
      COUNT(DISTINCT t0.pay_month) AS months,
      MIN(t0.pay_month) AS first_month,
      MAX(t0.pay_month) AS last_month,
      SUM(t0.amount) AS total_amount,
      MAX(t0.s_sentence_type) AS sentence_type,
      MIN(t0.s_start_date) AS custody_start,
      MAX(COALESCE(t0.s_release_date, t0.s_end_date)) AS custody_end,
      CONCAT(
        '服',
        COALESCE(MAX(t0.s_sentence_type), ''),
        '期间（',
        COALESCE(CAST(MIN(t0.s_start_date) AS STRING), ''),
        '起）'
      ) AS reason
    FROM paid_in_custody AS t0
    GROUP BY
      t0.id_card
  ) AS g
  WHERE
    g.months >= 2
)
SELECT
  'after_death' AS branch,
  'person' AS subject_type,
  CAST(id_card AS STRING) AS subject_key,
  CONCAT(
    COALESCE(CAST(name AS STRING), ''),
    COALESCE(CAST(reason AS STRING), ''),
    '仍领取养老金',
    COALESCE(CAST(months AS STRING), ''),
    '个月，共',
    COALESCE(CAST(total_amount AS STRING), ''),
    '元'
  ) AS title,
  'high' AS severity,
  STRUCT(
    name AS name,
    death_date AS death_date,
    months AS months,
    first_month AS first_month,
    last_month AS last_month,
    total_amount AS total_amount,
    NULL AS sentence_type,
    NULL AS custody_start,
    NULL AS custody_end
  ) AS evidence,
  name AS name,
  death_date AS death_date,
  months AS months,
  first_month AS first_month,
  last_month AS last_month,
  total_amount AS total_amount,
  NULL AS sentence_type,
  NULL AS custody_start,
  NULL AS custody_end
FROM persons
UNION ALL
SELECT
  'in_custody' AS branch,
  'person' AS subject_type,
  CAST(id_card AS STRING) AS subject_key,
  CONCAT(
    COALESCE(CAST(name AS STRING), ''),
    COALESCE(CAST(reason AS STRING), ''),
    '仍领取养老金',
    COALESCE(CAST(months AS STRING), ''),
    '个月，共',
    COALESCE(CAST(total_amount AS STRING), ''),
    '元'
  ) AS title,
  'high' AS severity,
  STRUCT(
    name AS name,
    NULL AS death_date,
    months AS months,
    first_month AS first_month,
    last_month AS last_month,
    total_amount AS total_amount,
    sentence_type AS sentence_type,
    custody_start AS custody_start,
    custody_end AS custody_end
  ) AS evidence,
  name AS name,
  NULL AS death_date,
  months AS months,
  first_month AS first_month,
  last_month AS last_month,
  total_amount AS total_amount,
  sentence_type AS sentence_type,
  custody_start AS custody_start,
  custody_end AS custody_end
FROM prisoners
