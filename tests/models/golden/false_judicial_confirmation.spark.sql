WITH conf AS (
  SELECT
    case_no,
    mediation_org,
    applicant_name,
    applicant_id_card,
    respondent_name,
    respondent_id_card,
    amount,
    confirm_date,
    source_record_id
  FROM judicial_confirmation
), exec AS (
  SELECT
    exec_case_no,
    source_case_no,
    applicant_name,
    respondent_name,
    respondent_id_card,
    respondent_uscc,
    amount,
    filing_date,
    closing_date,
    closing_method,
    defaulter_listed_date,
    source_record_id
  FROM execution_case
), parties AS (
  SELECT
    case_no,
    role,
    party_type,
    name,
    sex,
    birth_date,
    ethnicity,
    legal_rep,
    id_card,
    uscc,
    phone,
    address,
    agent_name,
    agent_firm,
    agent_type,
    employer_name,
    lost_work_from,
    lost_work_to,
    source_record_id
  FROM court_party
), confirmations AS (
  SELECT
    t0.case_no AS case_no,
    t0.mediation_org AS mediation_org,
    t0.applicant_name AS applicant_name,
    t0.applicant_id_card AS applicant_id_card,
    t0.respondent_name AS respondent_name,
    t0.respondent_id_card AS respondent_id_card,
    t0.amount AS amount,
    t0.confirm_date AS confirm_date,
    t0.source_record_id AS source_record_id,
    COALESCE(t0.applicant_id_card, t0.applicant_name) AS applicant_key,
    COALESCE(t0.respondent_id_card, t0.respondent_name) AS respondent_key
  FROM conf AS t0
  WHERE
    NOT t0.confirm_date IS NULL AND t0.confirm_date <= CAST('2024-06-30' AS DATE)
), executions AS (
  SELECT
    t0.exec_case_no AS exec_case_no,
    t0.source_case_no AS source_case_no,
    t0.applicant_name AS applicant_name,
    t0.respondent_name AS respondent_name,
    t0.respondent_id_card AS respondent_id_card,
    t0.respondent_uscc AS respondent_uscc,
    t0.amount AS amount,
    t0.filing_date AS filing_date,
    t0.closing_date AS closing_date,
    t0.closing_method AS closing_method,
    t0.defaulter_listed_date AS defaulter_listed_date,
    t0.source_record_id AS source_record_id,
    COALESCE(t0.respondent_id_card, t0.respondent_name) AS respondent_key
  FROM exec AS t0
), queue_jumping AS (
  SELECT
    t0.case_no AS case_no,
    MAX(t0.applicant_name) AS applicant_name,
    MAX(t0.respondent_name) AS respondent_name,
    MAX(t0.amount) AS amount,
    MIN(t0.confirm_date) AS confirm_date,
    MAX(t0.mediation_org) AS mediation_org,
    COUNT(DISTINCT t1.exec_case_no) AS pending_executions,
    CONCAT(
      '被申请人确认时已有未履行执行案件',
      COALESCE(CAST(COUNT(DISTINCT t1.exec_case_no) AS STRING), ''),
      '件'
    ) AS finding
  FROM confirmations AS t0
  INNER JOIN executions AS t1
    ON t0.respondent_key = t1.respondent_key
    AND (
      t1.filing_date <= t0.confirm_date
      AND (
        t1.closing_date IS NULL
        OR t1.closing_date > t0.confirm_date
        OR ARRAY_CONTAINS(ARRAY('终结本次执行'), t1.closing_method)
      )
      AND COALESCE(t1.applicant_name, '') <> COALESCE(t0.applicant_name, '')
      AND COALESCE(t1.source_case_no, '') <> t0.case_no
    )
  GROUP BY
    t0.case_no
), shared_contact AS (
  SELECT
    t0.case_no AS case_no,
    MAX(t2.applicant_name) AS applicant_name,
    MAX(t2.respondent_name) AS respondent_name,
    MAX(t2.amount) AS amount,
    MIN(t2.confirm_date) AS confirm_date,
    MAX(t2.mediation_org) AS mediation_org,
    MAX(CASE WHEN t1.phone = t0.phone THEN t0.phone END) AS shared_phone,
    MAX(CASE WHEN t1.address = t0.address THEN t0.address END) AS shared_address,
    CONCAT(
      '申请人与被申请人',
      COALESCE(
        CASE
          WHEN COUNT_IF(t1.phone = t0.phone) > 0 AND COUNT_IF(t1.address = t0.address) > 0
          THEN '电话、住址均相同'
          WHEN COUNT_IF(t1.phone = t0.phone) > 0
          THEN '电话相同'
          ELSE '住址相同'
        END,
        ''
      )
    ) AS finding
  FROM parties AS t0
  INNER JOIN parties AS t1
    ON t0.case_no = t1.case_no
    AND (
      t1.role = '被申请人'
      AND (
        t1.phone = t0.phone OR t1.address = t0.address
      )
      AND COALESCE(t1.id_card, t1.uscc, t1.name) <> COALESCE(t0.id_card, t0.uscc, t0.name)
    )
  INNER JOIN confirmations AS t2
    ON t0.case_no = t2.case_no
  WHERE
    t0.role = '申请人'
  GROUP BY
    t0.case_no
), applicant_windows AS (
  SELECT
    g.applicant_key AS applicant_key,
    g.confirm_date AS confirm_date,
    g.window_confirmations AS window_confirmations
  FROM (
    SELECT
      t0.applicant_key AS applicant_key,
      t0.confirm_date AS confirm_date,
      COUNT(DISTINCT t1.case_no) AS window_confirmations
    FROM confirmations AS t0
    INNER JOIN confirmations AS t1
      ON t0.applicant_key = t1.applicant_key
      AND (
        t1.confirm_date >= t0.confirm_date
        AND CAST(DATEDIFF(t1.confirm_date, t0.confirm_date) AS BIGINT) < 365
      )
    GROUP BY
      t0.applicant_key,
      t0.confirm_date
  ) AS g
  WHERE
    g.window_confirmations >= 3
), frequent_applicant AS (
  SELECT
    t0.case_no AS case_no,
    MAX(t0.applicant_name) AS applicant_name,
    MAX(t0.respondent_name) AS respondent_name,
    MAX(t0.amount) AS amount,
    MIN(t0.confirm_date) AS confirm_date,
    MAX(t0.mediation_org) AS mediation_org,
    MAX(t1.window_confirmations) AS applicant_confirmations,
    CONCAT(
      '同一申请人',
      COALESCE(CAST(365 AS STRING), ''),
      '天内司法确认',
      COALESCE(CAST(MAX(t1.window_confirmations) AS STRING), ''),
      '件'
    ) AS finding
  FROM confirmations AS t0
  INNER JOIN applicant_windows AS t1
    ON t0.applicant_key = t1.applicant_key
    AND (
      t0.confirm_date >= t1.confirm_date
      AND CAST(DATEDIFF(t0.confirm_date, t1.confirm_date) AS BIGINT) < 365
    )
  GROUP BY
    t0.case_no
), org_applicants AS (
  SELECT
    t0.mediation_org AS mediation_org,
    t0.applicant_key AS applicant_key,
    COUNT(DISTINCT t0.case_no) AS applicant_confirmations
  FROM confirmations AS t0
  WHERE
    NOT t0.mediation_org IS NULL
    AND CAST(DATEDIFF(CAST('2024-06-30' AS DATE), t0.confirm_date) AS BIGINT) < 365
  GROUP BY
    t0.mediation_org,
    t0.applicant_key
), org_totals AS (
  SELECT
    g.mediation_org AS mediation_org,
    g.org_confirmations AS org_confirmations
  FROM (
    SELECT
      t0.mediation_org AS mediation_org,
      SUM(t0.applicant_confirmations) AS org_confirmations
    FROM org_applicants AS t0
    GROUP BY
      t0.mediation_org
  ) AS g
  WHERE
    g.org_confirmations >= 10
), dominant_applicants AS (
  SELECT
    t0.mediation_org AS mediation_org,
    t0.applicant_key AS applicant_key,
    t0.applicant_confirmations AS applicant_confirmations,
    t1.mediation_org AS t_mediation_org,
    t1.org_confirmations AS t_org_confirmations
  FROM org_applicants AS t0
  INNER JOIN org_totals AS t1
    ON t0.mediation_org = t1.mediation_org
  WHERE
    t0.applicant_confirmations >= t1.org_confirmations * CAST('0.5' AS DECIMAL(18, 2))
), org_concentration AS (
  SELECT
    t0.case_no AS case_no,
    MAX(t0.applicant_name) AS applicant_name,
    MAX(t0.respondent_name) AS respondent_name,
    MAX(t0.amount) AS amount,
    MIN(t0.confirm_date) AS confirm_date,
    MAX(t0.mediation_org) AS mediation_org,
    MAX(t1.applicant_confirmations) AS applicant_confirmations,
    MAX(t1.t_org_confirmations) AS org_confirmations,
    CONCAT(
      '调解组织',
      COALESCE(MAX(t0.mediation_org), ''),
      '期间内确认',
      COALESCE(CAST(MAX(t1.t_org_confirmations) AS STRING), ''),
      '件，其中该申请人',
      COALESCE(CAST(MAX(t1.applicant_confirmations) AS STRING), ''),
      '件'
    ) AS finding
  FROM confirmations AS t0
  INNER JOIN dominant_applicants AS t1
    ON t0.mediation_org = t1.mediation_org AND t0.applicant_key = t1.applicant_key
  WHERE
    CAST(DATEDIFF(CAST('2024-06-30' AS DATE), t0.confirm_date) AS BIGINT) < 365
  GROUP BY
    t0.case_no
), quick_enforcement AS (
  SELECT
    t0.case_no AS case_no,
    MAX(t0.applicant_name) AS applicant_name,
    MAX(t0.respondent_name) AS respondent_name,
    MAX(t0.amount) AS amount,
    MIN(t0.confirm_date) AS confirm_date,
    MAX(t0.mediation_org) AS mediation_org,
    MIN(t1.exec_case_no) AS exec_case_no,
    MIN(CAST(DATEDIFF(t1.filing_date, t0.confirm_date) AS BIGINT)) AS days_to_enforcement,
    CONCAT(
      '确认后',
      COALESCE(CAST(MIN(CAST(DATEDIFF(t1.filing_date, t0.confirm_date) AS BIGINT)) AS STRING), ''),
      '天即申请执行'
    ) AS finding
  FROM confirmations AS t0
  INNER JOIN exec AS t1
    ON t0.case_no = t1.source_case_no
    AND (
      t1.filing_date >= t0.confirm_date
      AND CAST(DATEDIFF(t1.filing_date, t0.confirm_date) AS BIGINT) <= 30
    )
  GROUP BY
    t0.case_no
)
SELECT
  'queue_jumping' AS branch,
  'case' AS subject_type,
  CAST(case_no AS STRING) AS subject_key,
  CONCAT(
    '司法确认',
    COALESCE(CAST(case_no AS STRING), ''),
    '（',
    COALESCE(CAST(applicant_name AS STRING), ''),
    '申请，被申请人',
    COALESCE(CAST(respondent_name AS STRING), ''),
    '，',
    COALESCE(CAST(amount AS STRING), ''),
    '元）：',
    COALESCE(CAST(finding AS STRING), '')
  ) AS title,
  'high' AS severity,
  STRUCT(
    applicant_name AS applicant_name,
    respondent_name AS respondent_name,
    amount AS amount,
    confirm_date AS confirm_date,
    mediation_org AS mediation_org,
    finding AS finding,
    pending_executions AS pending_executions,
    NULL AS shared_phone,
    NULL AS shared_address,
    NULL AS applicant_confirmations,
    NULL AS org_confirmations,
    NULL AS exec_case_no,
    NULL AS days_to_enforcement
  ) AS evidence,
  applicant_name AS applicant_name,
  respondent_name AS respondent_name,
  amount AS amount,
  confirm_date AS confirm_date,
  mediation_org AS mediation_org,
  finding AS finding,
  pending_executions AS pending_executions,
  NULL AS shared_phone,
  NULL AS shared_address,
  NULL AS applicant_confirmations,
  NULL AS org_confirmations,
  NULL AS exec_case_no,
  NULL AS days_to_enforcement
