WITH claims AS (
  SELECT
    case_no,
    debtor_uscc,
    debtor_name,
    claimant_name,
    claimant_id_card,
    claim_type,
    amount,
    confirmed_amount,
    employed_from,
    employed_to,
    position,
    filed_date,
    accepted_date,
    source_record_id
  FROM bankruptcy_claim
), contrib AS (
  SELECT
    id_card,
    name,
    employer_uscc,
    employer_name,
    month,
    base_amount,
    insurance_kind,
    source_record_id
  FROM social_insurance
), firms AS (
  SELECT
    uscc,
    name,
    legal_rep_name,
    legal_rep_id_card,
    reg_address,
    phone,
    reg_capital,
    established,
    status,
    agent_name,
    agent_phone,
    source_record_id
  FROM company_registry
), arb AS (
  SELECT
    award_no,
    applicant_name,
    applicant_id_card,
    employer_uscc,
    employer_name,
    amount,
    closing_method,
    decided_date,
    agent_name,
    source_record_id
  FROM labor_arbitration
), cases AS (
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
), labor_claims AS (
  SELECT
    t0.case_no AS case_no,
    t0.debtor_uscc AS debtor_uscc,
    t0.debtor_name AS debtor_name,
    t0.claimant_name AS claimant_name,
    t0.claimant_id_card AS claimant_id_card,
    t0.claim_type AS claim_type,
    t0.amount AS amount,
    t0.confirmed_amount AS confirmed_amount,
    t0.employed_from AS employed_from,
    t0.employed_to AS employed_to,
    t0.position AS position,
    t0.filed_date AS filed_date,
    t0.accepted_date AS accepted_date,
    t0.source_record_id AS source_record_id,
    COALESCE(t0.claimant_id_card, t0.claimant_name) AS claimant_key,
    COALESCE(t0.amount, t0.confirmed_amount) AS claim_amount,
    DATE_TRUNC('MONTH', t0.employed_from) AS period_start,
    DATE_TRUNC('MONTH', COALESCE(t0.employed_to, t0.accepted_date, CAST('2024-06-30' AS DATE))) AS period_end,
    CAST(DATEDIFF(
      COALESCE(t0.employed_to, t0.accepted_date, CAST('2024-06-30' AS DATE)),
      t0.employed_from
    ) AS BIGINT) AS claimed_days,
    (
      YEAR(COALESCE(t0.employed_to, t0.accepted_date, CAST('2024-06-30' AS DATE))) - YEAR(t0.employed_from)
    ) * 12 + MONTH(COALESCE(t0.employed_to, t0.accepted_date, CAST('2024-06-30' AS DATE))) - MONTH(t0.employed_from) + 1 AS claimed_months
  FROM claims AS t0
  WHERE
    t0.claim_type = '劳动债权'
), claim_contributions AS (
  SELECT
    t0.case_no AS case_no,
    t0.claimant_key AS claimant_key,
    t0.claimant_name AS claimant_name,
    t0.claimant_id_card AS claimant_id_card,
    t0.debtor_uscc AS debtor_uscc,
    t0.debtor_name AS debtor_name,
    t0.claim_amount AS claim_amount,
    t0.accepted_date AS accepted_date,
    t0.employed_from AS employed_from,
    t0.employed_to AS employed_to,
    t0.claimed_days AS claimed_days,
    t0.claimed_months AS claimed_months,
    COUNT(DISTINCT t1.month) AS contrib_months,
    MAX(t1.base_amount) AS own_base
  FROM labor_claims AS t0
  LEFT JOIN contrib AS t1
    ON t0.claimant_id_card = t1.id_card
    AND t0.debtor_uscc = t1.employer_uscc
    AND (
      (
        t0.period_start IS NULL OR t1.month >= t0.period_start
      )
      AND t1.month <= t0.period_end
    )
  GROUP BY
    t0.case_no,
    t0.claimant_key,
    t0.claimant_name,
    t0.claimant_id_card,
    t0.debtor_uscc,
    t0.debtor_name,
    t0.claim_amount,
    t0.accepted_date,
    t0.employed_from,
    t0.employed_to,
    t0.claimed_days,
    t0.claimed_months
), debtor_bases AS (
  SELECT
    t0.employer_uscc AS employer_uscc,
    AVG(t0.base_amount) AS avg_base
  FROM contrib AS t0
  WHERE
    t0.base_amount > 0
  GROUP BY
    t0.employer_uscc
), claim_profile AS (
  SELECT
    t0.case_no AS case_no,
    t0.claimant_key AS claimant_key,
    t0.claimant_name AS claimant_name,
    t0.claimant_id_card AS claimant_id_card,
    t0.debtor_uscc AS debtor_uscc,
    t0.debtor_name AS debtor_name,
    t0.claim_amount AS claim_amount,
    t0.accepted_date AS accepted_date,
    t0.employed_from AS employed_from,
    t0.employed_to AS employed_to,
    t0.claimed_days AS claimed_days,
    t0.claimed_months AS claimed_months,
    t0.contrib_months AS contrib_months,
    t0.own_base AS own_base,
    t1.employer_uscc AS b_employer_uscc,
    t1.avg_base AS b_avg_base,
    CASE
      WHEN t0.claimed_months IS NULL OR t0.claimed_months <= 0
      THEN CASE WHEN t0.contrib_months > 0 THEN 1.0 ELSE 0.0 END
      ELSE LEAST(1.0, CAST(t0.contrib_months AS DOUBLE) / CAST(t0.claimed_months AS DOUBLE))
    END AS coverage,
    CAST(COALESCE(t0.own_base, t1.avg_base) AS DECIMAL(18, 2)) AS reference_base
  FROM claim_contributions AS t0
  LEFT JOIN debtor_bases AS t1
    ON t0.debtor_uscc = t1.employer_uscc
), no_contributions AS (
  SELECT
    t0.case_no AS case_no,
    t0.claimant_key AS claimant_key,
    t0.claimant_name AS claimant_name,
    t0.claimant_id_card AS claimant_id_card,
    t0.debtor_uscc AS debtor_uscc,
    t0.debtor_name AS debtor_name,
    t0.claim_amount AS claim_amount,
    t0.accepted_date AS accepted_date,
    t0.employed_from AS employed_from,
    t0.employed_to AS employed_to,
    t0.claimed_days AS claimed_days,
    t0.claimed_months AS claimed_months,
    t0.contrib_months AS contrib_months,
    t0.own_base AS own_base,
    t0.b_employer_uscc AS b_employer_uscc,
    t0.b_avg_base AS b_avg_base,
    t0.coverage AS coverage,
    t0.reference_base AS reference_base,
    CONCAT(
      '主张',
      COALESCE(COALESCE(CAST(t0.employed_from AS STRING), '（未填）'), ''),
      '至',
      COALESCE(COALESCE(CAST(t0.employed_to AS STRING), '破产受理'), ''),
      '在职，期间无债务人缴费记录'
    ) AS signal
  FROM claim_profile AS t0
  WHERE
    NOT t0.claimant_id_card IS NULL
    AND NOT t0.debtor_uscc IS NULL
    AND t0.contrib_months = 0
    AND (
      t0.employed_from IS NULL OR t0.claimed_days >= 30
    )
), large_claims AS (
  SELECT
    t0.case_no AS case_no,
    t0.claimant_key AS claimant_key,
    t0.claimant_name AS claimant_name,
    t0.claimant_id_card AS claimant_id_card,
    t0.debtor_uscc AS debtor_uscc,
    t0.debtor_name AS debtor_name,
    t0.claim_amount AS claim_amount,
    t0.accepted_date AS accepted_date,
    t0.employed_from AS employed_from,
    t0.employed_to AS employed_to,
    t0.claimed_days AS claimed_days,
    t0.claimed_months AS claimed_months,
    t0.contrib_months AS contrib_months,
    t0.own_base AS own_base,
    t0.b_employer_uscc AS b_employer_uscc,
    t0.b_avg_base AS b_avg_base,
    t0.coverage AS coverage,
    t0.reference_base AS reference_base,
    CASE
      WHEN t0.claim_amount > CAST('300000' AS DECIMAL(18, 2))
      THEN CONCAT('单笔申报超过', COALESCE(CAST(CAST('300000' AS DECIMAL(18, 2)) AS STRING), ''), '元')
      ELSE CONCAT(
        '申报金额超过月缴费基数',
        COALESCE(CAST(t0.reference_base AS STRING), ''),
        '元的',
        COALESCE(CAST(36 AS STRING), ''),
        '倍'
      )
    END AS signal
  FROM claim_profile AS t0
  WHERE
    t0.claim_amount > CAST('300000' AS DECIMAL(18, 2))
    OR (
      t0.reference_base > 0 AND t0.claim_amount > t0.reference_base * 36
    )
), reps AS (
  SELECT
    g.uscc AS uscc,
    g.legal_rep_name AS legal_rep_name,
    g.legal_rep_id_card AS legal_rep_id_card
  FROM (
    SELECT
      t0.uscc AS uscc,
      t0.name AS name,
      t0.legal_rep_name AS legal_rep_name,
      t0.legal_rep_id_card AS legal_rep_id_card,
      t0.reg_address AS reg_address,
      t0.phone AS phone,
      t0.reg_capital AS reg_capital,
      t0.established AS established,
      t0.status AS status,
      t0.agent_name AS agent_name,
      t0.agent_phone AS agent_phone,
      t0.source_record_id AS source_record_id
    FROM firms AS t0
    WHERE
      NOT t0.legal_rep_id_card IS NULL
  ) AS g
), legal_rep_self AS (
  SELECT
    t0.case_no AS case_no,
    t0.claimant_key AS claimant_key,
    t0.claimant_name AS claimant_name,
    t0.claimant_id_card AS claimant_id_card,
    t0.debtor_uscc AS debtor_uscc,
    t0.debtor_name AS debtor_name,
    t0.claim_amount AS claim_amount,
    t0.accepted_date AS accepted_date,
    t0.employed_from AS employed_from,
    t0.employed_to AS employed_to,
    t0.claimed_days AS claimed_days,
    t0.claimed_months AS claimed_months,
    t0.contrib_months AS contrib_months,
    t0.own_base AS own_base,
    t0.b_employer_uscc AS b_employer_uscc,
    t0.b_avg_base AS b_avg_base,
    t0.coverage AS coverage,
    t0.reference_base AS reference_base,
    t1.uscc AS r_uscc,
    t1.legal_rep_name AS r_legal_rep_name,
    t1.legal_rep_id_card AS r_legal_rep_id_card,
    CONCAT('申报人即债务人法定代表人', COALESCE(COALESCE(t1.legal_rep_name, ''), '')) AS signal
  FROM claim_profile AS t0
  INNER JOIN reps AS t1
    ON t0.debtor_uscc = t1.uscc AND t0.claimant_id_card = t1.legal_rep_id_card
), person_addresses AS (
  SELECT
    t0.id_card AS id_card,
    t0.address AS address,
    COUNT(DISTINCT t0.case_no) AS cases_seen
  FROM parties AS t0
  WHERE
    NOT t0.id_card IS NULL AND NOT t0.address IS NULL
  GROUP BY
    t0.id_card,
    t0.address
), rep_relatives AS (
  SELECT
    t0.case_no AS case_no,
    t0.claimant_key AS claimant_key,
    t0.claimant_name AS claimant_name,
    t0.debtor_name AS debtor_name,
    t0.claim_amount AS claim_amount,
    t0.accepted_date AS accepted_date,
    t0.contrib_months AS contrib_months,
    t0.coverage AS coverage,
    MIN(t2.address) AS shared_address,
    MAX(
      CONCAT(
        '与法定代表人',
        COALESCE(COALESCE(t1.legal_rep_name, ''), ''),
        '住址相同：',
        COALESCE(t2.address, '')
      )
    ) AS signal
  FROM claim_profile AS t0
  INNER JOIN reps AS t1
    ON t0.debtor_uscc = t1.uscc
  INNER JOIN person_addresses AS t2
    ON t0.claimant_id_card = t2.id_card
  INNER JOIN person_addresses AS t3
    ON t1.legal_rep_id_card = t3.id_card AND t2.address = t3.address
  WHERE
    t0.claimant_id_card <> t1.legal_rep_id_card
  GROUP BY
    t0.case_no,
    t0.claimant_key,
    t0.claimant_name,
    t0.debtor_name,
    t0.claim_amount,
    t0.accepted_date,
    t0.contrib_months,
    t0.coverage
), mediated_arbitrations AS (
  SELECT
    t0.award_no AS award_no,
    t0.applicant_name AS applicant_name,
    t0.applicant_id_card AS applicant_id_card,
    t0.employer_uscc AS employer_uscc,
    t0.employer_name AS employer_name,
    t0.amount AS amount,
    t0.closing_method AS closing_method,
    t0.decided_date AS decided_date,
    t0.agent_name AS agent_name,
    t0.source_record_id AS source_record_id
  FROM arb AS t0
  WHERE
    t0.closing_method = '调解' AND NOT t0.decided_date IS NULL
), mediated_before_filing AS (
  SELECT
    t0.case_no AS case_no,
    t0.claimant_key AS claimant_key,
    t0.claimant_name AS claimant_name,
    t0.debtor_name AS debtor_name,
    t0.claim_amount AS claim_amount,
    t0.accepted_date AS accepted_date,
    t0.contrib_months AS contrib_months,
    t0.coverage AS coverage,
    MIN(t1.award_no) AS award_no,
    MAX(t1.decided_date) AS decided_date,
    MIN(
      CONCAT(
        '劳动仲裁',
        COALESCE(t1.award_no, ''),
        '于',
        COALESCE(CAST(t1.decided_date AS STRING), ''),
        '调解结案，距破产受理',
        COALESCE(CAST(CAST(DATEDIFF(t0.accepted_date, t1.decided_date) AS BIGINT) AS STRING), ''),
        '天'
      )
    ) AS signal
  FROM claim_profile AS t0
  INNER JOIN mediated_arbitrations AS t1
    ON t0.claimant_name = t1.applicant_name
    AND (
      (
        t1.applicant_id_card IS NULL
        OR t0.claimant_id_card IS NULL
        OR t1.applicant_id_card = t0.claimant_id_card
      )
      AND (
        t1.employer_uscc = t0.debtor_uscc OR t1.employer_name = t0.debtor_name
      )
      AND t1.decided_date <= t0.accepted_date
      AND CAST(DATEDIFF(t0.accepted_date, t1.decided_date) AS BIGINT) < 90
    )
  WHERE
    t0.coverage < CAST('0.5' AS DECIMAL(18, 2))
  GROUP BY
    t0.case_no,
    t0.claimant_key,
    t0.claimant_name,
    t0.debtor_name,
    t0.claim_amount,
    t0.accepted_date,
    t0.contrib_months,
    t0.coverage
), labor_suits AS (
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
    NOT t0.filing_date IS NULL AND COALESCE(t0.cause, '') RLIKE '劳动|工资|经济补偿'
), suit_parties AS (
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
    t1.case_no AS s_case_no,
    t1.court_name AS s_court_name,
    t1.case_type AS s_case_type,
    t1.cause AS s_cause,
    t1.filing_date AS s_filing_date,
    t1.closing_date AS s_closing_date,
    t1.closing_method AS s_closing_method,
    t1.amount_claimed AS s_amount_claimed,
    t1.amount_awarded AS s_amount_awarded,
    t1.judgment_date AS s_judgment_date,
    t1.outcome AS s_outcome,
    t1.judges AS s_judges,
    t1.clerks AS s_clerks,
    t1.statutes AS s_statutes,
    t1.appraisal_org AS s_appraisal_org,
    t1.source_record_id AS s_source_record_id
  FROM parties AS t0
  INNER JOIN labor_suits AS t1
    ON t0.case_no = t1.case_no
), recent_suits AS (
  SELECT
    t0.case_no AS case_no,
    t0.claimant_key AS claimant_key,
    t0.claimant_name AS claimant_name,
    t0.debtor_name AS debtor_name,
    t0.claim_amount AS claim_amount,
    t0.accepted_date AS accepted_date,
    t0.contrib_months AS contrib_months,
    t0.coverage AS coverage,
    MIN(t1.case_no) AS suit_case_no,
    MIN(t1.s_filing_date) AS suit_filing_date,
    MIN(
      CONCAT(
        '劳动争议诉讼',
        COALESCE(t1.case_no, ''),
        '于',
        COALESCE(CAST(t1.s_filing_date AS STRING), ''),
        '立案，距破产受理',
        COALESCE(CAST(CAST(DATEDIFF(t0.accepted_date, t1.s_filing_date) AS BIGINT) AS STRING), ''),
        '天'
      )
    ) AS signal
  FROM claim_profile AS t0
  INNER JOIN suit_parties AS t1
    ON t0.claimant_name = t1.name
    AND (
      (
        t1.id_card IS NULL
        OR t0.claimant_id_card IS NULL
        OR t1.id_card = t0.claimant_id_card
      )
      AND t1.s_filing_date <= t0.accepted_date
      AND CAST(DATEDIFF(t0.accepted_date, t1.s_filing_date) AS BIGINT) <= 365
    )
  WHERE
    EXISTS(
      SELECT
        1
      FROM suit_parties AS t2
      WHERE
        t1.case_no = t2.case_no
        AND (
          t2.uscc = t0.debtor_uscc OR t2.name = t0.debtor_name
        )
    )
    AND t0.coverage < CAST('0.5' AS DECIMAL(18, 2))
  GROUP BY
    t0.case_no,
    t0.claimant_key,
    t0.claimant_name,
    t0.debtor_name,
    t0.claim_amount,
    t0.accepted_date,
    t0.contrib_months,
    t0.coverage
), small_mediated AS (
  SELECT
    t0.award_no AS award_no,
    t0.applicant_name AS applicant_name,
    t0.applicant_id_card AS applicant_id_card,
    t0.employer_uscc AS employer_uscc,
    t0.employer_name AS employer_name,
    t0.amount AS amount,
    t0.closing_method AS closing_method,
    t0.decided_date AS decided_date,
    t0.agent_name AS agent_name,
    t0.source_record_id AS source_record_id,
    COALESCE(t0.employer_uscc, t0.employer_name) AS employer_ref,
    COALESCE(t0.applicant_id_card, t0.applicant_name) AS applicant_ref
  FROM mediated_arbitrations AS t0
  WHERE
    NOT t0.agent_name IS NULL
    AND NOT t0.amount IS NULL
    AND t0.amount <= CAST('50000' AS DECIMAL(18, 2))
), agent_batches AS (
  SELECT
    g.employer_ref AS employer_ref,
    g.agent_name AS agent_name,
    g.batch_size AS batch_size,
    g.min_amount AS min_amount,
    g.max_amount AS max_amount
  FROM (
    SELECT
      t0.employer_ref AS employer_ref,
      t0.agent_name AS agent_name,
      COUNT(DISTINCT t0.applicant_ref) AS batch_size,
      MIN(t0.amount) AS min_amount,
      MAX(t0.amount) AS max_amount
    FROM small_mediated AS t0
    WHERE
      NOT t0.employer_ref IS NULL
    GROUP BY
      t0.employer_ref,
      t0.agent_name
  ) AS g
  WHERE
    g.batch_size >= 5
    AND g.max_amount - g.min_amount <= g.max_amount * CAST('0.1' AS DECIMAL(18, 2))
), batch_members AS (
  SELECT
    t0.award_no AS award_no,
    t0.applicant_name AS applicant_name,
    t0.applicant_id_card AS applicant_id_card,
    t0.employer_uscc AS employer_uscc,
    t0.employer_name AS employer_name,
    t0.amount AS amount,
    t0.closing_method AS closing_method,
    t0.decided_date AS decided_date,
    t0.agent_name AS agent_name,
    t0.source_record_id AS source_record_id,
    t0.employer_ref AS employer_ref,
    t0.applicant_ref AS applicant_ref,
    t1.employer_ref AS g_employer_ref,
    t1.agent_name AS g_agent_name,
    t1.batch_size AS g_batch_size,
    t1.min_amount AS g_min_amount,
    t1.max_amount AS g_max_amount
  FROM small_mediated AS t0
  INNER JOIN agent_batches AS t1
    ON t0.employer_ref = t1.employer_ref AND t0.agent_name = t1.agent_name
), batch_claims AS (
  SELECT
    t0.case_no AS case_no,
    t0.claimant_key AS claimant_key,
    t0.claimant_name AS claimant_name,
    t0.debtor_name AS debtor_name,
    t0.claim_amount AS claim_amount,
    t0.accepted_date AS accepted_date,
    t0.contrib_months AS contrib_months,
    t0.coverage AS coverage,
    MIN(t1.agent_name) AS agent_name,
    MAX(t1.g_batch_size) AS batch_size,
    MIN(
      CONCAT(
        '代理人',
        COALESCE(t1.agent_name, ''),
        '批量代理',
        COALESCE(CAST(t1.g_batch_size AS STRING), ''),
        '件金额几乎相同的小额调解案件（',
        COALESCE(CAST(t1.g_min_amount AS STRING), ''),
        '至',
        COALESCE(CAST(t1.g_max_amount AS STRING), ''),
        '元）'
      )
    ) AS signal
  FROM claim_profile AS t0
  INNER JOIN batch_members AS t1
    ON t0.claimant_name = t1.applicant_name
    AND (
      (
        t1.applicant_id_card IS NULL
        OR t0.claimant_id_card IS NULL
        OR t1.applicant_id_card = t0.claimant_id_card
      )
      AND (
        t1.employer_uscc = t0.debtor_uscc OR t1.employer_name = t0.debtor_name
      )
    )
  WHERE
    t0.coverage < CAST('0.5' AS DECIMAL(18, 2))
  GROUP BY
    t0.case_no,
    t0.claimant_key,
    t0.claimant_name,
    t0.debtor_name,
    t0.claim_amount,
    t0.accepted_date,
    t0.contrib_months,
    t0.coverage
)
SELECT
  'no_contributions' AS branch,
  'person' AS subject_type,
  CAST(CONCAT(COALESCE(case_no, ''), '|', COALESCE(claimant_key, '')) AS STRING) AS subject_key,
  CONCAT(
    COALESCE(CAST(claimant_name AS STRING), ''),
    '在',
    COALESCE(CAST(debtor_name AS STRING), ''),
    '破产案（',
    COALESCE(CAST(case_no AS STRING), ''),
    '）中申报劳动债权',
    COALESCE(CAST(claim_amount AS STRING), ''),
    '元：',
    COALESCE(CAST(signal AS STRING), '')
  ) AS title,
  'high' AS severity,
  STRUCT(
    claimant_name AS claimant_name,
    debtor_name AS debtor_name,
    claim_amount AS claim_amount,
    accepted_date AS accepted_date,
    employed_from AS employed_from,
    employed_to AS employed_to,
    contrib_months AS contrib_months,
    coverage AS coverage,
    reference_base AS reference_base,
    NULL AS shared_address,
    NULL AS award_no,
    NULL AS decided_date,
    NULL AS suit_case_no,
    NULL AS suit_filing_date,
    NULL AS agent_name,
    NULL AS batch_size,
    signal AS signal
  ) AS evidence,
  claimant_name AS claimant_name,
  debtor_name AS debtor_name,
  claim_amount AS claim_amount,
  accepted_date AS accepted_date,
  employed_from AS employed_from,
  employed_to AS employed_to,
  contrib_months AS contrib_months,
  coverage AS coverage,
  reference_base AS reference_base,
  NULL AS shared_address,
  NULL AS award_no,
  NULL AS decided_date,
  NULL AS suit_case_no,
  NULL AS suit_filing_date,
  NULL AS agent_name,
  NULL AS batch_size,
  signal AS signal
