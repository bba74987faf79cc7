WITH auctions AS (
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
), violations AS (
  SELECT
    violation_id,
    plate,
    violation_time,
    place,
    type,
    source_record_id
  FROM traffic_violation
), vehicle_auctions AS (
  SELECT
    t0.auction_id AS auction_id,
    t0.exec_case_no AS exec_case_no,
    t0.item_type AS item_type,
    t0.item_desc AS item_desc,
    t0.plate AS plate,
    t0.vin AS vin,
    t0.property_cert_no AS property_cert_no,
    t0.appraisal_price AS appraisal_price,
    t0.start_price AS start_price,
    t0.deal_price AS deal_price,
    t0.round AS round,
    t0.bidder_count AS bidder_count,
    t0.deal_date AS deal_date,
    t0.buyer_name AS buyer_name,
    t0.buyer_id_card AS buyer_id_card,
    t0.source_record_id AS source_record_id,
    COALESCE(t0.vin, t0.plate, t0.item_desc) AS item_key
  FROM auctions AS t0
  WHERE
    t0.item_type = 'vehicle'
), vehicle_sales AS (
  SELECT
    t0.auction_id AS auction_id,
    t0.exec_case_no AS exec_case_no,
    t0.item_type AS item_type,
    t0.item_desc AS item_desc,
    t0.plate AS plate,
    t0.vin AS vin,
    t0.property_cert_no AS property_cert_no,
    t0.appraisal_price AS appraisal_price,
    t0.start_price AS start_price,
    t0.deal_price AS deal_price,
    t0.round AS round,
    t0.bidder_count AS bidder_count,
    t0.deal_date AS deal_date,
    t0.buyer_name AS buyer_name,
    t0.buyer_id_card AS buyer_id_card,
    t0.source_record_id AS source_record_id,
    t0.item_key AS item_key
  FROM vehicle_auctions AS t0
  WHERE
    NOT t0.deal_date IS NULL AND t0.deal_date <= CAST('2024-06-30' AS DATE)
), transfers AS (
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
    ARRAY_CONTAINS(ARRAY('转移'), t0.event) AND NOT t0.event_date IS NULL
), sale_transfers AS (
  SELECT
    t0.auction_id AS auction_id,
    t0.exec_case_no AS exec_case_no,
    t0.item_desc AS item_desc,
    t0.plate AS plate,
    t0.vin AS vin,
    t0.appraisal_price AS appraisal_price,
    t0.start_price AS start_price,
    t0.deal_price AS deal_price,
    t0.round AS round,
    t0.deal_date AS deal_date,
    t0.buyer_name AS buyer_name,
    t0.buyer_id_card AS buyer_id_card,
    LEAST(MIN(t1.event_date), MIN(t2.event_date)) AS first_transfer
  FROM vehicle_sales AS t0
  LEFT JOIN transfers AS t1
    ON t0.plate = t1.plate
    AND (
      t1.event_date >= t0.deal_date AND t1.event_date <= CAST('2024-06-30' AS DATE)
    )
  LEFT JOIN transfers AS t2
    ON t0.vin = t2.vin
    AND (
      t2.event_date >= t0.deal_date AND t2.event_date <= CAST('2024-06-30' AS DATE)
    )
  GROUP BY
    t0.auction_id,
    t0.exec_case_no,
    t0.item_desc,
    t0.plate,
    t0.vin,
    t0.appraisal_price,
    t0.start_price,
    t0.deal_price,
    t0.round,
    t0.deal_date,
    t0.buyer_name,
    t0.buyer_id_card
), last_registration AS (
  SELECT
    t0.auction_id AS auction_id,
    MAX(t1.event_date) AS last_event_date
  FROM sale_transfers AS t0
  INNER JOIN registry AS t1
    ON t0.plate = t1.plate AND t1.event_date <= t0.deal_date
  GROUP BY
    t0.auction_id
), sold_vehicles AS (
  SELECT
    t0.auction_id AS auction_id,
    t0.exec_case_no AS exec_case_no,
    t0.item_desc AS item_desc,
    t0.plate AS plate,
    t0.vin AS vin,
    t0.appraisal_price AS appraisal_price,
    t0.start_price AS start_price,
    t0.deal_price AS deal_price,
    t0.round AS round,
    t0.deal_date AS deal_date,
    t0.buyer_name AS buyer_name,
    t0.buyer_id_card AS buyer_id_card,
    t0.first_transfer AS first_transfer,
    MAX(t2.owner_name) AS owner_name,
    MAX(t2.owner_id_card) AS owner_id_card,
    MAX(t2.owner_uscc) AS owner_uscc
  FROM sale_transfers AS t0
  INNER JOIN last_registration AS t1
    ON t0.auction_id = t1.auction_id
  INNER JOIN registry AS t2
    ON t0.plate = t2.plate AND t2.event_date = t1.last_event_date
  GROUP BY
    t0.auction_id,
    t0.exec_case_no,
    t0.item_desc,
    t0.plate,
    t0.vin,
    t0.appraisal_price,
    t0.start_price,
    t0.deal_price,
    t0.round,
    t0.deal_date,
    t0.buyer_name,
    t0.buyer_id_card,
    t0.first_transfer
), overdue AS (
  SELECT
    t0.auction_id AS auction_id,
    t0.exec_case_no AS exec_case_no,
    t0.item_desc AS item_desc,
    t0.plate AS plate,
    t0.vin AS vin,
    t0.appraisal_price AS appraisal_price,
    t0.start_price AS start_price,
    t0.deal_price AS deal_price,
    t0.round AS round,
    t0.deal_date AS deal_date,
    t0.buyer_name AS buyer_name,
    t0.buyer_id_card AS buyer_id_card,
    t0.first_transfer AS first_transfer,
    t0.owner_name AS owner_name,
    t0.owner_id_card AS owner_id_card,
    t0.owner_uscc AS owner_uscc,
    CAST(DATEDIFF(COALESCE(t0.first_transfer, CAST('2024-06-30' AS DATE)), t0.deal_date) AS BIGINT) AS days_unregistered
  FROM sold_vehicles AS t0
  WHERE
    CAST(DATEDIFF(CAST('2024-06-30' AS DATE), t0.deal_date) AS BIGINT) > 90
    AND (
      t0.first_transfer IS NULL
      OR CAST(DATEDIFF(t0.first_transfer, t0.deal_date) AS BIGINT) > 90
    )
), not_transferred AS (
  SELECT
    t0.auction_id AS auction_id,
    t0.exec_case_no AS exec_case_no,
    t0.item_desc AS item_desc,
    t0.plate AS plate,
    t0.vin AS vin,
    t0.appraisal_price AS appraisal_price,
    t0.start_price AS start_price,
    t0.deal_price AS deal_price,
    t0.round AS round,
    t0.deal_date AS deal_date,
    t0.buyer_name AS buyer_name,
    t0.buyer_id_card AS buyer_id_card,
    t0.first_transfer AS first_transfer,
    t0.owner_name AS owner_name,
    t0.owner_id_card AS owner_id_card,
    t0.owner_uscc AS owner_uscc,
    t0.days_unregistered AS days_unregistered,
    CASE
      WHEN t0.first_transfer IS NULL
      THEN '成交后' || CAST(t0.days_unregistered AS STRING) || '天仍登记在' || COALESCE(t0.owner_name, '原所有人') || '名下'
      ELSE '成交后' || CAST(t0.days_unregistered AS STRING) || '天才过户（' || CAST(t0.first_transfer AS STRING) || '）'
    END AS finding
  FROM overdue AS t0
  WHERE
    NOT EXISTS(
      SELECT
        1
      FROM registry AS t1
      WHERE
        t0.plate = t1.plate
        AND (
          (
            t1.event = '注销' OR t1.status = '注销'
          ) AND t1.event_date <= t0.deal_date
        )
    )
), used_while_unregistered AS (
  SELECT
    g.auction_id AS auction_id,
    g.exec_case_no AS exec_case_no,
    g.item_desc AS item_desc,
    g.plate AS plate,
    g.deal_date AS deal_date,
    g.deal_price AS deal_price,
    g.owner_name AS owner_name,
    g.buyer_name AS buyer_name,
    g.first_transfer AS first_transfer,
    g.days_unregistered AS days_unregistered,
    g.violations AS violations,
    g.last_violation AS last_violation,
    g.finding AS finding
  FROM (
    SELECT
      t0.auction_id AS auction_id,
      t0.exec_case_no AS exec_case_no,
      t0.item_desc AS item_desc,
      t0.plate AS plate,
      t0.deal_date AS deal_date,
      t0.deal_price AS deal_price,
      t0.owner_name AS owner_name,
      t0.buyer_name AS buyer_name,
      t0.first_transfer AS first_transfer,
      t0.days_unregistered AS days_unregistered,
      COUNT(DISTINCT t1.violation_id) AS violations,
      MAX(t1.violation_time) AS last_violation,
      '成交后未过户期间仍有交通违法' || CAST(COUNT(DISTINCT t1.violation_id) AS STRING) || '次，最近一次' || CAST(CAST(MAX(t1.violation_time) AS DATE) AS STRING) AS finding
    FROM overdue AS t0
    INNER JOIN violations AS t1
      ON t0.plate = t1.plate
      AND (
        CAST(t1.violation_time AS DATE) > t0.deal_date
        AND CAST(t1.violation_time AS DATE) <= CAST('2024-06-30' AS DATE)
        AND (
          t0.first_transfer IS NULL OR CAST(t1.violation_time AS DATE) < t0.first_transfer
        )
      )
    GROUP BY
      t0.auction_id,
      t0.exec_case_no,
      t0.item_desc,
      t0.plate,
      t0.deal_date,
      t0.deal_price,
      t0.owner_name,
      t0.buyer_name,
      t0.first_transfer,
      t0.days_unregistered
  ) AS g
  WHERE
    g.violations >= 2
), buyer_is_owner AS (
  SELECT
    t0.auction_id AS auction_id,
    t0.exec_case_no AS exec_case_no,
    t0.item_desc AS item_desc,
    t0.plate AS plate,
    t0.vin AS vin,
    t0.appraisal_price AS appraisal_price,
    t0.start_price AS start_price,
    t0.deal_price AS deal_price,
    t0.round AS round,
    t0.deal_date AS deal_date,
    t0.buyer_name AS buyer_name,
    t0.buyer_id_card AS buyer_id_card,
    t0.first_transfer AS first_transfer,
    t0.owner_name AS owner_name,
    t0.owner_id_card AS owner_id_card,
    t0.owner_uscc AS owner_uscc,
    '买受人' || COALESCE(t0.buyer_name, '') || '与成交时的登记所有人为同一人（身份证号相同）' AS finding
  FROM sold_vehicles AS t0
  WHERE
    NOT t0.buyer_id_card IS NULL AND t0.buyer_id_card = t0.owner_id_card
), low_first_start AS (
  SELECT
    t0.auction_id AS auction_id,
    t0.exec_case_no AS exec_case_no,
    t0.item_type AS item_type,
    t0.item_desc AS item_desc,
    t0.plate AS plate,
    t0.vin AS vin,
    t0.property_cert_no AS property_cert_no,
    t0.appraisal_price AS appraisal_price,
    t0.start_price AS start_price,
    t0.deal_price AS deal_price,
    t0.round AS round,
    t0.bidder_count AS bidder_count,
    t0.deal_date AS deal_date,
    t0.buyer_name AS buyer_name,
    t0.buyer_id_card AS buyer_id_card,
    t0.source_record_id AS source_record_id,
    t0.item_key AS item_key,
    '一拍起拍价' || CAST(t0.start_price AS STRING) || '元，仅为评估价' || CAST(t0.appraisal_price AS STRING) || '元的' || CAST(ROUND(CAST(t0.start_price * 100 AS DOUBLE) / CAST(t0.appraisal_price AS DOUBLE), 1) AS STRING) || '%' AS finding
  FROM vehicle_auctions AS t0
  WHERE
    t0.round = '一拍'
    AND t0.appraisal_price > 0
    AND t0.start_price < t0.appraisal_price * CAST('0.7' AS DECIMAL(18, 2))
), steep_cut AS (
  SELECT
    g.auction_id AS auction_id,
    g.exec_case_no AS exec_case_no,
    g.item_desc AS item_desc,
    g.plate AS plate,
    g.appraisal_price AS appraisal_price,
    g.start_price AS start_price,
    g.deal_date AS deal_date,
    g.deal_price AS deal_price,
    g.previous_start_price AS previous_start_price,
    g.finding AS finding
  FROM (
    SELECT
      t0.auction_id AS auction_id,
      t0.exec_case_no AS exec_case_no,
      t0.item_desc AS item_desc,
      t0.plate AS plate,
      t0.appraisal_price AS appraisal_price,
      t0.start_price AS start_price,
      t0.deal_date AS deal_date,
      t0.deal_price AS deal_price,
      MIN(t1.start_price) AS previous_start_price,
      '二拍起拍价' || CAST(MAX(t0.start_price) AS STRING) || '元，较一拍起拍价' || CAST(MIN(t1.start_price) AS STRING) || '元降低' || CAST(ROUND(
        CAST((
          MIN(t1.start_price) - MAX(t0.start_price)
        ) * 100 AS DOUBLE) / CAST(MIN(t1.start_price) AS DOUBLE),
        1
      ) AS STRING) || '%' AS finding
    FROM vehicle_auctions AS t0
    INNER JOIN vehicle_auctions AS t1
      ON t0.exec_case_no = t1.exec_case_no
      AND t0.item_key = t1.item_key
      AND (
        t1.round = '一拍' AND t1.start_price > 0
      )
    WHERE
      t0.round = '二拍' AND NOT t0.start_price IS NULL
    GROUP BY
      t0.auction_id,
      t0.exec_case_no,
      t0.item_desc,
      t0.plate,
      t0.appraisal_price,
      t0.start_price,
      t0.deal_date,
      t0.deal_price
  ) AS g
  WHERE
    g.start_price < g.previous_start_price * (
      1 - CAST('0.2' AS DECIMAL(18, 2))
    )
), scrapped_before_sale AS (
  SELECT
    t0.auction_id AS auction_id,
    t0.exec_case_no AS exec_case_no,
    t0.item_desc AS item_desc,
    t0.plate AS plate,
    t0.vin AS vin,
    t0.appraisal_price AS appraisal_price,
    t0.start_price AS start_price,
    t0.deal_price AS deal_price,
    t0.round AS round,
    t0.deal_date AS deal_date,
    t0.buyer_name AS buyer_name,
    t0.buyer_id_card AS buyer_id_card,
    t0.first_transfer AS first_transfer,
    t0.owner_name AS owner_name,
    t0.owner_id_card AS owner_id_card,
    t0.owner_uscc AS owner_uscc,
    '车辆在成交（' || CAST(t0.deal_date AS STRING) || '）前已注销，仍被拍卖' AS finding
  FROM sold_vehicles AS t0
  WHERE
    EXISTS(
      SELECT
        1
      FROM registry AS t1
      WHERE
        t0.plate = t1.plate
        AND (
          (
            t1.event = '注销' OR t1.status = '注销'
          ) AND t1.event_date <= t0.deal_date
        )
    )
)
SELECT
  'not_transferred' AS branch,
  'auction' AS subject_type,
  CAST(auction_id AS STRING) AS subject_key,
  CONCAT(
    '司法拍卖',
    COALESCE(CAST(auction_id AS STRING), ''),
    '（',
    COALESCE(CAST(plate AS STRING), ''),
    '）：',
    COALESCE(CAST(finding AS STRING), '')
  ) AS title,
  'medium' AS severity,
  STRUCT(
    exec_case_no AS exec_case_no,
    item_desc AS item_desc,
    plate AS plate,
    deal_date AS deal_date,
    deal_price AS deal_price,
    appraisal_price AS appraisal_price,
    start_price AS start_price,
    NULL AS previous_start_price,
    owner_name AS owner_name,
    buyer_name AS buyer_name,
    first_transfer AS first_transfer,
    days_unregistered AS days_unregistered,
    NULL AS violations,
    NULL AS last_violation,
    finding AS finding
  ) AS evidence,
  exec_case_no AS exec_case_no,
  item_desc AS item_desc,
  plate AS plate,
  deal_date AS deal_date,
  deal_price AS deal_price,
  appraisal_price AS appraisal_price,
  start_price AS start_price,
  NULL AS previous_start_price,
  owner_name AS owner_name,
  buyer_name AS buyer_name,
  first_transfer AS first_transfer,
  days_unregistered AS days_unregistered,
  NULL AS violations,
  NULL AS last_violation,
  finding AS finding