FROM queue_jumping
UNION ALL
SELECT
  'shared_contact' AS branch,
  'case' AS subject_type,
  CAST(case_no AS STRING) AS subject_key,
  CONCAT(
    '司法确认',
    COALESCE(CAST(case_no AS STRING), ''),
    '（',
    COALESCE(CAST(applicant_name AS STRING), ''),
    '申请，被申请人',
    COALESCE(CAST(respondent_name AS STRING), ''),
    '，',
    COALESCE(CAST(amount AS STRING), ''),
    '元）：',
    COALESCE(CAST(finding AS STRING), '')
  ) AS title,
  'high' AS severity,
  STRUCT(
    applicant_name AS applicant_name,
    respondent_name AS respondent_name,
    amount AS amount,
    confirm_date AS confirm_date,
    mediation_org AS mediation_org,
    finding AS finding,
    NULL AS pending_executions,
    shared_phone AS shared_phone,
    shared_address AS shared_address,
    NULL AS applicant_confirmations,
    NULL AS org_confirmations,
    NULL AS exec_case_no,
    NULL AS days_to_enforcement
  ) AS evidence,
  applicant_name AS applicant_name,
  respondent_name AS respondent_name,
  amount AS amount,
  confirm_date AS confirm_date,
  mediation_org AS mediation_org,
  finding AS finding,
  NULL AS pending_executions,
  shared_phone AS shared_phone,
  shared_address AS shared_address,
  NULL AS applicant_confirmations,
  NULL AS org_confirmations,
  NULL AS exec_case_no,
  NULL AS days_to_enforcement