FROM no_contributions
UNION ALL
SELECT
  'legal_rep_self' AS branch,
  'person' AS subject_type,
  CAST(CONCAT(COALESCE(case_no, ''), '|', COALESCE(claimant_key, '')) AS STRING) AS subject_key,
  CONCAT(
    COALESCE(CAST(claimant_name AS STRING), ''),
    '在',
    COALESCE(CAST(debtor_name AS STRING), ''),
    '破产案（',
    COALESCE(CAST(case_no AS STRING), ''),
    '）中申报劳动债权',
    COALESCE(CAST(claim_amount AS STRING), ''),
    '元：',
    COALESCE(CAST(signal AS STRING), '')
  ) AS title,
  'medium' AS severity,
  STRUCT(
    claimant_name AS claimant_name,
    debtor_name AS debtor_name,
    claim_amount AS claim_amount,
    accepted_date AS accepted_date,
    employed_from AS employed_from,
    employed_to AS employed_to,
    contrib_months AS contrib_months,
    coverage AS coverage,
    reference_base AS reference_base,
    NULL AS shared_address,
    NULL AS award_no,
    NULL AS decided_date,
    NULL AS suit_case_no,
    NULL AS suit_filing_date,
    NULL AS agent_name,
    NULL AS batch_size,
    signal AS signal
  ) AS evidence,
  claimant_name AS claimant_name,
  debtor_name AS debtor_name,
  claim_amount AS claim_amount,
  accepted_date AS accepted_date,
  employed_from AS employed_from,
  employed_to AS employed_to,
  contrib_months AS contrib_months,
  coverage AS coverage,
  reference_base AS reference_base,
  NULL AS shared_address,
  NULL AS award_no,
  NULL AS decided_date,
  NULL AS suit_case_no,
  NULL AS suit_filing_date,
  NULL AS agent_name,
  NULL AS batch_size,
  signal AS signal
