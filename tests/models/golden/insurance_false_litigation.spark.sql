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
), claims AS (
  SELECT
    claim_id,
    policy_no,
    policy_start,
    insured_name,
    insured_id_card,
    plate,
    vin,
    accident_time,
    accident_place,
    report_time,
    repair_shop,
    injured_name,
    injured_id_card,
    claim_amount,
    loss_assessed,
    assessed_amount,
    appraiser,
    paid_amount,
    paid_date,
    source_record_id
  FROM insurance_claim
), contributions AS (
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
), accidents AS (
  SELECT
    accident_id,
    accident_time,
    place,
    party_name,
    party_id_card,
    plate,
    responsibility,
    source_record_id
  FROM traffic_accident
), vehicles AS (
  SELECT
    plate,
    vin,
    owner_name,
    owner_id_card,
    owner_uscc,
    status,
    event,
    event_date,
    source_record_id
  FROM vehicle_registry
), traffic_suits AS (
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
    CONTAINS(t0.cause, '机动车交通事故责任纠纷')
    AND t0.filing_date <= CAST('2024-06-30' AS DATE)
), suit_plaintiffs AS (
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
    t1.source_record_id AS c_source_record_id,
    COALESCE(t0.id_card, t0.uscc, t0.name) AS plaintiff_key,
    CASE
      WHEN NOT t0.agent_name IS NULL
      THEN t0.agent_name || '（' || COALESCE(t0.agent_firm, '') || '）'
    END AS agent_key,
    CAST(DATEDIFF(CAST('2024-06-30' AS DATE), t1.filing_date) AS BIGINT) <= 365 AS in_window
  FROM parties AS t0
  INNER JOIN traffic_suits AS t1
    ON t0.case_no = t1.case_no
  WHERE
    t0.role = '原告'
), wage_claimants AS (
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
    t0.plaintiff_key AS plaintiff_key,
    t0.agent_key AS agent_key,
    t0.in_window AS in_window,
    COALESCE(t0.lost_work_from, t0.lost_work_to, t0.c_filing_date) AS lost_from,
    COALESCE(t0.lost_work_to, t0.lost_work_from, t0.c_filing_date) AS lost_to
  FROM suit_plaintiffs AS t0
  WHERE
    NOT t0.id_card IS NULL AND NOT t0.employer_name IS NULL
), uninsured_wage_claims AS (
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
    t0.plaintiff_key AS plaintiff_key,
    t0.agent_key AS agent_key,
    t0.in_window AS in_window,
    t0.lost_from AS lost_from,
    t0.lost_to AS lost_to
  FROM wage_claimants AS t0
  WHERE
    NOT EXISTS(
      SELECT
        1
      FROM contributions AS t1
      WHERE
        t0.id_card = t1.id_card
        AND (
          t1.employer_name = t0.employer_name
          AND t1.month BETWEEN DATE_TRUNC('MONTH', t0.lost_from) AND t0.lost_to
        )
    )
), lost_wage_cases AS (
  SELECT
    t0.case_no AS case_no,
    MAX(t0.c_filing_date) AS filing_date,
    MAX(t0.name) AS plaintiff,
    MAX(t0.employer_name) AS employer,
    MIN(t0.lost_from) AS lost_from,
    MAX(t0.lost_to) AS lost_to,
    MAX('主张在' || t0.employer_name || '误工，但该单位在误工期间未为其缴纳社保') AS signal
  FROM uninsured_wage_claims AS t0
  GROUP BY
    t0.case_no
), police_accidents AS (
  SELECT
    t0.accident_id AS accident_id,
    t0.plate AS plate,
    MIN(CAST(t0.accident_time AS DATE)) AS accident_date
  FROM accidents AS t0
  WHERE
    NOT t0.plate IS NULL AND NOT t0.accident_time IS NULL
  GROUP BY
    t0.accident_id,
    t0.plate
), claims_dated AS (
  SELECT
    t0.claim_id AS claim_id,
    t0.policy_no AS policy_no,
    t0.policy_start AS policy_start,
    t0.insured_name AS insured_name,
    t0.insured_id_card AS insured_id_card,
    t0.plate AS plate,
    t0.vin AS vin,
    t0.accident_time AS accident_time,
    t0.accident_place AS accident_place,
    t0.report_time AS report_time,
    t0.repair_shop AS repair_shop,
    t0.injured_name AS injured_name,
    t0.injured_id_card AS injured_id_card,
    t0.claim_amount AS claim_amount,
    t0.loss_assessed AS loss_assessed,
    t0.assessed_amount AS assessed_amount,
    t0.appraiser AS appraiser,
    t0.paid_amount AS paid_amount,
    t0.paid_date AS paid_date,
    t0.source_record_id AS source_record_id,
    t1.accident_id AS p_accident_id,
    t1.plate AS p_plate,
    t1.accident_date AS p_accident_date,
    t1.accident_date AS police_accident_date,
    LEAST(t1.accident_date, CAST(t0.accident_time AS DATE)) AS accident_date,
    CAST(DATEDIFF(LEAST(t1.accident_date, CAST(t0.accident_time AS DATE)), t0.policy_start) AS BIGINT) AS days_after_policy
  FROM claims AS t0
  LEFT JOIN police_accidents AS t1
    ON t0.plate = t1.plate
    AND ABS(CAST(DATEDIFF(CAST(t0.accident_time AS DATE), t1.accident_date) AS BIGINT)) <= 7
  WHERE
    NOT t0.accident_time IS NULL
), suit_claims AS (
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
    t0.plaintiff_key AS plaintiff_key,
    t0.agent_key AS agent_key,
    t0.in_window AS in_window,
    t1.claim_id AS inj_claim_id,
    t1.policy_no AS inj_policy_no,
    t1.policy_start AS inj_policy_start,
    t1.insured_name AS inj_insured_name,
    t1.insured_id_card AS inj_insured_id_card,
    t1.plate AS inj_plate,
    t1.vin AS inj_vin,
    t1.accident_time AS inj_accident_time,
    t1.accident_place AS inj_accident_place,
    t1.report_time AS inj_report_time,
    t1.repair_shop AS inj_repair_shop,
    t1.injured_name AS inj_injured_name,
    t1.injured_id_card AS inj_injured_id_card,
    t1.claim_amount AS inj_claim_amount,
    t1.loss_assessed AS inj_loss_assessed,
    t1.assessed_amount AS inj_assessed_amount,
    t1.appraiser AS inj_appraiser,
    t1.paid_amount AS inj_paid_amount,
    t1.paid_date AS inj_paid_date,
    t1.source_record_id AS inj_source_record_id,
    t1.p_accident_id AS inj_p_accident_id,
    t1.p_plate AS inj_p_plate,
    t1.p_accident_date AS inj_p_accident_date,
    t1.police_accident_date AS inj_police_accident_date,
    t1.accident_date AS inj_accident_date,
    t1.days_after_policy AS inj_days_after_policy,
    t2.claim_id AS shop_claim_id,
    t2.policy_no AS shop_policy_no,
    t2.policy_start AS shop_policy_start,
    t2.insured_name AS shop_insured_name,
    t2.insured_id_card AS shop_insured_id_card,
    t2.plate AS shop_plate,
    t2.vin AS shop_vin,
    t2.accident_time AS shop_accident_time,
    t2.accident_place AS shop_accident_place,
    t2.report_time AS shop_report_time,
    t2.repair_shop AS shop_repair_shop,
    t2.injured_name AS shop_injured_name,
    t2.injured_id_card AS shop_injured_id_card,
    t2.claim_amount AS shop_claim_amount,
    t2.loss_assessed AS shop_loss_assessed,
    t2.assessed_amount AS shop_assessed_amount,
    t2.appraiser AS shop_appraiser,
    t2.paid_amount AS shop_paid_amount,
    t2.paid_date AS shop_paid_date,
    t2.source_record_id AS shop_source_record_id,
    t2.p_accident_id AS shop_p_accident_id,
    t2.p_plate AS shop_p_plate,
    t2.p_accident_date AS shop_p_accident_date,
    t2.police_accident_date AS shop_police_accident_date,
    t2.accident_date AS shop_accident_date,
    t2.days_after_policy AS shop_days_after_policy,
    CASE WHEN NOT t1.claim_id IS NULL THEN '伤者' ELSE '修理厂' END AS link,
    COALESCE(t1.claim_id, t2.claim_id) AS claim_id,
    COALESCE(t1.plate, t2.plate) AS plate,
    COALESCE(t1.policy_start, t2.policy_start) AS policy_start,
    COALESCE(t1.accident_date, t2.accident_date) AS accident_date,
    COALESCE(t1.police_accident_date, t2.police_accident_date) AS police_accident_date,
    COALESCE(t1.days_after_policy, t2.days_after_policy) AS days_after_policy,
    COALESCE(t1.repair_shop, t2.repair_shop) AS repair_shop,
    COALESCE(t1.loss_assessed, t2.loss_assessed) AS loss_assessed
  FROM suit_plaintiffs AS t0
  LEFT JOIN claims_dated AS t1
    ON t0.id_card = t1.injured_id_card
    AND (
      t1.accident_date <= t0.c_filing_date
      AND CAST(DATEDIFF(t0.c_filing_date, t1.accident_date) AS BIGINT) <= 1095
    )
  LEFT JOIN claims_dated AS t2
    ON t0.name = t2.repair_shop
    AND (
      t2.accident_date <= t0.c_filing_date
      AND CAST(DATEDIFF(t0.c_filing_date, t2.accident_date) AS BIGINT) <= 1095
    )
  WHERE
    NOT t1.claim_id IS NULL OR NOT t2.claim_id IS NULL
), early_policy_suits AS (
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
    t0.plaintiff_key AS plaintiff_key,
    t0.agent_key AS agent_key,
    t0.in_window AS in_window,
    t0.inj_claim_id AS inj_claim_id,
    t0.inj_policy_no AS inj_policy_no,
    t0.inj_policy_start AS inj_policy_start,
    t0.inj_insured_name AS inj_insured_name,
    t0.inj_insured_id_card AS inj_insured_id_card,
    t0.inj_plate AS inj_plate,
    t0.inj_vin AS inj_vin,
    t0.inj_accident_time AS inj_accident_time,
    t0.inj_accident_place AS inj_accident_place,
    t0.inj_report_time AS inj_report_time,
    t0.inj_repair_shop AS inj_repair_shop,
    t0.inj_injured_name AS inj_injured_name,
    t0.inj_injured_id_card AS inj_injured_id_card,
    t0.inj_claim_amount AS inj_claim_amount,
    t0.inj_loss_assessed AS inj_loss_assessed,
    t0.inj_assessed_amount AS inj_assessed_amount,
    t0.inj_appraiser AS inj_appraiser,
    t0.inj_paid_amount AS inj_paid_amount,
    t0.inj_paid_date AS inj_paid_date,
    t0.inj_source_record_id AS inj_source_record_id,
    t0.inj_p_accident_id AS inj_p_accident_id,
    t0.inj_p_plate AS inj_p_plate,
    t0.inj_p_accident_date AS inj_p_accident_date,
    t0.inj_police_accident_date AS inj_police_accident_date,
    t0.inj_accident_date AS inj_accident_date,
    t0.inj_days_after_policy AS inj_days_after_policy,
    t0.shop_claim_id AS shop_claim_id,
    t0.shop_policy_no AS shop_policy_no,
    t0.shop_policy_start AS shop_policy_start,
    t0.shop_insured_name AS shop_insured_name,
    t0.shop_insured_id_card AS shop_insured_id_card,
    t0.shop_plate AS shop_plate,
    t0.shop_vin AS shop_vin,
    t0.shop_accident_time AS shop_accident_time,
    t0.shop_accident_place AS shop_accident_place,
    t0.shop_report_time AS shop_report_time,
    t0.shop_repair_shop AS shop_repair_shop,
    t0.shop_injured_name AS shop_injured_name,
    t0.shop_injured_id_card AS shop_injured_id_card,
    t0.shop_claim_amount AS shop_claim_amount,
    t0.shop_loss_assessed AS shop_loss_assessed,
    t0.shop_assessed_amount AS shop_assessed_amount,
    t0.shop_appraiser AS shop_appraiser,
    t0.shop_paid_amount AS shop_paid_amount,
    t0.shop_paid_date AS shop_paid_date,
    t0.shop_source_record_id AS shop_source_record_id,
    t0.shop_p_accident_id AS shop_p_accident_id,
    t0.shop_p_plate AS shop_p_plate,
    t0.shop_p_accident_date AS shop_p_accident_date,
    t0.shop_police_accident_date AS shop_police_accident_date,
    t0.shop_accident_date AS shop_accident_date,
    t0.shop_days_after_policy AS shop_days_after_policy,
    t0.link AS link,
    t0.claim_id AS claim_id,
    t0.plate AS plate,
    t0.policy_start AS policy_start,
    t0.accident_date AS accident_date,
    t0.police_accident_date AS police_accident_date,
    t0.days_after_policy AS days_after_policy,
    t0.repair_shop AS repair_shop,
    t0.loss_assessed AS loss_assessed
  FROM suit_claims AS t0
  WHERE
    t0.in_window AND t0.days_after_policy <= 30
), busy_agents AS (
  SELECT
    g.agent_key AS agent_key,
    g.suits AS suits
  FROM (
    SELECT
      t0.agent_key AS agent_key,
      COUNT(DISTINCT t0.case_no) AS suits
    FROM early_policy_suits AS t0
    WHERE
      NOT t0.agent_key IS NULL
    GROUP BY
      t0.agent_key
  ) AS g
  WHERE
    g.suits >= 5
), agent_cluster_cases AS (
  SELECT
    t0.case_no AS case_no,
    MAX(t0.c_filing_date) AS filing_date,
    MAX(t0.name) AS plaintiff,
    MAX(t0.agent_key) AS agent,
    MAX(t1.suits) AS suits,
    MAX(t0.plate) AS plate,
    MAX(t0.policy_start) AS policy_start,
    MIN(t0.accident_date) AS accident_date,
    MIN(t0.days_after_policy) AS days_after_policy,
    MAX('代理人' || t0.agent_key || '一年内代理投保后短期出险诉讼' || CAST(t1.suits AS STRING) || '件') AS signal
  FROM early_policy_suits AS t0
  INNER JOIN busy_agents AS t1
    ON t0.agent_key = t1.agent_key
  GROUP BY
    t0.case_no
), busy_shops AS (
  SELECT
    g.repair_shop AS repair_shop,
    g.suits AS suits
  FROM (
    SELECT
      t0.repair_shop AS repair_shop,
      COUNT(DISTINCT t0.case_no) AS suits
    FROM early_policy_suits AS t0
    WHERE
      NOT t0.repair_shop IS NULL
    GROUP BY
      t0.repair_shop
  ) AS g
  WHERE
    g.suits >= 5
), shop_cluster_cases AS (
  SELECT
    t0.case_no AS case_no,
    MAX(t0.c_filing_date) AS filing_date,
    MAX(t0.name) AS plaintiff,
    MAX(t0.repair_shop) AS repair_shop,
    MAX(t1.suits) AS suits,
    MAX(t0.plate) AS plate,
    MAX(t0.policy_start) AS policy_start,
    MIN(t0.accident_date) AS accident_date,
    MIN(t0.days_after_policy) AS days_after_policy,
    MAX('修理厂' || t0.repair_shop || '一年内涉及投保后短期出险诉讼' || CAST(t1.suits AS STRING) || '件') AS signal
  FROM early_policy_suits AS t0
  INNER JOIN busy_shops AS t1
    ON t0.repair_shop = t1.repair_shop
  GROUP BY
    t0.case_no
), ownerships AS (
  SELECT
    t0.plate AS plate,
    t0.owner_name AS owner_name,
    t0.owner_id_card AS owner_id_card,
    t0.owner_uscc AS owner_uscc,
    t0.event_date AS event_date,
    MIN(t1.event_date) AS owned_until
  FROM vehicles AS t0
  LEFT JOIN vehicles AS t1
    ON t0.plate = t1.plate
    AND (
      t1.event IN ('转移', '注销') AND t1.event_date > t0.event_date
    )
  WHERE
    t0.event IS NULL OR t0.event IN ('注册', '转移')
  GROUP BY
    t0.plate,
    t0.owner_name,
    t0.owner_id_card,
    t0.owner_uscc,
    t0.event_date
), shop_not_owner AS (
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
    t0.plaintiff_key AS plaintiff_key,
    t0.agent_key AS agent_key,
    t0.in_window AS in_window,
    t0.inj_claim_id AS inj_claim_id,
    t0.inj_policy_no AS inj_policy_no,
    t0.inj_policy_start AS inj_policy_start,
    t0.inj_insured_name AS inj_insured_name,
    t0.inj_insured_id_card AS inj_insured_id_card,
    t0.inj_plate AS inj_plate,
    t0.inj_vin AS inj_vin,
    t0.inj_accident_time AS inj_accident_time,
    t0.inj_accident_place AS inj_accident_place,
    t0.inj_report_time AS inj_report_time,
    t0.inj_repair_shop AS inj_repair_shop,
    t0.inj_injured_name AS inj_injured_name,
    t0.inj_injured_id_card AS inj_injured_id_card,
    t0.inj_claim_amount AS inj_claim_amount,
    t0.inj_loss_assessed AS inj_loss_assessed,
    t0.inj_assessed_amount AS inj_assessed_amount,
    t0.inj_appraiser AS inj_appraiser,
    t0.inj_paid_amount AS inj_paid_amount,
    t0.inj_paid_date AS inj_paid_date,
    t0.inj_source_record_id AS inj_source_record_id,
    t0.inj_p_accident_id AS inj_p_accident_id,
    t0.inj_p_plate AS inj_p_plate,
    t0.inj_p_accident_date AS inj_p_accident_date,
    t0.inj_police_accident_date AS inj_police_accident_date,
    t0.inj_accident_date AS inj_accident_date,
    t0.inj_days_after_policy AS inj_days_after_policy,
    t0.shop_claim_id AS shop_claim_id,
    t0.shop_policy_no AS shop_policy_no,
    t0.shop_policy_start AS shop_policy_start,
    t0.shop_insured_name AS shop_insured_name,
    t0.shop_insured_id_card AS shop_insured_id_card,
    t0.shop_plate AS shop_plate,
    t0.shop_vin AS shop_vin,
    t0.shop_accident_time AS shop_accident_time,
    t0.shop_accident_place AS shop_accident_place,
    t0.shop_report_time AS shop_report_time,
    t0.shop_repair_shop AS shop_repair_shop,
    t0.shop_injured_name AS shop_injured_name,
    t0.shop_injured_id_card AS shop_injured_id_card,
    t0.shop_claim_amount AS shop_claim_amount,
    t0.shop_loss_assessed AS shop_loss_assessed,
    t0.shop_assessed_amount AS shop_assessed_amount,
    t0.shop_appraiser AS shop_appraiser,
    t0.shop_paid_amount AS shop_paid_amount,
    t0.shop_paid_date AS shop_paid_date,
    t0.shop_source_record_id AS shop_source_record_id,
    t0.shop_p_accident_id AS shop_p_accident_id,
    t0.shop_p_plate AS shop_p_plate,
    t0.shop_p_accident_date AS shop_p_accident_date,
    t0.shop_police_accident_date AS shop_police_accident_date,
    t0.shop_accident_date AS shop_accident_date,
    t0.shop_days_after_policy AS shop_days_after_policy,
    t0.link AS link,
    t0.claim_id AS claim_id,
    t0.plate AS plate,
    t0.policy_start AS policy_start,
    t0.accident_date AS accident_date,
    t0.police_accident_date AS police_accident_date,
    t0.days_after_policy AS days_after_policy,
    t0.repair_shop AS repair_shop,
    t0.loss_assessed AS loss_assessed
  FROM suit_claims AS t0
  WHERE
    EXISTS(
      SELECT
        1
      FROM ownerships AS t1
      WHERE
        t0.plate = t1.plate
    )
    AND NOT EXISTS(
      SELECT
        1
      FROM ownerships AS t2
      WHERE
        t0.plate = t2.plate
        AND (
          (
            t2.owner_id_card = t0.id_card
            OR t2.owner_uscc = t0.uscc
            OR t2.owner_name = t0.name
          )
          AND (
            t2.event_date IS NULL OR t2.event_date <= t0.accident_date
          )
          AND (
            t2.owned_until IS NULL OR t2.owned_until > t0.accident_date
          )
        )
    )
    AND t0.link = '修理厂'
), not_owner_cases AS (
  SELECT
    t0.case_no AS case_no,
    MAX(t0.c_filing_date) AS filing_date,
    MAX(t0.name) AS plaintiff,
    MAX(t0.repair_shop) AS repair_shop,
    MAX(t0.plate) AS plate,
    MIN(t0.accident_date) AS accident_date,
    MAX('原告为理赔记录中的修理厂，并非' || t0.plate || '的登记所有人') AS signal
  FROM shop_not_owner AS t0
  GROUP BY
    t0.case_no
), insurer_defendants AS (
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
    t0.source_record_id AS source_record_id
  FROM parties AS t0
  WHERE
    t0.role = '被告' AND CONTAINS(t0.name, '保险')
), insurer_suits AS (
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
    t0.plaintiff_key AS plaintiff_key,
    t0.agent_key AS agent_key,
    t0.in_window AS in_window
  FROM suit_plaintiffs AS t0
  WHERE
    EXISTS(
      SELECT
        1
      FROM insurer_defendants AS t1
      WHERE
        t0.case_no = t1.case_no
    )
    AND t0.in_window
), repeat_plaintiffs AS (
  SELECT
    g.plaintiff_key AS plaintiff_key,
    g.suits AS suits
  FROM (
    SELECT
      t0.plaintiff_key AS plaintiff_key,
      COUNT(DISTINCT t0.case_no) AS suits
    FROM insurer_suits AS t0
    GROUP BY
      t0.plaintiff_key
  ) AS g
  WHERE
    g.suits >= 3
), repeat_plaintiff_cases AS (
  SELECT
    t0.case_no AS case_no,
    MAX(t0.c_filing_date) AS filing_date,
    MAX(t0.name) AS plaintiff,
    MAX(t1.suits) AS suits,
    MAX('原告' || t0.name || '一年内起诉保险公司' || CAST(t1.suits AS STRING) || '件') AS signal
  FROM insurer_suits AS t0
  INNER JOIN repeat_plaintiffs AS t1
    ON t0.plaintiff_key = t1.plaintiff_key
  GROUP BY
    t0.case_no
), unassessed_cases AS (
  SELECT
    g.case_no AS case_no,
    g.filing_date AS filing_date,
    g.plaintiff AS plaintiff,
    g.plate AS plate,
    g.repair_shop AS repair_shop,
    g.accident_date AS accident_date,
    g.unassessed AS unassessed,
    g.assessed AS assessed,
    g.signal AS signal
  FROM (
    SELECT
      t0.case_no AS case_no,
      MAX(t0.c_filing_date) AS filing_date,
      MAX(t0.name) AS plaintiff,
      MAX(t0.plate) AS plate,
      MAX(t0.repair_shop) AS repair_shop,
      MIN(t0.accident_date) AS accident_date,
      COUNT_IF(t0.loss_assessed = '否') AS unassessed,
      COUNT_IF(t0.loss_assessed = '是') AS assessed,
      MAX('所涉理赔' || t0.claim_id || '保险公司未定损') AS signal
    FROM suit_claims AS t0
    GROUP BY
      t0.case_no
  ) AS g
  WHERE
    g.unassessed > 0 AND g.assessed = 0
), appraised_suits AS (
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
    t0.plaintiff_key AS plaintiff_key,
    t0.agent_key AS agent_key,
    t0.in_window AS in_window
  FROM suit_plaintiffs AS t0
  WHERE
    t0.in_window AND NOT t0.agent_key IS NULL AND NOT t0.c_appraisal_org IS NULL
), agent_appraised_totals AS (
  SELECT
    t0.agent_key AS agent_key,
    COUNT(DISTINCT t0.case_no) AS total
  FROM appraised_suits AS t0
  GROUP BY
    t0.agent_key
), recurring_appraisers AS (
  SELECT
    t0.agent_key AS agent_key,
    t0.c_appraisal_org AS c_appraisal_org,
    COUNT(DISTINCT t0.case_no) AS suits
  FROM appraised_suits AS t0
  GROUP BY
    t0.agent_key,
    t0.c_appraisal_org
), concentrated_appraisers AS (
  SELECT
    t0.agent_key AS agent_key,
    t0.c_appraisal_org AS c_appraisal_org,
    t0.suits AS suits,
    t1.agent_key AS t_agent_key,
    t1.total AS t_total,
    ROUND(CAST(t0.suits * 1.0 AS DOUBLE) / CAST(t1.total AS DOUBLE), 2) AS share
  FROM recurring_appraisers AS t0
  INNER JOIN agent_appraised_totals AS t1
    ON t0.agent_key = t1.agent_key
  WHERE
    t0.suits >= 5 AND t0.suits >= CAST('0.8' AS DECIMAL(18, 2)) * t1.total
), appraiser_cases AS (
  SELECT
    t0.case_no AS case_no,
    MAX(t0.c_filing_date) AS filing_date,
    MAX(t0.name) AS plaintiff,
    MAX(t0.agent_key) AS agent,
    MAX(t0.c_appraisal_org) AS appraisal_org,
    MAX(t1.suits) AS suits,
    MAX(t1.share) AS share,
    MAX(
      '代理人' || t0.agent_key || '的鉴定案件中' || CAST(t1.suits AS STRING) || '件由' || t0.c_appraisal_org || '鉴定'
    ) AS signal
  FROM appraised_suits AS t0
  INNER JOIN concentrated_appraisers AS t1
    ON t0.agent_key = t1.agent_key AND t0.c_appraisal_org = t1.c_appraisal_org
  GROUP BY
    t0.case_no
)
SELECT
  'lost_wages_uninsured' AS branch,
  'case' AS subject_type,
  CAST(case_no AS STRING) AS subject_key,
  CONCAT(
    '机动车交通事故责任纠纷',
    COALESCE(CAST(case_no AS STRING), ''),
    '（原告',
    COALESCE(CAST(plaintiff AS STRING), ''),
    '）：',
    COALESCE(CAST(signal AS STRING), '')
  ) AS title,
  'high' AS severity,
  STRUCT(
    filing_date AS filing_date,
    plaintiff AS plaintiff,
    signal AS signal,
    employer AS employer,
    lost_from AS lost_from,
    lost_to AS lost_to,
    NULL AS agent,
    NULL AS repair_shop,
    NULL AS suits,
    NULL AS plate,
    NULL AS policy_start,
    NULL AS accident_date,
    NULL AS days_after_policy,
    NULL AS appraisal_org,
    NULL AS share
  ) AS evidence,
  filing_date AS filing_date,
  plaintiff AS plaintiff,
  signal AS signal,
  employer AS employer,
  lost_from AS lost_from,
  lost_to AS lost_to,
  NULL AS agent,
  NULL AS repair_shop,
  NULL AS suits,
  NULL AS plate,
  NULL AS policy_start,
  NULL AS accident_date,
  NULL AS days_after_policy,
  NULL AS appraisal_org,
  NULL AS share