FROM not_transferred
UNION ALL
SELECT
  'still_used' AS branch,
  'auction' AS subject_type,
  CAST(auction_id AS STRING) AS subject_key,
  CONCAT(
    '司法拍卖',
    COALESCE(CAST(auction_id AS STRING), ''),
    '（',
    COALESCE(CAST(plate AS STRING), ''),
    '）：',
    COALESCE(CAST(finding AS STRING), '')
  ) AS title,
  'high' AS severity,
  STRUCT(
    exec_case_no AS exec_case_no,
    item_desc AS item_desc,
    plate AS plate,
    deal_date AS deal_date,
    deal_price AS deal_price,
    NULL AS appraisal_price,
    NULL AS start_price,
    NULL AS previous_start_price,
    owner_name AS owner_name,
    buyer_name AS buyer_name,
    first_transfer AS first_transfer,
    days_unregistered AS days_unregistered,
    violations AS violations,
    last_violation AS last_violation,
    finding AS finding
  ) AS evidence,
  exec_case_no AS exec_case_no,
  item_desc AS item_desc,
  plate AS plate,
  deal_date AS deal_date,
  deal_price AS deal_price,
  NULL AS appraisal_price,
  NULL AS start_price,
  NULL AS previous_start_price,
  owner_name AS owner_name,
  buyer_name AS buyer_name,
  first_transfer AS first_transfer,
  days_unregistered AS days_unregistered,
  violations AS violations,
  last_violation AS last_violation,
  finding AS finding