FROM legal_rep_self
UNION ALL
SELECT
  'legal_rep_relative' AS branch,
  'person' AS subject_type,
  CAST(CONCAT(COALESCE(case_no, ''), '|', COALESCE(claimant_key, '')) AS STRING) AS subject_key,
  CONCAT(
    COALESCE(CAST(claimant_name AS STRING), ''),
    '在',
    COALESCE(CAST(debtor_name AS STRING), ''),
    '破产案（',
    COALESCE(CAST(case_no AS STRING), ''),
    '）中申报劳动债权',
    COALESCE(CAST(claim_amount AS STRING), ''),
    '元：',
    COALESCE(CAST(signal AS STRING), '')
  ) AS title,
  'high' AS severity,
  STRUCT(
    claimant_name AS claimant_name,
    debtor_name AS debtor_name,
    claim_amount AS claim_amount,
    accepted_date AS accepted_date,
    NULL AS employed_from,
    NULL AS employed_to,
    contrib_months AS contrib_months,
    coverage AS coverage,
    NULL AS reference_base,
    shared_address AS shared_address,
    NULL AS award_no,
    NULL AS decided_date,
    NULL AS suit_case_no,
    NULL AS suit_filing_date,
    NULL AS agent_name,
    NULL AS batch_size,
    signal AS signal
  ) AS evidence,
  claimant_name AS claimant_name,
  debtor_name AS debtor_name,
  claim_amount AS claim_amount,
  accepted_date AS accepted_date,
  NULL AS employed_from,
  NULL AS employed_to,
  contrib_months AS contrib_months,
  coverage AS coverage,
  NULL AS reference_base,
  shared_address AS shared_address,
  NULL AS award_no,
  NULL AS decided_date,
  NULL AS suit_case_no,
  NULL AS suit_filing_date,
  NULL AS agent_name,
  NULL AS batch_size,
  signal AS signal