FROM lost_wage_cases
UNION ALL
SELECT
  'agent_early_policy' AS branch,
  'case' AS subject_type,
  CAST(case_no AS STRING) AS subject_key,
  CONCAT(
    '机动车交通事故责任纠纷',
    COALESCE(CAST(case_no AS STRING), ''),
    '（原告',
    COALESCE(CAST(plaintiff AS STRING), ''),
    '）：',
    COALESCE(CAST(signal AS STRING), '')
  ) AS title,
  'high' AS severity,
  STRUCT(
    filing_date AS filing_date,
    plaintiff AS plaintiff,
    signal AS signal,
    NULL AS employer,
    NULL AS lost_from,
    NULL AS lost_to,
    agent AS agent,
    NULL AS repair_shop,
    suits AS suits,
    plate AS plate,
    policy_start AS policy_start,
    accident_date AS accident_date,
    days_after_policy AS days_after_policy,
    NULL AS appraisal_org,
    NULL AS share
  ) AS evidence,
  filing_date AS filing_date,
  plaintiff AS plaintiff,
  signal AS signal,
  NULL AS employer,
  NULL AS lost_from,
  NULL AS lost_to,
  agent AS agent,
  NULL AS repair_shop,
  suits AS suits,
  plate AS plate,
  policy_start AS policy_start,
  accident_date AS accident_date,
  days_after_policy AS days_after_policy,
  NULL AS appraisal_org,
  NULL AS share
