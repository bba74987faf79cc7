WITH cases AS (
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
), registry AS (
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
), auctions AS (
  SELECT
    auction_id,
    exec_case_no,
    item_type,
    item_desc,
    plate,
    vin,
    property_cert_no,
    appraisal_price,
    start_price,
    deal_price,
    round,
    bidder_count,
    deal_date,
    buyer_name,
    buyer_id_card,
    source_record_id
  FROM judicial_auction
), companies AS (
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
), violations AS (
  SELECT
    violation_id,
    plate,
    violation_time,
    place,
    type,
    source_record_id
  FROM traffic_violation
), debts AS (
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
    t0.respondent_id_card AS id_card,
    COALESCE(t0.source_case_no, t0.exec_case_no) AS debt_key
  FROM cases AS t0
  WHERE
    NOT t0.respondent_id_card IS NULL
), paid AS (
  SELECT
    t0.id_card AS id_card,
    t0.debt_key AS debt_key,
    MIN(t0.closing_date) AS paid_date
  FROM debts AS t0
  WHERE
    t0.closing_method = '执行完毕'
    AND NOT t0.closing_date IS NULL
    AND t0.closing_date <= CAST('2024-06-30' AS DATE)
  GROUP BY
    t0.id_card,
    t0.debt_key
), open_debts AS (
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
    t0.id_card AS id_card,
    t0.debt_key AS debt_key,
    t1.id_card AS p_id_card,
    t1.debt_key AS p_debt_key,
    t1.paid_date AS p_paid_date,
    LEAST(COALESCE(t1.paid_date, CAST('2024-06-30' AS DATE)), CAST('2024-06-30' AS DATE)) AS window_end
  FROM debts AS t0
  LEFT JOIN paid AS t1
    ON t0.id_card = t1.id_card AND t0.debt_key = t1.debt_key
), no_property AS (
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
    t0.id_card AS id_card,
    t0.debt_key AS debt_key,
    t0.p_id_card AS p_id_card,
    t0.p_debt_key AS p_debt_key,
    t0.p_paid_date AS p_paid_date,
    t0.window_end AS window_end
  FROM open_debts AS t0
  WHERE
    t0.closing_method = '终结本次执行' AND NOT t0.filing_date IS NULL
), acquired AS (
  SELECT
    t0.id_card AS id_card,
    MAX(t0.respondent_name) AS name,
    MAX(t0.exec_case_no) AS exec_case_no,
    COUNT(DISTINCT t0.exec_case_no) AS case_count,
    MAX(t0.amount) AS amount,
    COUNT(DISTINCT t1.plate) AS acts,
    MIN(t1.event_date) AS first_act,
    MAX(t1.event_date) AS last_act,
    '终本案件立案后名下新登记机动车' || CAST(COUNT(DISTINCT t1.plate) AS TEXT) || '辆，最近一次' || CAST(MAX(t1.event_date) AS TEXT) AS finding
  FROM no_property AS t0
  INNER JOIN registry AS t1
    ON t0.id_card = t1.owner_id_card
    AND (
      ARRAY_CONTAINS(['注册', '转移'], t1.event)
      AND t1.event_date > t0.filing_date
      AND t1.event_date <= t0.window_end
    )
  GROUP BY
    t0.id_card
), transfer_events AS (
  SELECT
    t0.plate AS plate,
    t0.vin AS vin,
    t0.owner_name AS owner_name,
    t0.owner_id_card AS owner_id_card,
    t0.owner_uscc AS owner_uscc,
    t0.status AS status,
    t0.event AS event,
    t0.event_date AS event_date,
    t0.source_record_id AS source_record_id
  FROM registry AS t0
  WHERE
    t0.event = '转移' AND NOT t0.event_date IS NULL
), handovers AS (
  SELECT
    t0.plate AS plate,
    t0.vin AS vin,
    t0.owner_name AS owner_name,
    t0.owner_id_card AS owner_id_card,
    t0.owner_uscc AS owner_uscc,
    t0.status AS status,
    t0.event AS event,
    t0.event_date AS event_date,
    t0.source_record_id AS source_record_id,
    t1.plate AS o_plate,
    t1.vin AS o_vin,
    t1.owner_name AS o_owner_name,
    t1.owner_id_card AS o_owner_id_card,
    t1.owner_uscc AS o_owner_uscc,
    t1.status AS o_status,
    t1.event AS o_event,
    t1.event_date AS o_event_date,
    t1.source_record_id AS o_source_record_id,
    t1.owner_id_card AS from_id_card
  FROM transfer_events AS t0
  INNER JOIN registry AS t1
    ON t0.plate = t1.plate
    AND (
      t1.event_date < t0.event_date
      AND NOT t1.owner_id_card IS NULL
      AND (
        t0.owner_id_card IS NULL OR t0.owner_id_card <> t1.owner_id_card
      )
    )
  WHERE
    NOT EXISTS(
      SELECT
        1
      FROM transfer_events AS t2
      WHERE
        t0.plate = t2.plate
        AND (
          t2.event_date > t1.event_date AND t2.event_date < t0.event_date
        )
    )
    AND NOT EXISTS(
      SELECT
        1
      FROM auctions AS t3
      WHERE
        t0.plate = t3.plate
        AND (
          NOT t3.deal_date IS NULL
          AND t3.deal_date >= t1.event_date
          AND t3.deal_date <= t0.event_date
        )
    )
    AND NOT EXISTS(
      SELECT
        1
      FROM auctions AS t4
      WHERE
        t0.vin = t4.vin
        AND (
          NOT t4.deal_date IS NULL
          AND t4.deal_date >= t1.event_date
          AND t4.deal_date <= t0.event_date
        )
    )
), transferred_away AS (
  SELECT
    t0.id_card AS id_card,
    MAX(t0.respondent_name) AS name,
    MAX(t0.exec_case_no) AS exec_case_no,
    COUNT(DISTINCT t0.exec_case_no) AS case_count,
    MAX(t0.amount) AS amount,
    COUNT(DISTINCT t1.plate) AS acts,
    MIN(t1.event_date) AS first_act,
    MAX(t1.event_date) AS last_act,
    '终本案件立案后将名下机动车过户他人' || CAST(COUNT(DISTINCT t1.plate) AS TEXT) || '辆，最近一次' || CAST(MAX(t1.event_date) AS TEXT) AS finding
  FROM no_property AS t0
  INNER JOIN handovers AS t1
    ON t0.id_card = t1.from_id_card
    AND (
      t1.event_date > t0.filing_date AND t1.event_date <= t0.window_end
    )
  GROUP BY
    t0.id_card
), new_legal_rep AS (
  SELECT
    t0.id_card AS id_card,
    MAX(t0.respondent_name) AS name,
    MAX(t0.exec_case_no) AS exec_case_no,
    COUNT(DISTINCT t0.exec_case_no) AS case_count,
    MAX(t0.amount) AS amount,
    COUNT(DISTINCT t1.uscc) AS acts,
    MIN(t1.established) AS first_act,
    MAX(t1.established) AS last_act,
    '终本案件立案后新设企业并任法定代表人' || CAST(COUNT(DISTINCT t1.uscc) AS TEXT) || '家，如' || MAX(t1.name) AS finding
  FROM no_property AS t0
  INNER JOIN companies AS t1
    ON t0.id_card = t1.legal_rep_id_card
    AND (
      t1.established > t0.filing_date AND t1.established <= t0.window_end
    )
  GROUP BY
    t0.id_card
), defaulter_transfers AS (
  SELECT
    t0.id_card AS id_card,
    MAX(t0.respondent_name) AS name,
    MAX(t0.exec_case_no) AS exec_case_no,
    COUNT(DISTINCT t0.exec_case_no) AS case_count,
    MAX(t0.amount) AS amount,
    COUNT(DISTINCT t1.plate) AS acts,
    MIN(t1.event_date) AS first_act,
    MAX(t1.event_date) AS last_act,
    '纳入失信名单（' || CAST(MIN(t0.defaulter_listed_date) AS TEXT) || '）后将机动车过户他人' || CAST(COUNT(DISTINCT t1.plate) AS TEXT) || '辆' AS finding
  FROM open_debts AS t0
  INNER JOIN handovers AS t1
    ON t0.id_card = t1.from_id_card
    AND (
      t1.event_date > t0.defaulter_listed_date AND t1.event_date <= t0.window_end
    )
  WHERE
    NOT t0.defaulter_listed_date IS NULL
  GROUP BY
    t0.id_card
), seals AS (
  SELECT
    t0.plate AS plate,
    t0.vin AS vin,
    t0.owner_name AS owner_name,
    t0.owner_id_card AS owner_id_card,
    t0.owner_uscc AS owner_uscc,
    t0.status AS status,
    t0.event AS event,
    t0.event_date AS event_date,
    t0.source_record_id AS source_record_id
  FROM registry AS t0
  WHERE
    t0.event = '查封' AND NOT t0.event_date IS NULL AND NOT t0.owner_id_card IS NULL
), sealed_in_use AS (
  SELECT
    t0.plate AS plate,
    t0.vin AS vin,
    t0.owner_name AS owner_name,
    t0.owner_id_card AS owner_id_card,
    t0.owner_uscc AS owner_uscc,
    t0.status AS status,
    t0.event AS event,
    t0.event_date AS event_date,
    t0.source_record_id AS source_record_id,
    t1.violation_id AS v_violation_id,
    t1.plate AS v_plate,
    t1.violation_time AS v_violation_time,
    t1.place AS v_place,
    t1.type AS v_type,
    t1.source_record_id AS v_source_record_id,
    t0.owner_id_card AS owner_key,
    CAST(t1.violation_time AS DATE) AS violation_date
  FROM seals AS t0
  INNER JOIN violations AS t1
    ON t0.plate = t1.plate
    AND (
      CAST(t1.violation_time AS DATE) > t0.event_date
      AND CAST(t1.violation_time AS DATE) <= CAST('2024-06-30' AS DATE)
    )
  WHERE
    NOT EXISTS(
      SELECT
        1
      FROM registry AS t2
      WHERE
        t0.plate = t2.plate
        AND (
          t2.event IN ('解封', '转移', '注销')
          AND t2.event_date >= t0.event_date
          AND t2.event_date < CAST(t1.violation_time AS DATE)
        )
    )
), sealed_vehicle_use AS (
  SELECT
    g.id_card AS id_card,
    g.name AS name,
    g.exec_case_no AS exec_case_no,
    g.case_count AS case_count,
    g.amount AS amount,
    g.acts AS acts,
    g.first_act AS first_act,
    g.last_act AS last_act,
    g.finding AS finding
  FROM (
    SELECT
      t0.id_card AS id_card,
      MAX(t0.respondent_name) AS name,
      MAX(t0.exec_case_no) AS exec_case_no,
      COUNT(DISTINCT t0.exec_case_no) AS case_count,
      MAX(t0.amount) AS amount,
      COUNT(DISTINCT t1.v_violation_id) AS acts,
      MIN(t1.violation_date) AS first_act,
      MAX(t1.violation_date) AS last_act,
      '名下被查封车辆' || MAX(t1.plate) || '查封后仍有交通违法' || CAST(COUNT(DISTINCT t1.v_violation_id) AS TEXT) || '次，最近一次' || CAST(MAX(t1.violation_date) AS TEXT) AS finding
    FROM open_debts AS t0
    INNER JOIN sealed_in_use AS t1
      ON t0.id_card = t1.owner_key AND t1.violation_date <= t0.window_end
    GROUP BY
      t0.id_card
  ) AS g
  WHERE
    g.acts >= 1
)
SELECT
  'acquired_vehicle' AS branch,
  'person' AS subject_type,
  CAST(id_card AS TEXT) AS subject_key,
  '被执行人' || COALESCE(CAST(name AS TEXT), '') || '（' || COALESCE(CAST(exec_case_no AS TEXT), '') || '）：' || COALESCE(CAST(finding AS TEXT), '') AS title,
  'high' AS severity,
  {'name': name, 'exec_case_no': exec_case_no, 'case_count': case_count, 'amount': amount, 'acts': acts, 'first_act': first_act, 'last_act': last_act, 'finding': finding} AS evidence,
  name AS name,
  exec_case_no AS exec_case_no,
  case_count AS case_count,
  amount AS amount,
  acts AS acts,
  first_act AS first_act,
  last_act AS last_act,
  finding AS finding