FROM used_while_unregistered
UNION ALL
SELECT
  'buyer_is_debtor' AS branch,
  'auction' AS subject_type,
  CAST(auction_id AS STRING) AS subject_key,
  CONCAT(
    '司法拍卖',
    COALESCE(CAST(auction_id AS STRING), ''),
    '（',
    COALESCE(CAST(plate AS STRING), ''),
    '）：',
    COALESCE(CAST(finding AS STRING), '')
  ) AS title,
  'high' AS severity,
  STRUCT(
    exec_case_no AS exec_case_no,
    item_desc AS item_desc,
    plate AS plate,
    deal_date AS deal_date,
    deal_price AS deal_price,
    appraisal_price AS appraisal_price,
    start_price AS start_price,
    NULL AS previous_start_price,
    owner_name AS owner_name,
    buyer_name AS buyer_name,
    first_transfer AS first_transfer,
    NULL AS days_unregistered,
    NULL AS violations,
    NULL AS last_violation,
    finding AS finding
  ) AS evidence,
  exec_case_no AS exec_case_no,
  item_desc AS item_desc,
  plate AS plate,
  deal_date AS deal_date,
  deal_price AS deal_price,
  appraisal_price AS appraisal_price,
  start_price AS start_price,
  NULL AS previous_start_price,
  owner_name AS owner_name,
  buyer_name AS buyer_name,
  first_transfer AS first_transfer,
  NULL AS days_unregistered,
  NULL AS violations,
  NULL AS last_violation,
  finding AS finding