FROM agent_cluster_cases
UNION ALL
SELECT
  'shop_early_policy' AS branch,
  'case' AS subject_type,
  CAST(case_no AS STRING) AS subject_key,
  CONCAT(
    '机动车交通事故责任纠纷',
    COALESCE(CAST(case_no AS STRING), ''),
    '（原告',
    COALESCE(CAST(plaintiff AS STRING), ''),
    '）：',
    COALESCE(CAST(signal AS STRING), '')
  ) AS title,
  'high' AS severity,
  STRUCT(
    filing_date AS filing_date,
    plaintiff AS plaintiff,
    signal AS signal,
    NULL AS employer,
    NULL AS lost_from,
    NULL AS lost_to,
    NULL AS agent,
    repair_shop AS repair_shop,
    suits AS suits,
    plate AS plate,
    policy_start AS policy_start,
    accident_date AS accident_date,
    days_after_policy AS days_after_policy,
    NULL AS appraisal_org,
    NULL AS share
  ) AS evidence,
  filing_date AS filing_date,
  plaintiff AS plaintiff,
  signal AS signal,
  NULL AS employer,
  NULL AS lost_from,
  NULL AS lost_to,
  NULL AS agent,
  repair_shop AS repair_shop,
  suits AS suits,
  plate AS plate,
  policy_start AS policy_start,
  accident_date AS accident_date,
  days_after_policy AS days_after_policy,
  NULL AS appraisal_org,
  NULL AS share
