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
    t0.threshold AS threshold,
    t0.report_date AS report_date
  FROM theft_fraud AS t0
  WHERE
    t0.amount >= t0.threshold
    AND ARRAY_CONTAINS(ARRAY('不予立案', '撤案', '行政处罚', '治安调解'), t0.status)
), pending_too_long AS (
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
    t0.threshold AS threshold,
    t0.report_date AS report_date
  FROM theft_fraud AS t0
  WHERE
    t0.status = '受案'
    AND t0.decision_date IS NULL
    AND t0.amount >= t0.threshold
    AND DATEDIFF(CAST('2024-06-30' AS DATE), t0.report_date) > 60
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
    handling_unit AS handling_unit
  ) AS evidence,
  incident_type AS incident_type,
  amount AS amount,
  threshold AS threshold,
  status AS status,
  report_date AS report_date,
  decision_date AS decision_date,
  handling_unit AS handling_unit
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
    handling_unit AS handling_unit
  ) AS evidence,
  incident_type AS incident_type,
  amount AS amount,
  threshold AS threshold,
  status AS status,
  report_date AS report_date,
  decision_date AS decision_date,
  handling_unit AS handling_unit
FROM pending_too_long
