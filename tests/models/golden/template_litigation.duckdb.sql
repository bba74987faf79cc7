WITH groups AS (
  SELECT
    group_id,
    doc_id,
    case_no,
    court_name,
    cause,
    judgment_date,
    group_size,
    similarity,
    source_record_id
  FROM near_duplicate_group
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
), template_suits AS (
  SELECT
    t0.group_id AS group_id,
    t0.doc_id AS doc_id,
    t0.case_no AS case_no,
    t0.court_name AS court_name,
    t0.cause AS cause,
    t0.judgment_date AS judgment_date,
    t0.group_size AS group_size,
    t0.similarity AS similarity,
    t0.source_record_id AS source_record_id
  FROM groups AS t0
  WHERE
    t0.group_size >= 5 AND t0.similarity >= 80 AND NOT t0.case_no IS NULL
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
    COALESCE(t0.id_card, t0.uscc, t0.name) AS plaintiff_key
  FROM parties AS t0
  WHERE
    t0.role = '原告'
    AND NOT REGEXP_MATCHES(COALESCE(t0.name, ''), '银行|信用社|信用合作|小额贷款|消费金融|融资担保|资产管理|保险')
), suit_plaintiffs AS (
  SELECT
    t0.group_id AS group_id,
    t0.doc_id AS doc_id,
    t0.case_no AS case_no,
    t0.court_name AS court_name,
    t0.cause AS cause,
    t0.judgment_date AS judgment_date,
    t0.group_size AS group_size,
    t0.similarity AS similarity,
    t0.source_record_id AS source_record_id,
    t1.case_no AS p_case_no,
    t1.role AS p_role,
    t1.party_type AS p_party_type,
    t1.name AS p_name,
    t1.sex AS p_sex,
    t1.birth_date AS p_birth_date,
    t1.ethnicity AS p_ethnicity,
    t1.legal_rep AS p_legal_rep,
    t1.id_card AS p_id_card,
    t1.uscc AS p_uscc,
    t1.phone AS p_phone,
    t1.address AS p_address,
    t1.agent_name AS p_agent_name,
    t1.agent_firm AS p_agent_firm,
    t1.agent_type AS p_agent_type,
    t1.employer_name AS p_employer_name,
    t1.lost_work_from AS p_lost_work_from,
    t1.lost_work_to AS p_lost_work_to,
    t1.source_record_id AS p_source_record_id,
    t1.plaintiff_key AS p_plaintiff_key
  FROM template_suits AS t0
  INNER JOIN plaintiffs AS t1
    ON t0.case_no = t1.case_no
), plaintiff_series AS (
  SELECT
    g.group_id AS group_id,
    g.p_plaintiff_key AS p_plaintiff_key,
    g.plaintiff AS plaintiff,
    g.suits AS suits,
    g.group_size AS group_size,
    g.cause AS cause,
    g.first_judgment AS first_judgment,
    g.last_judgment AS last_judgment
  FROM (
    SELECT
      t0.group_id AS group_id,
      t0.p_plaintiff_key AS p_plaintiff_key,
      MAX(t0.p_name) AS plaintiff,
      COUNT(DISTINCT t0.case_no) AS suits,
      MAX(t0.group_size) AS group_size,
      MAX(t0.cause) AS cause,
      MIN(t0.judgment_date) AS first_judgment,
      MAX(t0.judgment_date) AS last_judgment
    FROM suit_plaintiffs AS t0
    GROUP BY
      t0.group_id,
      t0.p_plaintiff_key
  ) AS g
  WHERE
    g.suits >= 5
), shared_plaintiff AS (
  SELECT
    t0.group_id AS group_id,
    MAX(t0.plaintiff) AS plaintiff,
    MAX(t0.suits) AS suits,
    MAX(t0.group_size) AS group_size,
    MAX(t0.cause) AS cause,
    MIN(t0.first_judgment) AS first_judgment,
    MAX(t0.last_judgment) AS last_judgment
  FROM plaintiff_series AS t0
  GROUP BY
    t0.group_id
), agent_series AS (
  SELECT
    g.group_id AS group_id,
    g.p_agent_name AS p_agent_name,
    g.agent AS agent,
    g.agent_firm AS agent_firm,
    g.plaintiffs AS plaintiffs,
    g.suits AS suits,
    g.group_size AS group_size,
    g.cause AS cause,
    g.first_judgment AS first_judgment,
    g.last_judgment AS last_judgment
  FROM (
    SELECT
      t0.group_id AS group_id,
      t0.p_agent_name AS p_agent_name,
      MAX(t0.p_agent_name) AS agent,
      MAX(t0.p_agent_firm) AS agent_firm,
      COUNT(DISTINCT t0.p_plaintiff_key) AS plaintiffs,
      COUNT(DISTINCT t0.case_no) AS suits,
      MAX(t0.group_size) AS group_size,
      MAX(t0.cause) AS cause,
      MIN(t0.judgment_date) AS first_judgment,
      MAX(t0.judgment_date) AS last_judgment
    FROM suit_plaintiffs AS t0
    WHERE
      NOT t0.p_agent_name IS NULL
    GROUP BY
      t0.group_id,
      t0.p_agent_name
  ) AS g
  WHERE
    g.suits >= 5
), shared_agent AS (
  SELECT
    t0.group_id AS group_id,
    MAX(t0.agent) AS agent,
    MAX(t0.agent_firm) AS agent_firm,
    MAX(t0.plaintiffs) AS plaintiffs,
    MAX(t0.suits) AS suits,
    MAX(t0.group_size) AS group_size,
    MAX(t0.cause) AS cause,
    MIN(t0.first_judgment) AS first_judgment,
    MAX(t0.last_judgment) AS last_judgment
  FROM agent_series AS t0
  GROUP BY
    t0.group_id
)
SELECT
  'shared_plaintiff' AS branch,
  'group' AS subject_type,
  CAST(group_id AS TEXT) AS subject_key,
  COALESCE(CAST(group_size AS TEXT), '') || '份裁判文书的诉讼请求近乎相同（' || COALESCE(CAST(cause AS TEXT), '') || '），其中' || COALESCE(CAST(suits AS TEXT), '') || '件由同一原告或代理人提起' AS title,
  'high' AS severity,
  {'group_id': group_id, 'group_size': group_size, 'suits': suits, 'cause': cause, 'plaintiff': plaintiff, 'agent': NULL, 'agent_firm': NULL, 'plaintiffs': NULL, 'first_judgment': first_judgment, 'last_judgment': last_judgment} AS evidence,
  group_id AS group_id,
  group_size AS group_size,
  suits AS suits,
  cause AS cause,
  plaintiff AS plaintiff,
  NULL AS agent,
  NULL AS agent_firm,
  NULL AS plaintiffs,
  first_judgment AS first_judgment,
  last_judgment AS last_judgment
FROM shared_plaintiff
UNION ALL
SELECT
  'shared_agent' AS branch,
  'group' AS subject_type,
  CAST(group_id AS TEXT) AS subject_key,
  COALESCE(CAST(group_size AS TEXT), '') || '份裁判文书的诉讼请求近乎相同（' || COALESCE(CAST(cause AS TEXT), '') || '），其中' || COALESCE(CAST(suits AS TEXT), '') || '件由同一原告或代理人提起' AS title,
  'high' AS severity,
  {'group_id': group_id, 'group_size': group_size, 'suits': suits, 'cause': cause, 'plaintiff': NULL, 'agent': agent, 'agent_firm': agent_firm, 'plaintiffs': plaintiffs, 'first_judgment': first_judgment, 'last_judgment': last_judgment} AS evidence,
  group_id AS group_id,
  group_size AS group_size,
  suits AS suits,
  cause AS cause,
  NULL AS plaintiff,
  agent AS agent,
  agent_firm AS agent_firm,
  plaintiffs AS plaintiffs,
  first_judgment AS first_judgment,
  last_judgment AS last_judgment
FROM shared_agent