FROM shop_cluster_cases
UNION ALL
SELECT
  'plaintiff_not_owner' AS branch,
  'case' AS subject_type,
  CAST(case_no AS STRING) AS subject_key,
  CONCAT(
    '机动车交通事故责任纠纷',
    COALESCE(CAST(case_no AS STRING), ''),
    '（原告',
    COALESCE(CAST(plaintiff AS STRING), ''),
    '）：',
    COALESCE(CAST(signal AS STRING), '')
  ) AS title,
  'medium' AS severity,
  STRUCT(
    filing_date AS filing_date,
    plaintiff AS plaintiff,
    signal AS signal,
    NULL AS employer,
    NULL AS lost_from,
    NULL AS lost_to,
    NULL AS agent,
    repair_shop AS repair_shop,
    NULL AS suits,
    plate AS plate,
    NULL AS policy_start,
    accident_date AS accident_date,
    NULL AS days_after_policy,
    NULL AS appraisal_org,
    NULL AS share
  ) AS evidence,
  filing_date AS filing_date,
  plaintiff AS plaintiff,
  signal AS signal,
  NULL AS employer,
  NULL AS lost_from,
  NULL AS lost_to,
  NULL AS agent,
  repair_shop AS repair_shop,
  NULL AS suits,
  plate AS plate,
  NULL AS policy_start,
  accident_date AS accident_date,
  NULL AS days_after_policy,
  NULL AS appraisal_org,
  NULL AS share
