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
), relations AS (
  SELECT
    case_no,
    party_a,
    party_a_name,
    party_a_role,
    party_b,
    party_b_name,
    party_b_role,
    hops,
    via,
    via_name,
    path,
    source_record_id
  FROM party_relation
), edges AS (
  SELECT
    entity_a,
    entity_b,
    kind_a,
    kind_b,
    relation,
    case_no,
    source_dataset,
    weight,
    source_record_id
  FROM entity_edge
), settled_cases AS (
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
    t0.source_record_id AS source_record_id,
    CASE
      WHEN ARRAY_CONTAINS(['调解', '撤诉'], COALESCE(t0.closing_method, t0.outcome))
      THEN COALESCE(t0.closing_method, t0.outcome)
      ELSE '判决全部支持'
    END AS closing
  FROM cases AS t0
  WHERE
    ARRAY_CONTAINS(['民初', '民终', '民再'], t0.case_type)
    AND (
      t0.closing_date IS NULL OR t0.closing_date <= CAST('2024-06-30' AS DATE)
    )
    AND (
      ARRAY_CONTAINS(['调解', '撤诉'], COALESCE(t0.closing_method, t0.outcome))
      OR (
        COALESCE(t0.closing_method, '判决') = '判决'
        AND (
          t0.outcome = '支持'
          OR (
            t0.outcome IS NULL
            AND t0.closing_method = '判决'
            AND t0.amount_awarded >= t0.amount_claimed
          )
        )
      )
    )
    AND NOT (
      CONTAINS(COALESCE(t0.cause, ''), '离婚')
      OR CONTAINS(COALESCE(t0.cause, ''), '婚姻')
      OR CONTAINS(COALESCE(t0.cause, ''), '婚约')
      OR CONTAINS(COALESCE(t0.cause, ''), '夫妻')
      OR CONTAINS(COALESCE(t0.cause, ''), '同居')
      OR CONTAINS(COALESCE(t0.cause, ''), '继承')
      OR CONTAINS(COALESCE(t0.cause, ''), '遗嘱')
      OR CONTAINS(COALESCE(t0.cause, ''), '遗赠')
      OR CONTAINS(COALESCE(t0.cause, ''), '赡养')
      OR CONTAINS(COALESCE(t0.cause, ''), '抚养')
      OR CONTAINS(COALESCE(t0.cause, ''), '扶养')
      OR CONTAINS(COALESCE(t0.cause, ''), '探望')
      OR CONTAINS(COALESCE(t0.cause, ''), '监护')
      OR CONTAINS(COALESCE(t0.cause, ''), '收养')
      OR CONTAINS(COALESCE(t0.cause, ''), '分家析产')
      OR CONTAINS(COALESCE(t0.cause, ''), '共有')
      OR CONTAINS(COALESCE(t0.cause, ''), '相邻')
      OR CONTAINS(COALESCE(t0.cause, ''), '劳动')
      OR CONTAINS(COALESCE(t0.cause, ''), '经济补偿金')
      OR CONTAINS(COALESCE(t0.cause, ''), '工伤')
    )
), related_pairs AS (
  SELECT
    t0.case_no AS case_no,
    t0.party_a AS party_a,
    t0.party_a_name AS party_a_name,
    t0.party_a_role AS party_a_role,
    t0.party_b AS party_b,
    t0.party_b_name AS party_b_name,
    t0.party_b_role AS party_b_role,
    t0.hops AS hops,
    t0.via AS via,
    t0.via_name AS via_name,
    t0.path AS path,
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
    t1.closing AS c_closing,
    t2.entity_a AS ea_entity_a,
    t2.entity_b AS ea_entity_b,
    t2.kind_a AS ea_kind_a,
    t2.kind_b AS ea_kind_b,
    t2.relation AS ea_relation,
    t2.case_no AS ea_case_no,
    t2.source_dataset AS ea_source_dataset,
    t2.weight AS ea_weight,
    t2.source_record_id AS ea_source_record_id,
    t3.entity_a AS eb_entity_a,
    t3.entity_b AS eb_entity_b,
    t3.kind_a AS eb_kind_a,
    t3.kind_b AS eb_kind_b,
    t3.relation AS eb_relation,
    t3.case_no AS eb_case_no,
    t3.source_dataset AS eb_source_dataset,
    t3.weight AS eb_weight,
    t3.source_record_id AS eb_source_record_id,
    REPLACE(
      REPLACE(
        REPLACE(
          REPLACE(
            REPLACE(
              REPLACE(REPLACE(t0.path, 'registration_agent', '登记代理人'), 'same_phone', '电话相同'),
              'same_address',
              '住址相同'
            ),
            'legal_rep',
            '法定代表人'
          ),
          'employer',
          '用工单位'
        ),
        'agent',
        '代理人'
      ),
      '>',
      '—'
    ) AS relation_zh
  FROM relations AS t0
  INNER JOIN settled_cases AS t1
    ON t0.case_no = t1.case_no
  LEFT JOIN edges AS t2
    ON t0.via = t2.entity_a
    AND t0.party_a = t2.entity_b
    AND t0.case_no = t2.case_no
    AND t2.relation = 'agent'
  LEFT JOIN edges AS t3
    ON t0.via = t3.entity_a
    AND t0.party_b = t3.entity_b
    AND t0.case_no = t3.case_no
    AND t3.relation = 'agent'
  WHERE
    NOT (
      CONTAINS(t0.path, 'co_party')
      OR CONTAINS(t0.path, 'injured')
      OR CONTAINS(t0.path, 'insured')
      OR CONTAINS(t0.path, 'driver')
      OR CONTAINS(t0.path, 'vehicle_owner')
      OR CONTAINS(t0.path, 'creditor')
      OR CONTAINS(t0.path, 'invoice')
      OR CONTAINS(t0.path, 'incident')
      OR CONTAINS(t0.path, 'auction_buyer')
      OR CONTAINS(t0.path, 'auction_debtor')
    )
    AND (
      t0.path <> 'agent>agent'
      OR (
        NOT t2.entity_a IS NULL AND NOT t3.entity_a IS NULL
      )
    )
), direct_link AS (
  SELECT
    t0.case_no AS case_no,
    MIN(t0.party_a_name) AS party_a_name,
    MIN(t0.party_a_role) AS party_a_role,
    MIN(t0.party_b_name) AS party_b_name,
    MIN(t0.party_b_role) AS party_b_role,
    MIN(t0.hops) AS hops,
    MIN(t0.path) AS path,
    MIN(t0.relation_zh) AS relation,
    MIN(
      CASE
        WHEN t0.hops = 1
        THEN t0.relation_zh
        ELSE CONCAT('经', COALESCE(t0.via_name, '中间人'), '：', t0.relation_zh)
      END
    ) AS link,
    MIN(t0.via_name) AS via_name,
    COUNT(DISTINCT CONCAT(t0.party_a, '|', t0.party_b)) AS related_pairs,
    MAX(t0.c_cause) AS cause,
    MAX(t0.c_closing) AS closing,
    MAX(t0.c_closing_date) AS closing_date,
    MAX(t0.c_amount_claimed) AS amount_claimed,
    MAX(t0.c_amount_awarded) AS amount_awarded
  FROM related_pairs AS t0
  WHERE
    t0.hops = 1
  GROUP BY
    t0.case_no
), shared_agent_or_two_hops AS (
  SELECT
    t0.case_no AS case_no,
    MIN(t0.party_a_name) AS party_a_name,
    MIN(t0.party_a_role) AS party_a_role,
    MIN(t0.party_b_name) AS party_b_name,
    MIN(t0.party_b_role) AS party_b_role,
    MIN(t0.hops) AS hops,
    MIN(t0.path) AS path,
    MIN(t0.relation_zh) AS relation,
    MIN(
      CASE
        WHEN t0.hops = 1
        THEN t0.relation_zh
        ELSE CONCAT('经', COALESCE(t0.via_name, '中间人'), '：', t0.relation_zh)
      END
    ) AS link,
    MIN(t0.via_name) AS via_name,
    COUNT(DISTINCT CONCAT(t0.party_a, '|', t0.party_b)) AS related_pairs,
    MAX(t0.c_cause) AS cause,
    MAX(t0.c_closing) AS closing,
    MAX(t0.c_closing_date) AS closing_date,
    MAX(t0.c_amount_claimed) AS amount_claimed,
    MAX(t0.c_amount_awarded) AS amount_awarded
  FROM related_pairs AS t0
  WHERE
    t0.hops = 2
  GROUP BY
    t0.case_no
)
SELECT
  'direct_link' AS branch,
  'case' AS subject_type,
  CAST(case_no AS TEXT) AS subject_key,
  COALESCE(CAST(cause AS TEXT), '') || COALESCE(CAST(case_no AS TEXT), '') || '（' || COALESCE(CAST(closing AS TEXT), '') || '）：' || COALESCE(CAST(party_a_role AS TEXT), '') || COALESCE(CAST(party_a_name AS TEXT), '') || '与' || COALESCE(CAST(party_b_role AS TEXT), '') || COALESCE(CAST(party_b_name AS TEXT), '') || '在本案外关联（' || COALESCE(CAST(link AS TEXT), '') || '）' AS title,
  'high' AS severity,
  {'party_a_name': party_a_name, 'party_a_role': party_a_role, 'party_b_name': party_b_name, 'party_b_role': party_b_role, 'hops': hops, 'path': path, 'relation': relation, 'link': link, 'via_name': via_name, 'related_pairs': related_pairs, 'cause': cause, 'closing': closing, 'closing_date': closing_date, 'amount_claimed': amount_claimed, 'amount_awarded': amount_awarded} AS evidence,
  party_a_name AS party_a_name,
  party_a_role AS party_a_role,
  party_b_name AS party_b_name,
  party_b_role AS party_b_role,
  hops AS hops,
  path AS path,
  relation AS relation,
  link AS link,
  via_name AS via_name,
  related_pairs AS related_pairs,
  cause AS cause,
  closing AS closing,
  closing_date AS closing_date,
  amount_claimed AS amount_claimed,
  amount_awarded AS amount_awarded