FROM acquired
UNION ALL
SELECT
  'transferred_vehicle' AS branch,
  'person' AS subject_type,
  CAST(id_card AS TEXT) AS subject_key,
  '被执行人' || COALESCE(CAST(name AS TEXT), '') || '（' || COALESCE(CAST(exec_case_no AS TEXT), '') || '）：' || COALESCE(CAST(finding AS TEXT), '') AS title,
  'high' AS severity,
  {'name': name, 'exec_case_no': exec_case_no, 'case_count': case_count, 'amount': amount, 'acts': acts, 'first_act': first_act, 'last_act': last_act, 'finding': finding} AS evidence,
  name AS name,
  exec_case_no AS exec_case_no,
  case_count AS case_count,
  amount AS amount,
  acts AS acts,
  first_act AS first_act,
  last_act AS last_act,
  finding AS finding
FROM transferred_away
UNION ALL
SELECT
  'became_legal_rep' AS branch,
  'person' AS subject_type,
  CAST(id_card AS TEXT) AS subject_key,
  '被执行人' || COALESCE(CAST(name AS TEXT), '') || '（' || COALESCE(CAST(exec_case_no AS TEXT), '') || '）：' || COALESCE(CAST(finding AS TEXT), '') AS title,
  'medium' AS severity,
  {'name': name, 'exec_case_no': exec_case_no, 'case_count': case_count, 'amount': amount, 'acts': acts, 'first_act': first_act, 'last_act': last_act, 'finding': finding} AS evidence,
  name AS name,
  exec_case_no AS exec_case_no,
  case_count AS case_count,
  amount AS amount,
  acts AS acts,
  first_act AS first_act,
  last_act AS last_act,
  finding AS finding