FROM not_owner_cases
UNION ALL
SELECT
  'repeat_insurer_suits' AS branch,
  'case' AS subject_type,
  CAST(case_no AS STRING) AS subject_key,
  CONCAT(
    '机动车交通事故责任纠纷',
    COALESCE(CAST(case_no AS STRING), ''),
    '（原告',
    COALESCE(CAST(plaintiff AS STRING), ''),
    '）：',
    COALESCE(CAST(signal AS STRING), '')
  ) AS title,
  'medium' AS severity,
  STRUCT(
    filing_date AS filing_date,
    plaintiff AS plaintiff,
    signal AS signal,
    NULL AS employer,
    NULL AS lost_from,
    NULL AS lost_to,
    NULL AS agent,
    NULL AS repair_shop,
    suits AS suits,
    NULL AS plate,
    NULL AS policy_start,
    NULL AS accident_date,
    NULL AS days_after_policy,
    NULL AS appraisal_org,
    NULL AS share
  ) AS evidence,
  filing_date AS filing_date,
  plaintiff AS plaintiff,
  signal AS signal,
  NULL AS employer,
  NULL AS lost_from,
  NULL AS lost_to,
  NULL AS agent,
  NULL AS repair_shop,
  suits AS suits,
  NULL AS plate,
  NULL AS policy_start,
  NULL AS accident_date,
  NULL AS days_after_policy,
  NULL AS appraisal_org,
  NULL AS share