FROM buyer_is_owner
UNION ALL
SELECT
  'low_start_price' AS branch,
  'auction' AS subject_type,
  CAST(auction_id AS STRING) AS subject_key,
  CONCAT(
    '司法拍卖',
    COALESCE(CAST(auction_id AS STRING), ''),
    '（',
    COALESCE(CAST(plate AS STRING), ''),
    '）：',
    COALESCE(CAST(finding AS STRING), '')
  ) AS title,
  'medium' AS severity,
  STRUCT(
    exec_case_no AS exec_case_no,
    item_desc AS item_desc,
    plate AS plate,
    deal_date AS deal_date,
    deal_price AS deal_price,
    appraisal_price AS appraisal_price,
    start_price AS start_price,
    NULL AS previous_start_price,
    NULL AS owner_name,
    buyer_name AS buyer_name,
    NULL AS first_transfer,
    NULL AS days_unregistered,
    NULL AS violations,
    NULL AS last_violation,
    finding AS finding
  ) AS evidence,
  exec_case_no AS exec_case_no,
  item_desc AS item_desc,
  plate AS plate,
  deal_date AS deal_date,
  deal_price AS deal_price,
  appraisal_price AS appraisal_price,
  start_price AS start_price,
  NULL AS previous_start_price,
  NULL AS owner_name,
  buyer_name AS buyer_name,
  NULL AS first_transfer,
  NULL AS days_unregistered,
  NULL AS violations,
  NULL AS last_violation,
  finding AS finding
