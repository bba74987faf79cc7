WITH incidents AS (
  SELECT
    incident_id,
    report_time,
    reporter_name,
    reporter_id_card,
    incident_type,
    amount,
    status,
    decision_date,
    handling_unit,
    suspect_name,
    suspect_id_card,
    source_record_id
  FROM police_incident
), theft_fraud AS (
  SELECT
    t0.incident_id AS incident_id,
    t0.report_time AS report_time,
    t0.reporter_name AS reporter_name,
    t0.reporter_id_card AS reporter_id_card,
    t0.incident_type AS incident_type,
    t0.amount AS amount,
    t0.status AS status,
    t0.decision_date AS decision_date,
    t0.handling_unit AS handling_unit,
    t0.suspect_name AS suspect_name,
    t0.suspect_id_card AS suspect_id_card,
    t0.source_record_id AS source_record_id,
    CASE
      WHEN CONTAINS(t0.incident_type, '盗窃')
      THEN CAST('3000' AS DECIMAL(18, 2))
      ELSE CAST('6000' AS DECIMAL(18, 2))
    END AS threshold,
    CAST(t0.report_time AS DATE) AS report_date
  FROM incidents AS t0
  WHERE
    CONTAINS(t0.incident_type, '盗窃') OR CONTAINS(t0.incident_type, '诈骗')
), not_filed AS (
  SELECT
    t0.incident_id AS incident_id,
    MAX(t0.incident_type) AS incident_type,
    MAX(t0.amount) AS amount,
    MAX(t0.threshold) AS threshold,
    MAX(t0.status) AS status,
    MIN(t0.report_date) AS report_date,
    MAX(t0.decision_date) AS decision_date,
    MAX(t0.handling_unit) AS handling_unit
  FROM theft_fraud AS t0
  WHERE
    t0.amount >= t0.threshold
    AND ARRAY_CONTAINS(ARRAY('不予立案', '撤案', '行政处罚', '治安调解'), t0.status)
  GROUP BY
    t0.incident_id
), pending_too_long AS (
  SELECT
    t0.incident_id AS incident_id,
    MAX(t0.incident_type) AS incident_type,
    MAX(t0.amount) AS amount,
    MAX(t0.threshold) AS threshold,
    MAX(t0.status) AS status,
    MIN(t0.report_date) AS report_date,
    MAX(t0.decision_date) AS decision_date,
    MAX(t0.handling_unit) AS handling_unit
  FROM theft_fraud AS t0
  WHERE
    t0.status = '受案'
    AND t0.decision_date IS NULL
    AND t0.amount >= t0.threshold
    AND CAST(DATEDIFF(CAST('2024-06-30' AS DATE), t0.report_date) AS BIGINT) > 60
  GROUP BY
    t0.incident_id
), repeat_theft_suspects AS (
  SELECT
    g.incident_id AS incident_id,
    g.suspect_id_card AS suspect_id_card,
    g.suspect_name AS suspect_name,
    g.thefts AS thefts,
    g.first_theft_date AS first_theft_date
  FROM (
    SELECT
      t0.incident_id AS incident_id,
      t0.suspect_id_card AS suspect_id_card,
      MAX(t0.suspect_name) AS suspect_name,
      COUNT(DISTINCT t1.incident_id) AS thefts,
      MIN(t1.report_date) AS first_theft_date
    FROM theft_fraud AS t0
    INNER JOIN theft_fraud AS t1
      ON t0.suspect_id_card = t1.suspect_id_card
      AND (
        CONTAINS(t1.incident_type, '盗窃')
        AND t1.report_time <= t0.report_time
        AND CAST(DATEDIFF(t0.report_date, t1.report_date) AS BIGINT) <= 730
      )
    WHERE
      CONTAINS(t0.incident_type, '盗窃')
      AND ARRAY_CONTAINS(ARRAY('不予立案', '撤案', '行政处罚', '治安调解'), t0.status)
    GROUP BY
      t0.incident_id,
      t0.suspect_id_card
  ) AS g
  WHERE
    g.thefts >= 3
), repeat_theft AS (
  SELECT
    t0.incident_id AS incident_id,
    MAX(t0.incident_type) AS incident_type,
    MAX(t0.amount) AS amount,
    MAX(t0.threshold) AS threshold,
    MAX(t0.status) AS status,
    MIN(t0.report_date) AS report_date,
    MAX(t0.decision_date) AS decision_date,
    MAX(t0.handling_unit) AS handling_unit,
    MAX(t1.suspect_name) AS suspect_name,
    MAX(t0.suspect_id_card) AS suspect_id_card,
    MAX(t1.thefts) AS thefts,
    MIN(t1.first_theft_date) AS first_theft_date
  FROM theft_fraud AS t0
  INNER JOIN repeat_theft_suspects AS t1
    ON t0.incident_id = t1.incident_id AND t0.suspect_id_card = t1.suspect_id_card
  GROUP BY
    t0.incident_id
)
SELECT
  'not_filed' AS branch,
  'incident' AS subject_type,
  CAST(incident_id AS STRING) AS subject_key,
  CONCAT(
    COALESCE(CAST(incident_type AS STRING), ''),
    '警情',
    COALESCE(CAST(incident_id AS STRING), ''),
    '涉案',
    COALESCE(CAST(amount AS STRING), ''),
    '元，处理结果：',
    COALESCE(CAST(status AS STRING), '')
  ) AS title,
  'high' AS severity,
  STRUCT(
    incident_type AS incident_type,
    amount AS amount,
    threshold AS threshold,
    status AS status,
    report_date AS report_date,
    decision_date AS decision_date,
    handling_unit AS handling_unit,
    NULL AS suspect_name,
    NULL AS suspect_id_card,
    NULL AS thefts,
    NULL AS first_theft_date
  ) AS evidence,
  incident_type AS incident_type,
  amount AS amount,
  threshold AS threshold,
  status AS status,
  report_date AS report_date,
  decision_date AS decision_date,
  handling_unit AS handling_unit,
  NULL AS suspect_name,
  NULL AS suspect_id_card,
  NULL AS thefts,
  NULL AS first_theft_date