FROM rep_relatives
UNION ALL
SELECT
  'large_claim' AS branch,
  'person' AS subject_type,
  CAST(CONCAT(COALESCE(case_no, ''), '|', COALESCE(claimant_key, '')) AS STRING) AS subject_key,
  CONCAT(
    COALESCE(CAST(claimant_name AS STRING), ''),
    '在',
    COALESCE(CAST(debtor_name AS STRING), ''),
    '破产案（',
    COALESCE(CAST(case_no AS STRING), ''),
    '）中申报劳动债权',
    COALESCE(CAST(claim_amount AS STRING), ''),
    '元：',
    COALESCE(CAST(signal AS STRING), '')
  ) AS title,
  'medium' AS severity,
  STRUCT(
    claimant_name AS claimant_name,
    debtor_name AS debtor_name,
    claim_amount AS claim_amount,
    accepted_date AS accepted_date,
    employed_from AS employed_from,
    employed_to AS employed_to,
    contrib_months AS contrib_months,
    coverage AS coverage,
    reference_base AS reference_base,
    NULL AS shared_address,
    NULL AS award_no,
    NULL AS decided_date,
    NULL AS suit_case_no,
    NULL AS suit_filing_date,
    NULL AS agent_name,
    NULL AS batch_size,
    signal AS signal
  ) AS evidence,
  claimant_name AS claimant_name,
  debtor_name AS debtor_name,
  claim_amount AS claim_amount,
  accepted_date AS accepted_date,
  employed_from AS employed_from,
  employed_to AS employed_to,
  contrib_months AS contrib_months,
  coverage AS coverage,
  reference_base AS reference_base,
  NULL AS shared_address,
  NULL AS award_no,
  NULL AS decided_date,
  NULL AS suit_case_no,
  NULL AS suit_filing_date,
  NULL AS agent_name,
  NULL AS batch_size,
  signal AS signal