FROM new_legal_rep
UNION ALL
SELECT
  'defaulter_transfer' AS branch,
  'person' AS subject_type,
  CAST(id_card AS TEXT) AS subject_key,
  '被执行人' || COALESCE(CAST(name AS TEXT), '') || '（' || COALESCE(CAST(exec_case_no AS TEXT), '') || '）：' || COALESCE(CAST(finding AS TEXT), '') AS title,
  'high' AS severity,
  {'name': name, 'exec_case_no': exec_case_no, 'case_count': case_count, 'amount': amount, 'acts': acts, 'first_act': first_act, 'last_act': last_act, 'finding': finding} AS evidence,
  name AS name,
  exec_case_no AS exec_case_no,
  case_count AS case_count,
  amount AS amount,
  acts AS acts,
  first_act AS first_act,
  last_act AS last_act,
  finding AS finding
FROM defaulter_transfers
UNION ALL
SELECT
  'sealed_vehicle_used' AS branch,
  'person' AS subject_type,
  CAST(id_card AS TEXT) AS subject_key,
  '被执行人' || COALESCE(CAST(name AS TEXT), '') || '（' || COALESCE(CAST(exec_case_no AS TEXT), '') || '）：' || COALESCE(CAST(finding AS TEXT), '') AS title,
  'high' AS severity,
  {'name': name, 'exec_case_no': exec_case_no, 'case_count': case_count, 'amount': amount, 'acts': acts, 'first_act': first_act, 'last_act': last_act, 'finding': finding} AS evidence,
  name AS name,
  exec_case_no AS exec_case_no,
  case_count AS case_count,
  amount AS amount,
  acts AS acts,
  first_act AS first_act,
  last_act AS last_act,
  finding AS finding
FROM sealed_vehicle_use