FROM repeat_plaintiff_cases
UNION ALL
SELECT
  'no_loss_assessment' AS branch,
  'case' AS subject_type,
  CAST(case_no AS STRING) AS subject_key,
  CONCAT(
    '机动车交通事故责任纠纷',
    COALESCE(CAST(case_no AS STRING), ''),
    '（原告',
    COALESCE(CAST(plaintiff AS STRING), ''),
    '）：',
    COALESCE(CAST(signal AS STRING), '')
  ) AS title,
  'low' AS severity,
  STRUCT(
    filing_date AS filing_date,
    plaintiff AS plaintiff,
    signal AS signal,
    NULL AS employer,
    NULL AS lost_from,
    NULL AS lost_to,
    NULL AS agent,
    repair_shop AS repair_shop,
    NULL AS suits,
    plate AS plate,
    NULL AS policy_start,
    accident_date AS accident_date,
    NULL AS days_after_policy,
    NULL AS appraisal_org,
    NULL AS share
  ) AS evidence,
  filing_date AS filing_date,
  plaintiff AS plaintiff,
  signal AS signal,
  NULL AS employer,
  NULL AS lost_from,
  NULL AS lost_to,
  NULL AS agent,
  repair_shop AS repair_shop,
  NULL AS suits,
  plate AS plate,
  NULL AS policy_start,
  accident_date AS accident_date,
  NULL AS days_after_policy,
  NULL AS appraisal_org,
  NULL AS share