FROM large_claims
UNION ALL
SELECT
  'mediated_before_filing' AS branch,
  'person' AS subject_type,
  CAST(CONCAT(COALESCE(case_no, ''), '|', COALESCE(claimant_key, '')) AS STRING) AS subject_key,
  CONCAT(
    COALESCE(CAST(claimant_name AS STRING), ''),
    '在',
    COALESCE(CAST(debtor_name AS STRING), ''),
    '破产案（',
    COALESCE(CAST(case_no AS STRING), ''),
    '）中申报劳动债权',
    COALESCE(CAST(claim_amount AS STRING), ''),
    '元：',
    COALESCE(CAST(signal AS STRING), '')
  ) AS title,
  'medium' AS severity,
  STRUCT(
    claimant_name AS claimant_name,
    debtor_name AS debtor_name,
    claim_amount AS claim_amount,
    accepted_date AS accepted_date,
    NULL AS employed_from,
    NULL AS employed_to,
    contrib_months AS contrib_months,
    coverage AS coverage,
    NULL AS reference_base,
    NULL AS shared_address,
    award_no AS award_no,
    decided_date AS decided_date,
    NULL AS suit_case_no,
    NULL AS suit_filing_date,
    NULL AS agent_name,
    NULL AS batch_size,
    signal AS signal
  ) AS evidence,
  claimant_name AS claimant_name,
  debtor_name AS debtor_name,
  claim_amount AS claim_amount,
  accepted_date AS accepted_date,
  NULL AS employed_from,
  NULL AS employed_to,
  contrib_months AS contrib_months,
  coverage AS coverage,
  NULL AS reference_base,
  NULL AS shared_address,
  award_no AS award_no,
  decided_date AS decided_date,
  NULL AS suit_case_no,
  NULL AS suit_filing_date,
  NULL AS agent_name,
  NULL AS batch_size,
  signal AS signal
