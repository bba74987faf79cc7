WITH inv AS (
  SELECT
    invoice_code,
    invoice_no,
    seller_uscc,
    seller_name,
    buyer_uscc,
    buyer_name,
    goods_name,
    tax_code,
    quantity,
    unit,
    amount,
    tax,
    issue_date,
    source_record_id
  FROM tax_invoice
), reg AS (
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
), veh AS (
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
), recent_lines AS (
  SELECT
    t0.invoice_code AS invoice_code,
    t0.invoice_no AS invoice_no,
    t0.seller_uscc AS seller_uscc,
    t0.seller_name AS seller_name,
    t0.buyer_uscc AS buyer_uscc,
    t0.buyer_name AS buyer_name,
    t0.goods_name AS goods_name,
    t0.tax_code AS tax_code,
    t0.quantity AS quantity,
    t0.unit AS unit,
    t0.amount AS amount,
    t0.tax AS tax,
    t0.issue_date AS issue_date,
    t0.source_record_id AS source_record_id,
    COALESCE(ARRAY_CONTAINS(ARRAY('1070101'), SUBSTRING(t0.tax_code, 1, 7)), FALSE) AS fuel_code,
    STARTSWITH(COALESCE(t0.tax_code, ''), '1') AS goods_code,
    (
      CONTAINS(COALESCE(t0.goods_name, ''), '混合芳烃')
      OR CONTAINS(COALESCE(t0.goods_name, ''), '重芳烃')
      OR CONTAINS(COALESCE(t0.goods_name, ''), '轻循环油')
      OR CONTAINS(COALESCE(t0.goods_name, ''), '催化柴油')
      OR CONTAINS(COALESCE(t0.goods_name, ''), '稳定轻烃')
      OR CONTAINS(COALESCE(t0.goods_name, ''), '轻烃')
      OR CONTAINS(COALESCE(t0.goods_name, ''), '石脑油')
      OR CONTAINS(COALESCE(t0.goods_name, ''), '轻质油')
      OR CONTAINS(COALESCE(t0.goods_name, ''), '燃料油')
      OR CONTAINS(COALESCE(t0.goods_name, ''), '溶剂油')
      OR CONTAINS(COALESCE(t0.goods_name, ''), '调和油')
      OR CONTAINS(COALESCE(t0.goods_name, ''), '油浆')
      OR CONTAINS(COALESCE(t0.goods_name, ''), '碳九')
      OR CONTAINS(COALESCE(t0.goods_name, ''), '碳十')
      OR CONTAINS(COALESCE(t0.goods_name, ''), '转化油')
    )
    AND NOT (
      CONTAINS(COALESCE(t0.goods_name, ''), '食用')
      OR CONTAINS(COALESCE(t0.goods_name, ''), '润滑')
    ) AS chemical_name,
    (
      CONTAINS(COALESCE(t0.goods_name, ''), '汽油')
      OR CONTAINS(COALESCE(t0.goods_name, ''), '柴油')
    ) AS fuel_name
  FROM inv AS t0
  WHERE
    t0.issue_date <= CAST('2024-06-30' AS DATE)
    AND CAST(DATEDIFF(CAST('2024-06-30' AS DATE), t0.issue_date) AS BIGINT) <= 365
), oil_lines AS (
  SELECT
    t0.invoice_code AS invoice_code,
    t0.invoice_no AS invoice_no,
    t0.seller_uscc AS seller_uscc,
    t0.seller_name AS seller_name,
    t0.buyer_uscc AS buyer_uscc,
    t0.buyer_name AS buyer_name,
    t0.goods_name AS goods_name,
    t0.tax_code AS tax_code,
    t0.quantity AS quantity,
    t0.unit AS unit,
    t0.amount AS amount,
    t0.tax AS tax,
    t0.issue_date AS issue_date,
    t0.source_record_id AS source_record_id,
    t0.fuel_code AS fuel_code,
    t0.goods_code AS goods_code,
    t0.chemical_name AS chemical_name,
    t0.fuel_name AS fuel_name,
    t0.fuel_code
    OR (
      t0.tax_code IS NULL
      AND t0.fuel_name
      AND NOT t0.chemical_name
      AND NOT CONTAINS(COALESCE(t0.goods_name, ''), '非成品油')
    ) AS is_fuel,
    NOT t0.fuel_code AND (
      t0.chemical_name OR t0.fuel_name
    ) AS is_untaxed_oil,
    NOT t0.fuel_code
    AND t0.fuel_name
    AND (
      NOT t0.tax_code IS NULL OR CONTAINS(COALESCE(t0.goods_name, ''), '非成品油')
    ) AS is_disguised_fuel,
    t0.goods_code AND NOT t0.fuel_code AS is_goods_sale
  FROM recent_lines AS t0
), big_buyers AS (
  SELECT
    g.buyer_uscc AS buyer_uscc,
    g.buyer_name AS buyer_name,
    g.oil_bought AS oil_bought,
    g.goods_bought AS goods_bought,
    g.fuel_bought AS fuel_bought
  FROM (
    SELECT
      t0.buyer_uscc AS buyer_uscc,
      MAX(t0.buyer_name) AS buyer_name,
      SUM(CASE WHEN t0.is_untaxed_oil THEN t0.amount ELSE 0 END) AS oil_bought,
      MAX(CASE WHEN t0.is_untaxed_oil THEN t0.goods_name END) AS goods_bought,
      SUM(CASE WHEN t0.is_fuel THEN t0.amount ELSE 0 END) AS fuel_bought
    FROM oil_lines AS t0
    WHERE
      NOT t0.buyer_uscc IS NULL
    GROUP BY
      t0.buyer_uscc
  ) AS g
  WHERE
    g.oil_bought >= CAST('1000000' AS DECIMAL(18, 2))
), fuel_sellers AS (
  SELECT
    t0.seller_uscc AS seller_uscc,
    SUM(t0.amount) AS fuel_sold,
    MAX(t0.goods_name) AS goods_sold,
    COUNT(DISTINCT COALESCE(t0.buyer_uscc, t0.buyer_name)) AS fuel_customers
  FROM oil_lines AS t0
  WHERE
    t0.is_fuel AND NOT t0.seller_uscc IS NULL
  GROUP BY
    t0.seller_uscc
), fuel_from_chemicals AS (
  SELECT
    g.uscc AS uscc,
    g.company AS company,
    g.finding AS finding,
    g.oil_bought AS oil_bought,
    g.goods_bought AS goods_bought,
    g.fuel_bought AS fuel_bought,
    g.suspect_sales AS suspect_sales,
    g.s_goods_sold AS s_goods_sold,
    g.counterparties AS counterparties
  FROM (
    SELECT
      t0.buyer_uscc AS buyer_uscc,
      t0.buyer_name AS buyer_name,
      t0.oil_bought AS oil_bought,
      t0.goods_bought AS goods_bought,
      t0.fuel_bought AS fuel_bought,
      t1.seller_uscc AS s_seller_uscc,
      t1.fuel_sold AS s_fuel_sold,
      t1.goods_sold AS s_goods_sold,
      t1.fuel_customers AS s_fuel_customers,
      t2.uscc AS r_uscc,
      t2.name AS r_name,
      t2.legal_rep_name AS r_legal_rep_name,
      t2.legal_rep_id_card AS r_legal_rep_id_card,
      t2.reg_address AS r_reg_address,
      t2.phone AS r_phone,
      t2.reg_capital AS r_reg_capital,
      t2.established AS r_established,
      t2.status AS r_status,
      t2.agent_name AS r_agent_name,
      t2.agent_phone AS r_agent_phone,
      t2.source_record_id AS r_source_record_id,
      t0.buyer_uscc AS uscc,
      COALESCE(t2.name, t0.buyer_name) AS company,
      t1.fuel_sold AS suspect_sales,
      t1.fuel_customers AS counterparties,
      CONCAT(
        '购进',
        COALESCE(t0.goods_bought, ''),
        '等类油化工品',
        COALESCE(CAST(t0.oil_bought AS STRING), ''),
        '元，购进成品油仅',
        COALESCE(CAST(t0.fuel_bought AS STRING), ''),
        '元，却销出',
        COALESCE(t1.goods_sold, ''),
        '等成品油',
        COALESCE(CAST(t1.fuel_sold AS STRING), ''),
        '元'
      ) AS finding
    FROM big_buyers AS t0
    INNER JOIN fuel_sellers AS t1
      ON t0.buyer_uscc = t1.seller_uscc
    LEFT JOIN reg AS t2
      ON t0.buyer_uscc = t2.uscc
    WHERE
      t1.fuel_sold >= CAST('500000' AS DECIMAL(18, 2))
      AND t0.fuel_bought <= t1.fuel_sold * CAST('0.5' AS DECIMAL(18, 2))
  ) AS g
), sales_to_fuel_users AS (
  SELECT
    g.seller_uscc AS seller_uscc,
    g.sold_to_users AS sold_to_users,
    g.users AS users,
    g.example_user AS example_user,
    g.goods_to_users AS goods_to_users
  FROM (
    SELECT
      t0.seller_uscc AS seller_uscc,
      SUM(t0.amount) AS sold_to_users,
      COUNT(DISTINCT COALESCE(t0.buyer_uscc, t0.buyer_name)) AS users,
      MAX(COALESCE(t1.name, t0.buyer_name)) AS example_user,
      MAX(t0.goods_name) AS goods_to_users
    FROM oil_lines AS t0
    LEFT JOIN reg AS t1
      ON t0.buyer_uscc = t1.uscc
    WHERE
      t0.is_untaxed_oil
      AND NOT t0.seller_uscc IS NULL
      AND (
        CONTAINS(COALESCE(t1.name, t0.buyer_name, ''), '加油')
        OR CONTAINS(COALESCE(t1.name, t0.buyer_name, ''), '油品')
        OR CONTAINS(COALESCE(t1.name, t0.buyer_name, ''), '石油销售')
        OR CONTAINS(COALESCE(t1.name, t0.buyer_name, ''), '物流')
        OR CONTAINS(COALESCE(t1.name, t0.buyer_name, ''), '运输')
        OR CONTAINS(COALESCE(t1.name, t0.buyer_name, ''), '货运')
        OR CONTAINS(COALESCE(t1.name, t0.buyer_name, ''), '车队')
      )
    GROUP BY
      t0.seller_uscc
  ) AS g
  WHERE
    g.sold_to_users >= CAST('500000' AS DECIMAL(18, 2))
), chemicals_to_fuel_users AS (
  SELECT
    g.uscc AS uscc,
    g.company AS company,
    g.finding AS finding,
    g.oil_bought AS oil_bought,
    g.goods_bought AS goods_bought,
    g.suspect_sales AS suspect_sales,
    g.counterparties AS counterparties,
    g.example_user AS example_user
  FROM (
    SELECT
      t0.seller_uscc AS seller_uscc,
      t0.sold_to_users AS sold_to_users,
      t0.users AS users,
      t0.example_user AS example_user,
      t0.goods_to_users AS goods_to_users,
      t1.buyer_uscc AS p_buyer_uscc,
      t1.buyer_name AS p_buyer_name,
      t1.oil_bought AS p_oil_bought,
      t1.goods_bought AS p_goods_bought,
      t1.fuel_bought AS p_fuel_bought,
      t2.uscc AS r_uscc,
      t2.name AS r_name,
      t2.legal_rep_name AS r_legal_rep_name,
      t2.legal_rep_id_card AS r_legal_rep_id_card,
      t2.reg_address AS r_reg_address,
      t2.phone AS r_phone,
      t2.reg_capital AS r_reg_capital,
      t2.established AS r_established,
      t2.status AS r_status,
      t2.agent_name AS r_agent_name,
      t2.agent_phone AS r_agent_phone,
      t2.source_record_id AS r_source_record_id,
      t0.seller_uscc AS uscc,
      COALESCE(t2.name, t1.buyer_name) AS company,
      t1.oil_bought AS oil_bought,
      t1.goods_bought AS goods_bought,
      t0.sold_to_users AS suspect_sales,
      t0.users AS counterparties,
      CONCAT(
        '购进',
        COALESCE(t1.goods_bought, ''),
        '等类油化工品',
        COALESCE(CAST(t1.oil_bought AS STRING), ''),
        '元，向',
        COALESCE(t0.example_user, ''),
        '等',
        COALESCE(CAST(t0.users AS STRING), ''),
        '家加油站、物流运输企业销售',
        COALESCE(t0.goods_to_users, ''),
        '等',
        COALESCE(CAST(t0.sold_to_users AS STRING), ''),
        '元'
      ) AS finding
    FROM sales_to_fuel_users AS t0
    INNER JOIN big_buyers AS t1
      ON t0.seller_uscc = t1.buyer_uscc
    LEFT JOIN reg AS t2
      ON t0.seller_uscc = t2.uscc
  ) AS g
), disguised_fuel AS (
  SELECT
    g.seller_uscc AS seller_uscc,
    g.company AS company,
    g.disguised_sold AS disguised_sold,
    g.disguised_goods AS disguised_goods,
    g.example_code AS example_code,
    g.customers AS customers
  FROM (
    SELECT
      t0.seller_uscc AS seller_uscc,
      MAX(COALESCE(t1.name, t0.seller_name)) AS company,
      SUM(t0.amount) AS disguised_sold,
      MAX(t0.goods_name) AS disguised_goods,
      MAX(t0.tax_code) AS example_code,
      COUNT(DISTINCT COALESCE(t0.buyer_uscc, t0.buyer_name)) AS customers
    FROM oil_lines AS t0
    LEFT JOIN reg AS t1
      ON t0.seller_uscc = t1.uscc
    WHERE
      t0.is_disguised_fuel AND NOT t0.seller_uscc IS NULL
    GROUP BY
      t0.seller_uscc
  ) AS g
  WHERE
    g.disguised_sold >= CAST('100000' AS DECIMAL(18, 2))
), disguised_fuel_sellers AS (
  SELECT
    g.uscc AS uscc,
    g.company AS company,
    g.finding AS finding,
    g.suspect_sales AS suspect_sales,
    g.counterparties AS counterparties,
    g.disguised_goods AS disguised_goods,
    g.example_code AS example_code
  FROM (
    SELECT
      t0.seller_uscc AS seller_uscc,
      t0.company AS company,
      t0.disguised_sold AS disguised_sold,
      t0.disguised_goods AS disguised_goods,
      t0.example_code AS example_code,
      t0.customers AS customers,
      t0.seller_uscc AS uscc,
      t0.disguised_sold AS suspect_sales,
      t0.customers AS counterparties,
      CONCAT(
        '以非成品油税收分类编码（',
        COALESCE(COALESCE(t0.example_code, '无'), ''),
        '）开具',
        COALESCE(t0.disguised_goods, ''),
        '等燃料品名发票',
        COALESCE(CAST(t0.disguised_sold AS STRING), ''),
        '元'
      ) AS finding
    FROM disguised_fuel AS t0
  ) AS g
), owned_vehicles AS (
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
  FROM veh AS t0
  WHERE
    NOT EXISTS(
      SELECT
        1
      FROM veh AS t1
      WHERE
        t0.plate = t1.plate
        AND (
          t1.event_date > t0.event_date
          AND (
            t1.event = '注销' OR COALESCE(t1.owner_uscc, '') <> t0.owner_uscc
          )
        )
    )
    AND (
      NOT t0.owner_uscc IS NULL
      AND t0.event IN ('注册', '转移')
      AND t0.event_date <= CAST('2024-06-30' AS DATE)
      AND COALESCE(t0.status, '正常') <> '注销'
    )
), fleets AS (
  SELECT
    g.owner_uscc AS owner_uscc,
    g.vehicles AS vehicles
  FROM (
    SELECT
      t0.owner_uscc AS owner_uscc,
      COUNT(DISTINCT t0.plate) AS vehicles
    FROM owned_vehicles AS t0
    GROUP BY
      t0.owner_uscc
  ) AS g
  WHERE
    g.vehicles >= 3
), goods_sellers AS (
  SELECT
    t0.seller_uscc AS seller_uscc,
    COUNT(*) AS goods_lines
  FROM oil_lines AS t0
  WHERE
    t0.is_goods_sale AND NOT t0.seller_uscc IS NULL
  GROUP BY
    t0.seller_uscc
), sales_to_fleets AS (
  SELECT
    g.seller_uscc AS seller_uscc,
    g.sold_to_fleets AS sold_to_fleets,
    g.fleet_buyers AS fleet_buyers,
    g.example_fleet AS example_fleet,
    g.fleet_vehicles AS fleet_vehicles
  FROM (
    SELECT
      t0.seller_uscc AS seller_uscc,
      SUM(t0.amount) AS sold_to_fleets,
      COUNT(DISTINCT t0.buyer_uscc) AS fleet_buyers,
      MAX(t0.buyer_name) AS example_fleet,
      MAX(t1.vehicles) AS fleet_vehicles
    FROM oil_lines AS t0
    INNER JOIN fleets AS t1
      ON t0.buyer_uscc = t1.owner_uscc
    WHERE
      NOT EXISTS(
        SELECT
          1
        FROM goods_sellers AS t2
        WHERE
          t0.buyer_uscc = t2.seller_uscc
      )
      AND (
        t0.is_untaxed_oil AND NOT t0.seller_uscc IS NULL
      )
    GROUP BY
      t0.seller_uscc
  ) AS g
  WHERE
    g.sold_to_fleets >= CAST('300000' AS DECIMAL(18, 2))
), chemicals_to_fleets AS (
  SELECT
    g.uscc AS uscc,
    g.company AS company,
    g.finding AS finding,
    g.oil_bought AS oil_bought,
    g.goods_bought AS goods_bought,
    g.suspect_sales AS suspect_sales,
    g.counterparties AS counterparties,
    g.example_fleet AS example_fleet,
    g.fleet_vehicles AS fleet_vehicles
  FROM (
    SELECT
      t0.seller_uscc AS seller_uscc,
      t0.sold_to_fleets AS sold_to_fleets,
      t0.fleet_buyers AS fleet_buyers,
      t0.example_fleet AS example_fleet,
      t0.fleet_vehicles AS fleet_vehicles,
      t1.buyer_uscc AS p_buyer_uscc,
      t1.buyer_name AS p_buyer_name,
      t1.oil_bought AS p_oil_bought,
      t1.goods_bought AS p_goods_bought,
      t1.fuel_bought AS p_fuel_bought,
      t2.uscc AS r_uscc,
      t2.name AS r_name,
      t2.legal_rep_name AS r_legal_rep_name,
      t2.legal_rep_id_card AS r_legal_rep_id_card,
      t2.reg_address AS r_reg_address,
      t2.phone AS r_phone,
      t2.reg_capital AS r_reg_capital,
      t2.established AS r_established,
      t2.status AS r_status,
      t2.agent_name AS r_agent_name,
      t2.agent_phone AS r_agent_phone,
      t2.source_record_id AS r_source_record_id,
      t0.seller_uscc AS uscc,
      COALESCE(t2.name, t1.buyer_name) AS company,
      t1.oil_bought AS oil_bought,
      t1.goods_bought AS goods_bought,
      t0.sold_to_fleets AS suspect_sales,
      t0.fleet_buyers AS counterparties,
      CONCAT(
        '购进',
        COALESCE(t1.goods_bought, ''),
        '等类油化工品',
        COALESCE(CAST(t1.oil_bought AS STRING), ''),
        '元，向',
        COALESCE(t0.example_fleet, ''),
        '等',
        COALESCE(CAST(t0.fleet_buyers AS STRING), ''),
        '家有车辆（最多',
        COALESCE(CAST(t0.fleet_vehicles AS STRING), ''),
        '辆）且不销售货物的企业销售',
        COALESCE(CAST(t0.sold_to_fleets AS STRING), ''),
        '元'
      ) AS finding
    FROM sales_to_fleets AS t0
    INNER JOIN big_buyers AS t1
      ON t0.seller_uscc = t1.buyer_uscc
    LEFT JOIN reg AS t2
      ON t0.seller_uscc = t2.uscc
  ) AS g
)
SELECT
  'fuel_from_chemicals' AS branch,
  'org' AS subject_type,
  CAST(uscc AS STRING) AS subject_key,
  CONCAT(COALESCE(CAST(company AS STRING), ''), '：', COALESCE(CAST(finding AS STRING), '')) AS title,
  'high' AS severity,
  STRUCT(
    company AS company,
    oil_bought AS oil_bought,
    goods_bought AS goods_bought,
    fuel_bought AS fuel_bought,
    suspect_sales AS suspect_sales,
    s_goods_sold AS s_goods_sold,
    counterparties AS counterparties,
    NULL AS example_user,
    NULL AS example_fleet,
    NULL AS fleet_vehicles,
    NULL AS disguised_goods,
    NULL AS example_code
  ) AS evidence,
  company AS company,
  oil_bought AS oil_bought,
  goods_bought AS goods_bought,
  fuel_bought AS fuel_bought,
  suspect_sales AS suspect_sales,
  s_goods_sold AS s_goods_sold,
  counterparties AS counterparties,
  NULL AS example_user,
  NULL AS example_fleet,
  NULL AS fleet_vehicles,
  NULL AS disguised_goods,
  NULL AS example_code