FROM not_filed
UNION ALL
SELECT
  'pending' AS branch,
  'incident' AS subject_type,
  CAST(incident_id AS STRING) AS subject_key,
  CONCAT(
    COALESCE(CAST(incident_type AS STRING), ''),
    '警情',
    COALESCE(CAST(incident_id AS STRING), ''),
    '涉案',
    COALESCE(CAST(amount AS STRING), ''),
    '元，处理结果：',
    COALESCE(CAST(status AS STRING), '')
  ) AS title,
  'medium' AS severity,
  STRUCT(
    incident_type AS incident_type,
    amount AS amount,
    threshold AS threshold,
    status AS status,
    report_date AS report_date,
    decision_date AS decision_date,
    handling_unit AS handling_unit,
    NULL AS suspect_name,
    NULL AS suspect_id_card,
    NULL AS thefts,
    NULL AS first_theft_date
  ) AS evidence,
  incident_type AS incident_type,
  amount AS amount,
  threshold AS threshold,
  status AS status,
  report_date AS report_date,
  decision_date AS decision_date,
  handling_unit AS handling_unit,
  NULL AS suspect_name,
  NULL AS suspect_id_card,
  NULL AS thefts,
  NULL AS first_theft_date
FROM pending_too_long
UNION ALL
SELECT
  'repeat_theft' AS branch,
  'incident' AS subject_type,
  CAST(incident_id AS STRING) AS subject_key,
  CONCAT(
    COALESCE(CAST(incident_type AS STRING), ''),
    '警情',
    COALESCE(CAST(incident_id AS STRING), ''),
    '涉案',
    COALESCE(CAST(amount AS STRING), ''),
    '元，处理结果：',
    COALESCE(CAST(status AS STRING), '')
  ) AS title,
  'high' AS severity,
  STRUCT(
    incident_type AS incident_type,
    amount AS amount,
    threshold AS threshold,
    status AS status,
    report_date AS report_date,
    decision_date AS decision_date,
    handling_unit AS handling_unit,
    suspect_name AS suspect_name,
    suspect_id_card AS suspect_id_card,
    thefts AS thefts,
    first_theft_date AS first_theft_date
  ) AS evidence,
  incident_type AS incident_type,
  amount AS amount,
  threshold AS threshold,
  status AS status,
  report_date AS report_date,
  decision_date AS decision_date,
  handling_unit AS handling_unit,
  suspect_name AS suspect_name,
  suspect_id_card AS suspect_id_card,
  thefts AS thefts,
  first_theft_date AS first_theft_date
FROM repeat_theft