FROM mediated_before_filing
UNION ALL
SELECT
  'suit_before_acceptance' AS branch,
  'person' AS subject_type,
  CAST(CONCAT(COALESCE(case_no, ''), '|', COALESCE(claimant_key, '')) AS STRING) AS subject_key,
  CONCAT(
    COALESCE(CAST(claimant_name AS STRING), ''),
    '在',
    COALESCE(CAST(debtor_name AS STRING), ''),
    '破产案（',
    COALESCE(CAST(case_no AS STRING), ''),
    '）中申报劳动债权',
    COALESCE(CAST(claim_amount AS STRING), ''),
    '元：',
    COALESCE(CAST(signal AS STRING), '')
  ) AS title,
  'low' AS severity,
  STRUCT(
    claimant_name AS claimant_name,
    debtor_name AS debtor_name,
    claim_amount AS claim_amount,
    accepted_date AS accepted_date,
    NULL AS employed_from,
    NULL AS employed_to,
    contrib_months AS contrib_months,
    coverage AS coverage,
    NULL AS reference_base,
    NULL AS shared_address,
    NULL AS award_no,
    NULL AS decided_date,
    suit_case_no AS suit_case_no,
    suit_filing_date AS suit_filing_date,
    NULL AS agent_name,
    NULL AS batch_size,
    signal AS signal
  ) AS evidence,
  claimant_name AS claimant_name,
  debtor_name AS debtor_name,
  claim_amount AS claim_amount,
  accepted_date AS accepted_date,
  NULL AS employed_from,
  NULL AS employed_to,
  contrib_months AS contrib_months,
  coverage AS coverage,
  NULL AS reference_base,
  NULL AS shared_address,
  NULL AS award_no,
  NULL AS decided_date,
  suit_case_no AS suit_case_no,
  suit_filing_date AS suit_filing_date,
  NULL AS agent_name,
  NULL AS batch_size,
  signal AS signal