FROM fuel_from_chemicals
UNION ALL
SELECT
  'sold_to_fuel_users' AS branch,
  'org' AS subject_type,
  CAST(uscc AS STRING) AS subject_key,
  CONCAT(COALESCE(CAST(company AS STRING), ''), '：', COALESCE(CAST(finding AS STRING), '')) AS title,
  'high' AS severity,
  STRUCT(
    company AS company,
    oil_bought AS oil_bought,
    goods_bought AS goods_bought,
    NULL AS fuel_bought,
    suspect_sales AS suspect_sales,
    NULL AS s_goods_sold,
    counterparties AS counterparties,
    example_user AS example_user,
    NULL AS example_fleet,
    NULL AS fleet_vehicles,
    NULL AS disguised_goods,
    NULL AS example_code
  ) AS evidence,
  company AS company,
  oil_bought AS oil_bought,
  goods_bought AS goods_bought,
  NULL AS fuel_bought,
  suspect_sales AS suspect_sales,
  NULL AS s_goods_sold,
  counterparties AS counterparties,
  example_user AS example_user,
  NULL AS example_fleet,
  NULL AS fleet_vehicles,
  NULL AS disguised_goods,
  NULL AS example_code
FROM chemicals_to_fuel_users
UNION ALL
SELECT
  'disguised_fuel_code' AS branch,
  'org' AS subject_type,
  CAST(uscc AS STRING) AS subject_key,
  CONCAT(COALESCE(CAST(company AS STRING), ''), '：', COALESCE(CAST(finding AS STRING), '')) AS title,
  'high' AS severity,
  STRUCT(
    company AS company,
    NULL AS oil_bought,
    NULL AS goods_bought,
    NULL AS fuel_bought,
    suspect_sales AS suspect_sales,
    NULL AS s_goods_sold,
    counterparties AS counterparties,
    NULL AS example_user,
    NULL AS example_fleet,
    NULL AS fleet_vehicles,
    disguised_goods AS disguised_goods,
    example_code AS example_code
  ) AS evidence,
  company AS company,
  NULL AS oil_bought,
  NULL AS goods_bought,
  NULL AS fuel_bought,
  suspect_sales AS suspect_sales,
  NULL AS s_goods_sold,
  counterparties AS counterparties,
  NULL AS example_user,
  NULL AS example_fleet,
  NULL AS fleet_vehicles,
  disguised_goods AS disguised_goods,
  example_code AS example_code
