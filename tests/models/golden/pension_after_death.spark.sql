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
    g.total_amount AS total_amount
  FROM (
    SELECT
      t0.id_card AS id_card,
      MAX(t0.name) AS name,
      MIN(t0.d_death_date) AS death_date,
      COUNT(DISTINCT t0.pay_month) AS months,
      MIN(t0.pay_month) AS first_month,
      MAX(t0.pay_month) AS last_month,
      SUM(t0.amount) AS total_amount
    FROM paid_after_death AS t0
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
    '死亡（',
    COALESCE(CAST(death_date AS STRING), ''),
    '）后仍领取养老金',
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
    total_amount AS total_amount
  ) AS evidence,
  name AS name,
  death_date AS death_date,
  months AS months,
  first_month AS first_month,
  last_month AS last_month,
  total_amount AS total_amount
FROM persons