FROM shared_contact
UNION ALL
SELECT
  'frequent_applicant' AS branch,
  'case' AS subject_type,
  CAST(case_no AS STRING) AS subject_key,
  CONCAT(
    '司法确认',
    COALESCE(CAST(case_no AS STRING), ''),
    '（',
    COALESCE(CAST(applicant_name AS STRING), ''),
    '申请，被申请人',
    COALESCE(CAST(respondent_name AS STRING), ''),
    '，',
    COALESCE(CAST(amount AS STRING), ''),
    '元）：',
    COALESCE(CAST(finding AS STRING), '')
  ) AS title,
  'medium' AS severity,
  STRUCT(
    applicant_name AS applicant_name,
    respondent_name AS respondent_name,
    amount AS amount,
    confirm_date AS confirm_date,
    mediation_org AS mediation_org,
    finding AS finding,
    NULL AS pending_executions,
    NULL AS shared_phone,
    NULL AS shared_address,
    applicant_confirmations AS applicant_confirmations,
    NULL AS org_confirmations,
    NULL AS exec_case_no,
    NULL AS days_to_enforcement
  ) AS evidence,
  applicant_name AS applicant_name,
  respondent_name AS respondent_name,
  amount AS amount,
  confirm_date AS confirm_date,
  mediation_org AS mediation_org,
  finding AS finding,
  NULL AS pending_executions,
  NULL AS shared_phone,
  NULL AS shared_address,
  applicant_confirmations AS applicant_confirmations,
  NULL AS org_confirmations,
  NULL AS exec_case_no,
  NULL AS days_to_enforcement