FROM low_first_start
UNION ALL
SELECT
  'steep_round_cut' AS branch,
  'auction' AS subject_type,
  CAST(auction_id AS STRING) AS subject_key,
  CONCAT(
    '司法拍卖',
    COALESCE(CAST(auction_id AS STRING), ''),
    '（',
    COALESCE(CAST(plate AS STRING), ''),
    '）：',
    COALESCE(CAST(finding AS STRING), '')
  ) AS title,
  'medium' AS severity,
  STRUCT(
    exec_case_no AS exec_case_no,
    item_desc AS item_desc,
    plate AS plate,
    deal_date AS deal_date,
    deal_price AS deal_price,
    appraisal_price AS appraisal_price,
    start_price AS start_price,
    previous_start_price AS previous_start_price,
    NULL AS owner_name,
    NULL AS buyer_name,
    NULL AS first_transfer,
    NULL AS days_unregistered,
    NULL AS violations,
    NULL AS last_violation,
    finding AS finding
  ) AS evidence,
  exec_case_no AS exec_case_no,
  item_desc AS item_desc,
  plate AS plate,
  deal_date AS deal_date,
  deal_price AS deal_price,
  appraisal_price AS appraisal_price,
  start_price AS start_price,
  previous_start_price AS previous_start_price,
  NULL AS owner_name,
  NULL AS buyer_name,
  NULL AS first_transfer,
  NULL AS days_unregistered,
  NULL AS violations,
  NULL AS last_violation,
  finding AS finding
