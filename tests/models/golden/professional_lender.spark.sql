WITH cases AS (
  SELECT
    case_no,
    court_name,
    case_type,
    cause,
    filing_date,
    closing_date,
    closing_method,
    amount_claimed,
    amount_awarded,
    judgment_date,
    outcome,
    judges,
    clerks,
    statutes,
    appraisal_org,
    source_record_id
  FROM court_case
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
), lending_cases AS (
  SELECT
    t0.case_no AS case_no,
    t0.court_name AS court_name,
    t0.case_type AS case_type,
    t0.cause AS cause,
    t0.filing_date AS filing_date,
    t0.closing_date AS closing_date,
    t0.closing_method AS closing_method,
    t0.amount_claimed AS amount_claimed,
    t0.amount_awarded AS amount_awarded,
    t0.judgment_date AS judgment_date,
    t0.outcome AS outcome,
    t0.judges AS judges,
    t0.clerks AS clerks,
    t0.statutes AS statutes,
    t0.appraisal_org AS appraisal_org,
    t0.source_record_id AS source_record_id
  FROM cases AS t0
  WHERE
    CONTAINS(t0.cause, '民间借贷')
    AND t0.filing_date <= CAST('2024-06-30' AS DATE)
    AND CAST(DATEDIFF(CAST('2024-06-30' AS DATE), t0.filing_date) AS BIGINT) <= GREATEST(730, 365)
), plaintiffs AS (
  SELECT
    t0.case_no AS case_no,
    t0.role AS role,
    t0.party_type AS party_type,
    t0.name AS name,
    t0.sex AS sex,
    t0.birth_date AS birth_date,
    t0.ethnicity AS ethnicity,
    t0.legal_rep AS legal_rep,
    t0.id_card AS id_card,
    t0.uscc AS uscc,
    t0.phone AS phone,
    t0.address AS address,
    t0.agent_name AS agent_name,
    t0.agent_firm AS agent_firm,
    t0.agent_type AS agent_type,
    t0.employer_name AS employer_name,
    t0.lost_work_from AS lost_work_from,
    t0.lost_work_to AS lost_work_to,
    t0.source_record_id AS source_record_id,
    COALESCE(t0.id_card, t0.uscc) AS lender_key
  FROM parties AS t0
  WHERE
    t0.role = '原告'
    AND NOT COALESCE(t0.name, '') RLIKE '银行|信用社|信用合作|小额贷款|消费金融|融资担保|资产管理'
), defendants AS (
  SELECT
    t0.case_no AS case_no,
    t0.role AS role,
    t0.party_type AS party_type,
    t0.name AS name,
    t0.sex AS sex,
    t0.birth_date AS birth_date,
    t0.ethnicity AS ethnicity,
    t0.legal_rep AS legal_rep,
    t0.id_card AS id_card,
    t0.uscc AS uscc,
    t0.phone AS phone,
    t0.address AS address,
    t0.agent_name AS agent_name,
    t0.agent_firm AS agent_firm,
    t0.agent_type AS agent_type,
    t0.employer_name AS employer_name,
    t0.lost_work_from AS lost_work_from,
    t0.lost_work_to AS lost_work_to,
    t0.source_record_id AS source_record_id,
    COALESCE(t0.id_card, t0.uscc, t0.name) AS borrower_key
  FROM parties AS t0
  WHERE
    t0.role = '被告'
), plaintiff_suits AS (
  SELECT
    t0.case_no AS case_no,
    t0.role AS role,
    t0.party_type AS party_type,
    t0.name AS name,
    t0.sex AS sex,
    t0.birth_date AS birth_date,
    t0.ethnicity AS ethnicity,
    t0.legal_rep AS legal_rep,
    t0.id_card AS id_card,
    t0.uscc AS uscc,
    t0.phone AS phone,
    t0.address AS address,
    t0.agent_name AS agent_name,
    t0.agent_firm AS agent_firm,
    t0.agent_type AS agent_type,
    t0.employer_name AS employer_name,
    t0.lost_work_from AS lost_work_from,
    t0.lost_work_to AS lost_work_to,
    t0.source_record_id AS source_record_id,
    t0.lender_key AS lender_key,
    t1.case_no AS c_case_no,
    t1.court_name AS c_court_name,
    t1.case_type AS c_case_type,
    t1.cause AS c_cause,
    t1.filing_date AS c_filing_date,
    t1.closing_date AS c_closing_date,
    t1.closing_method AS c_closing_method,
    t1.amount_claimed AS c_amount_claimed,
    t1.amount_awarded AS c_amount_awarded,
    t1.judgment_date AS c_judgment_date,
    t1.outcome AS c_outcome,
    t1.judges AS c_judges,
    t1.clerks AS c_clerks,
    t1.statutes AS c_statutes,
    t1.appraisal_org AS c_appraisal_org,
    t1.source_record_id AS c_source_record_id
  FROM plaintiffs AS t0
  INNER JOIN lending_cases AS t1
    ON t0.case_no = t1.case_no
  WHERE
    NOT t0.lender_key IS NULL
), suit_borrowers AS (
  SELECT
    t0.case_no AS case_no,
    t0.role AS role,
    t0.party_type AS party_type,
    t0.name AS name,
    t0.sex AS sex,
    t0.birth_date AS birth_date,
    t0.ethnicity AS ethnicity,
    t0.legal_rep AS legal_rep,
    t0.id_card AS id_card,
    t0.uscc AS uscc,
    t0.phone AS phone,
    t0.address AS address,
    t0.agent_name AS agent_name,
    t0.agent_firm AS agent_firm,
    t0.agent_type AS agent_type,
    t0.employer_name AS employer_name,
    t0.lost_work_from AS lost_work_from,
    t0.lost_work_to AS lost_work_to,
    t0.source_record_id AS source_record_id,
    t0.lender_key AS lender_key,
    t0.c_case_no AS c_case_no,
    t0.c_court_name AS c_court_name,
    t0.c_case_type AS c_case_type,
    t0.c_cause AS c_cause,
    t0.c_filing_date AS c_filing_date,
    t0.c_closing_date AS c_closing_date,
    t0.c_closing_method AS c_closing_method,
    t0.c_amount_claimed AS c_amount_claimed,
    t0.c_amount_awarded AS c_amount_awarded,
    t0.c_judgment_date AS c_judgment_date,
    t0.c_outcome AS c_outcome,
    t0.c_judges AS c_judges,
    t0.c_clerks AS c_clerks,
    t0.c_statutes AS c_statutes,
    t0.c_appraisal_org AS c_appraisal_org,
    t0.c_source_record_id AS c_source_record_id,
    t1.case_no AS b_case_no,
    t1.role AS b_role,
    t1.party_type AS b_party_type,
    t1.name AS b_name,
    t1.sex AS b_sex,
    t1.birth_date AS b_birth_date,
    t1.ethnicity AS b_ethnicity,
    t1.legal_rep AS b_legal_rep,
    t1.id_card AS b_id_card,
    t1.uscc AS b_uscc,
    t1.phone AS b_phone,
    t1.address AS b_address,
    t1.agent_name AS b_agent_name,
    t1.agent_firm AS b_agent_firm,
    t1.agent_type AS b_agent_type,
    t1.employer_name AS b_employer_name,
    t1.lost_work_from AS b_lost_work_from,
    t1.lost_work_to AS b_lost_work_to,
    t1.source_record_id AS b_source_record_id,
    t1.borrower_key AS b_borrower_key
  FROM plaintiff_suits AS t0
  LEFT JOIN defendants AS t1
    ON t0.case_no = t1.case_no
), frequent_lenders AS (
  SELECT
    g.lender_key AS lender_key,
    g.name AS name,
    g.suits AS suits,
    g.borrowers AS borrowers,
    g.amount_claimed AS amount_claimed,
    g.first_filing AS first_filing,
    g.last_filing AS last_filing
  FROM (
    SELECT
      t0.lender_key AS lender_key,
      MAX(t0.name) AS name,
      COUNT(DISTINCT t0.case_no) AS suits,
      COUNT(DISTINCT t0.b_borrower_key) AS borrowers,
      SUM(t0.c_amount_claimed) AS amount_claimed,
      MIN(t0.c_filing_date) AS first_filing,
      MAX(t0.c_filing_date) AS last_filing
    FROM suit_borrowers AS t0
    WHERE
      CAST(DATEDIFF(CAST('2024-06-30' AS DATE), t0.c_filing_date) AS BIGINT) <= 730
    GROUP BY
      t0.lender_key
  ) AS g
  WHERE
    g.suits >= 10 AND g.borrowers >= 3
), courts_variant AS (
  SELECT
    g.lender_key AS lender_key,
    g.name AS name,
    g.suits AS suits,
    g.amount_claimed AS amount_claimed,
    g.first_filing AS first_filing,
    g.last_filing AS last_filing
  FROM (
    SELECT
      t0.lender_key AS lender_key,
      MAX(t0.name) AS name,
      COUNT(DISTINCT t0.case_no) AS suits,
      SUM(t0.c_amount_claimed) AS amount_claimed,
      MIN(t0.c_filing_date) AS first_filing,
      MAX(t0.c_filing_date) AS last_filing
    FROM plaintiff_suits AS t0
    WHERE
      CAST(DATEDIFF(CAST('2024-06-30' AS DATE), t0.c_filing_date) AS BIGINT) <= 365
    GROUP BY
      t0.lender_key
  ) AS g
  WHERE
    g.suits >= 5 AND g.amount_claimed >= CAST('1000000' AS DECIMAL(18, 2))
)
SELECT
  'many_borrowers' AS branch,
  'person' AS subject_type,
  CAST(lender_key AS STRING) AS subject_key,
  CONCAT(
    COALESCE(CAST(name AS STRING), ''),
    '在',
    COALESCE(CAST(first_filing AS STRING), ''),
    '至',
    COALESCE(CAST(last_filing AS STRING), ''),
    '期间提起民间借贷诉讼',
    COALESCE(CAST(suits AS STRING), ''),
    '件'
  ) AS title,
  'medium' AS severity,
  STRUCT(
    name AS name,
    suits AS suits,
    borrowers AS borrowers,
    amount_claimed AS amount_claimed,
    first_filing AS first_filing,
    last_filing AS last_filing
  ) AS evidence,
  name AS name,
  suits AS suits,
  borrowers AS borrowers,
  amount_claimed AS amount_claimed,
  first_filing AS first_filing,
  last_filing AS last_filing
FROM frequent_lenders
UNION ALL
SELECT
  'courts_criteria' AS branch,
  'person' AS subject_type,
  CAST(lender_key AS STRING) AS subject_key,
  CONCAT(
    COALESCE(CAST(name AS STRING), ''),
    '在',
    COALESCE(CAST(first_filing AS STRING), ''),
    '至',
    COALESCE(CAST(last_filing AS STRING), ''),
    '期间提起民间借贷诉讼',
    COALESCE(CAST(suits AS STRING), ''),
    '件'
  ) AS title,
  'medium' AS severity,
  STRUCT(
    name AS name,
    suits AS suits,
    NULL AS borrowers,
    amount_claimed AS amount_claimed,
    first_filing AS first_filing,
    last_filing AS last_filing
  ) AS evidence,
  name AS name,
  suits AS suits,
  NULL AS borrowers,
  amount_claimed AS amount_claimed,
  first_filing AS first_filing,
  last_filing AS last_filing
FROM courts_variant