FROM frequent_applicant
UNION ALL
SELECT
  'org_concentration' AS branch,
  'case' AS subject_type,
  CAST(case_no AS STRING) AS subject_key,
  CONCAT(
    '司法确认',
    COALESCE(CAST(case_no AS STRING), ''),
    '（',
    COALESCE(CAST(applicant_name AS STRING), ''),
    '申请，被申请人',
    COALESCE(CAST(respondent_name AS STRING), ''),
    '，',
    COALESCE(CAST(amount AS STRING), ''),
    '元）：',
    COALESCE(CAST(finding AS STRING), '')
  ) AS title,
  'medium' AS severity,
  STRUCT(
    applicant_name AS applicant_name,
    respondent_name AS respondent_name,
    amount AS amount,
    confirm_date AS confirm_date,
    mediation_org AS mediation_org,
    finding AS finding,
    NULL AS pending_executions,
    NULL AS shared_phone,
    NULL AS shared_address,
    applicant_confirmations AS applicant_confirmations,
    org_confirmations AS org_confirmations,
    NULL AS exec_case_no,
    NULL AS days_to_enforcement
  ) AS evidence,
  applicant_name AS applicant_name,
  respondent_name AS respondent_name,
  amount AS amount,
  confirm_date AS confirm_date,
  mediation_org AS mediation_org,
  finding AS finding,
  NULL AS pending_executions,
  NULL AS shared_phone,
  NULL AS shared_address,
  applicant_confirmations AS applicant_confirmations,
  org_confirmations AS org_confirmations,
  NULL AS exec_case_no,
  NULL AS days_to_enforcement
FROM org_concentration
UNION ALL
SELECT
  'quick_enforcement' AS branch,
  'case' AS subject_type,
  CAST(case_no AS STRING) AS subject_key,
  CONCAT(
    '司法确认',
    COALESCE(CAST(case_no AS STRING), ''),
    '（',
    COALESCE(CAST(applicant_name AS STRING), ''),
    '申请，被申请人',
    COALESCE(CAST(respondent_name AS STRING), ''),
    '，',
    COALESCE(CAST(amount AS STRING), ''),
    '元）：',
    COALESCE(CAST(finding AS STRING), '')
  ) AS title,
  'low' AS severity,
  STRUCT(
    applicant_name AS applicant_name,
    respondent_name AS respondent_name,
    amount AS amount,
    confirm_date AS confirm_date,
    mediation_org AS mediation_org,
    finding AS finding,
    NULL AS pending_executions,
    NULL AS shared_phone,
    NULL AS shared_address,
    NULL AS applicant_confirmations,
    NULL AS org_confirmations,
    exec_case_no AS exec_case_no,
    days_to_enforcement AS days_to_enforcement
  ) AS evidence,
  applicant_name AS applicant_name,
  respondent_name AS respondent_name,
  amount AS amount,
  confirm_date AS confirm_date,
  mediation_org AS mediation_org,
  finding AS finding,
  NULL AS pending_executions,
  NULL AS shared_phone,
  NULL AS shared_address,
  NULL AS applicant_confirmations,
  NULL AS org_confirmations,
  exec_case_no AS exec_case_no,
  days_to_enforcement AS days_to_enforcement
FROM quick_enforcement