FROM steep_cut
UNION ALL
SELECT
  'scrapped_vehicle' AS branch,
  'auction' AS subject_type,
  CAST(auction_id AS STRING) AS subject_key,
  CONCAT(
    '司法拍卖',
    COALESCE(CAST(auction_id AS STRING), ''),
    '（',
    COALESCE(CAST(plate AS STRING), ''),
    '）：',
    COALESCE(CAST(finding AS STRING), '')
  ) AS title,
  'high' AS severity,
  STRUCT(
    exec_case_no AS exec_case_no,
    item_desc AS item_desc,
    plate AS plate,
    deal_date AS deal_date,
    deal_price AS deal_price,
    appraisal_price AS appraisal_price,
    start_price AS start_price,
    NULL AS previous_start_price,
    owner_name AS owner_name,
    buyer_name AS buyer_name,
    first_transfer AS first_transfer,
    NULL AS days_unregistered,
    NULL AS violations,
    NULL AS last_violation,
    finding AS finding
  ) AS evidence,
  exec_case_no AS exec_case_no,
  item_desc AS item_desc,
  plate AS plate,
  deal_date AS deal_date,
  deal_price AS deal_price,
  appraisal_price AS appraisal_price,
  start_price AS start_price,
  NULL AS previous_start_price,
  owner_name AS owner_name,
  buyer_name AS buyer_name,
  first_transfer AS first_transfer,
  NULL AS days_unregistered,
  NULL AS violations,
  NULL AS last_violation,
  finding AS finding
FROM scrapped_before_sale