FROM disguised_fuel_sellers
UNION ALL
SELECT
  'sold_to_vehicle_owners' AS branch,
  'org' AS subject_type,
  CAST(uscc AS STRING) AS subject_key,
  CONCAT(COALESCE(CAST(company AS STRING), ''), '：', COALESCE(CAST(finding AS STRING), '')) AS title,
  'medium' AS severity,
  STRUCT(
    company AS company,
    oil_bought AS oil_bought,
    goods_bought AS goods_bought,
    NULL AS fuel_bought,
    suspect_sales AS suspect_sales,
    NULL AS s_goods_sold,
    counterparties AS counterparties,
    NULL AS example_user,
    example_fleet AS example_fleet,
    fleet_vehicles AS fleet_vehicles,
    NULL AS disguised_goods,
    NULL AS example_code
  ) AS evidence,
  company AS company,
  oil_bought AS oil_bought,
  goods_bought AS goods_bought,
  NULL AS fuel_bought,
  suspect_sales AS suspect_sales,
  NULL AS s_goods_sold,
  counterparties AS counterparties,
  NULL AS example_user,
  example_fleet AS example_fleet,
  fleet_vehicles AS fleet_vehicles,
  NULL AS disguised_goods,
  NULL AS example_code
FROM chemicals_to_fleets