FROM direct_link
UNION ALL
SELECT
  'shared_agent_or_two_hops' AS branch,
  'case' AS subject_type,
  CAST(case_no AS TEXT) AS subject_key,
  COALESCE(CAST(cause AS TEXT), '') || COALESCE(CAST(case_no AS TEXT), '') || '（' || COALESCE(CAST(closing AS TEXT), '') || '）：' || COALESCE(CAST(party_a_role AS TEXT), '') || COALESCE(CAST(party_a_name AS TEXT), '') || '与' || COALESCE(CAST(party_b_role AS TEXT), '') || COALESCE(CAST(party_b_name AS TEXT), '') || '在本案外关联（' || COALESCE(CAST(link AS TEXT), '') || '）' AS title,
  'medium' AS severity,
  {'party_a_name': party_a_name, 'party_a_role': party_a_role, 'party_b_name': party_b_name, 'party_b_role': party_b_role, 'hops': hops, 'path': path, 'relation': relation, 'link': link, 'via_name': via_name, 'related_pairs': related_pairs, 'cause': cause, 'closing': closing, 'closing_date': closing_date, 'amount_claimed': amount_claimed, 'amount_awarded': amount_awarded} AS evidence,
  party_a_name AS party_a_name,
  party_a_role AS party_a_role,
  party_b_name AS party_b_name,
  party_b_role AS party_b_role,
  hops AS hops,
  path AS path,
  relation AS relation,
  link AS link,
  via_name AS via_name,
  related_pairs AS related_pairs,
  cause AS cause,
  closing AS closing,
  closing_date AS closing_date,
  amount_claimed AS amount_claimed,
  amount_awarded AS amount_awarded
FROM shared_agent_or_two_hops