FROM recent_suits
UNION ALL
SELECT
  'agent_batch' AS branch,
  'person' AS subject_type,
  CAST(CONCAT(COALESCE(case_no, ''), '|', COALESCE(claimant_key, '')) AS STRING) AS subject_key,
  CONCAT(
    COALESCE(CAST(claimant_name AS STRING), ''),
    '在',
    COALESCE(CAST(debtor_name AS STRING), ''),
    '破产案（',
    COALESCE(CAST(case_no AS STRING), ''),
    '）中申报劳动债权',
    COALESCE(CAST(claim_amount AS STRING), ''),
    '元：',
    COALESCE(CAST(signal AS STRING), '')
  ) AS title,
  'medium' AS severity,
  STRUCT(
    claimant_name AS claimant_name,
    debtor_name AS debtor_name,
    claim_amount AS claim_amount,
    accepted_date AS accepted_date,
    NULL AS employed_from,
    NULL AS employed_to,
    contrib_months AS contrib_months,
    coverage AS coverage,
    NULL AS reference_base,
    NULL AS shared_address,
    NULL AS award_no,
    NULL AS decided_date,
    NULL AS suit_case_no,
    NULL AS suit_filing_date,
    agent_name AS agent_name,
    batch_size AS batch_size,
    signal AS signal
  ) AS evidence,
  claimant_name AS claimant_name,
  debtor_name AS debtor_name,
  claim_amount AS claim_amount,
  accepted_date AS accepted_date,
  NULL AS employed_from,
  NULL AS employed_to,
  contrib_months AS contrib_months,
  coverage AS coverage,
  NULL AS reference_base,
  NULL AS shared_address,
  NULL AS award_no,
  NULL AS decided_date,
  NULL AS suit_case_no,
  NULL AS suit_filing_date,
  agent_name AS agent_name,
  batch_size AS batch_size,
  signal AS signal
FROM batch_claims