FROM unassessed_cases
UNION ALL
SELECT
  'recurring_appraiser' AS branch,
  'case' AS subject_type,
  CAST(case_no AS STRING) AS subject_key,
  CONCAT(
    '机动车交通事故责任纠纷',
    COALESCE(CAST(case_no AS STRING), ''),
    '（原告',
    COALESCE(CAST(plaintiff AS STRING), ''),
    '）：',
    COALESCE(CAST(signal AS STRING), '')
  ) AS title,
  'medium' AS severity,
  STRUCT(
    filing_date AS filing_date,
    plaintiff AS plaintiff,
    signal AS signal,
    NULL AS employer,
    NULL AS lost_from,
    NULL AS lost_to,
    agent AS agent,
    NULL AS repair_shop,
    suits AS suits,
    NULL AS plate,
    NULL AS policy_start,
    NULL AS accident_date,
    NULL AS days_after_policy,
    appraisal_org AS appraisal_org,
    share AS share
  ) AS evidence,
  filing_date AS filing_date,
  plaintiff AS plaintiff,
  signal AS signal,
  NULL AS employer,
  NULL AS lost_from,
  NULL AS lost_to,
  agent AS agent,
  NULL AS repair_shop,
  suits AS suits,
  NULL AS plate,
  NULL AS policy_start,
  NULL AS accident_date,
  NULL AS days_after_policy,
  appraisal_org AS appraisal_org,
  share AS share
FROM appraiser_cases
