WITH reg AS (
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
), si AS (
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
), inv AS (
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
), insured_employers AS (
  SELECT
    t0.employer_uscc AS employer_uscc,
    COUNT(DISTINCT t0.id_card) AS staff
  FROM si AS t0
  WHERE
    NOT t0.employer_uscc IS NULL
    AND t0.month <= CAST('2024-06-30' AS DATE)
    AND CAST(DATEDIFF(CAST('2024-06-30' AS DATE), LAST_DAY(t0.month)) AS BIGINT) <= 365
  GROUP BY
    t0.employer_uscc
), invoicing_sellers AS (
  SELECT
    t0.seller_uscc AS seller_uscc,
    COUNT(DISTINCT COALESCE(t0.invoice_code, '') || '-' || t0.invoice_no) AS invoices,
    SUM(t0.amount) AS invoice_amount
  FROM inv AS t0
  WHERE
    NOT t0.seller_uscc IS NULL
    AND t0.issue_date <= CAST('2024-06-30' AS DATE)
    AND CAST(DATEDIFF(CAST('2024-06-30' AS DATE), t0.issue_date) AS BIGINT) <= 365
  GROUP BY
    t0.seller_uscc
), companies AS (
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
    t0.source_record_id AS source_record_id,
    t1.employer_uscc AS s_employer_uscc,
    t1.staff AS s_staff,
    t2.seller_uscc AS i_seller_uscc,
    t2.invoices AS i_invoices,
    t2.invoice_amount AS i_invoice_amount,
    t1.staff IS NULL AND NOT t2.invoices IS NULL AS is_shell
  FROM reg AS t0
  LEFT JOIN insured_employers AS t1
    ON t0.uscc = t1.employer_uscc
  LEFT JOIN invoicing_sellers AS t2
    ON t0.uscc = t2.seller_uscc
), by_address AS (
  SELECT
    g.reg_address AS reg_address,
    g.companies AS companies,
    g.shells AS shells,
    g.example_a AS example_a,
    g.example_b AS example_b,
    g.invoices AS invoices,
    g.invoice_amount AS invoice_amount,
    g.first_established AS first_established,
    g.last_established AS last_established
  FROM (
    SELECT
      t0.reg_address AS reg_address,
      COUNT(DISTINCT t0.uscc) AS companies,
      COUNT(DISTINCT CASE WHEN t0.is_shell THEN t0.uscc END) AS shells,
      MIN(CASE WHEN t0.is_shell THEN t0.name END) AS example_a,
      MAX(CASE WHEN t0.is_shell THEN t0.name END) AS example_b,
      SUM(CASE WHEN t0.is_shell THEN t0.i_invoices ELSE 0 END) AS invoices,
      SUM(CASE WHEN t0.is_shell THEN t0.i_invoice_amount ELSE 0 END) AS invoice_amount,
      MIN(CASE WHEN t0.is_shell THEN t0.established END) AS first_established,
      MAX(CASE WHEN t0.is_shell THEN t0.established END) AS last_established
    FROM companies AS t0
    WHERE
      NOT t0.reg_address IS NULL AND TRIM(t0.reg_address) <> ''
    GROUP BY
      t0.reg_address
  ) AS g
  WHERE
    g.shells >= 5 AND g.shells >= g.companies * CAST('0.5' AS DECIMAL(18, 2))
), shared_address AS (
  SELECT
    t0.reg_address AS reg_address,
    t0.companies AS companies,
    t0.shells AS shells,
    t0.example_a AS example_a,
    t0.example_b AS example_b,
    t0.invoices AS invoices,
    t0.invoice_amount AS invoice_amount,
    t0.first_established AS first_established,
    t0.last_established AS last_established,
    '住所' AS shared_kind,
    t0.reg_address AS shared_value
  FROM by_address AS t0
), by_phone AS (
  SELECT
    g.phone AS phone,
    g.companies AS companies,
    g.shells AS shells,
    g.example_a AS example_a,
    g.example_b AS example_b,
    g.invoices AS invoices,
    g.invoice_amount AS invoice_amount,
    g.first_established AS first_established,
    g.last_established AS last_established
  FROM (
    SELECT
      t0.phone AS phone,
      COUNT(DISTINCT t0.uscc) AS companies,
      COUNT(DISTINCT CASE WHEN t0.is_shell THEN t0.uscc END) AS shells,
      MIN(CASE WHEN t0.is_shell THEN t0.name END) AS example_a,
      MAX(CASE WHEN t0.is_shell THEN t0.name END) AS example_b,
      SUM(CASE WHEN t0.is_shell THEN t0.i_invoices ELSE 0 END) AS invoices,
      SUM(CASE WHEN t0.is_shell THEN t0.i_invoice_amount ELSE 0 END) AS invoice_amount,
      MIN(CASE WHEN t0.is_shell THEN t0.established END) AS first_established,
      MAX(CASE WHEN t0.is_shell THEN t0.established END) AS last_established
    FROM companies AS t0
    WHERE
      NOT t0.phone IS NULL AND TRIM(t0.phone) <> ''
    GROUP BY
      t0.phone
  ) AS g
  WHERE
    g.shells >= 5 AND g.shells >= g.companies * CAST('0.5' AS DECIMAL(18, 2))
), shared_phone AS (
  SELECT
    t0.phone AS phone,
    t0.companies AS companies,
    t0.shells AS shells,
    t0.example_a AS example_a,
    t0.example_b AS example_b,
    t0.invoices AS invoices,
    t0.invoice_amount AS invoice_amount,
    t0.first_established AS first_established,
    t0.last_established AS last_established,
    '联系电话' AS shared_kind,
    t0.phone AS shared_value
  FROM by_phone AS t0
), agents AS (
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
    t0.source_record_id AS source_record_id,
    t0.s_employer_uscc AS s_employer_uscc,
    t0.s_staff AS s_staff,
    t0.i_seller_uscc AS i_seller_uscc,
    t0.i_invoices AS i_invoices,
    t0.i_invoice_amount AS i_invoice_amount,
    t0.is_shell AS is_shell,
    t0.agent_name || COALESCE('（' || t0.agent_phone || '）', '') AS agent
  FROM companies AS t0
  WHERE
    NOT t0.agent_name IS NULL AND TRIM(t0.agent_name) <> ''
), by_agent AS (
  SELECT
    g.agent AS agent,
    g.companies AS companies,
    g.shells AS shells,
    g.example_a AS example_a,
    g.example_b AS example_b,
    g.invoices AS invoices,
    g.invoice_amount AS invoice_amount,
    g.first_established AS first_established,
    g.last_established AS last_established
  FROM (
    SELECT
      t0.agent AS agent,
      COUNT(DISTINCT t0.uscc) AS companies,
      COUNT(DISTINCT CASE WHEN t0.is_shell THEN t0.uscc END) AS shells,
      MIN(CASE WHEN t0.is_shell THEN t0.name END) AS example_a,
      MAX(CASE WHEN t0.is_shell THEN t0.name END) AS example_b,
      SUM(CASE WHEN t0.is_shell THEN t0.i_invoices ELSE 0 END) AS invoices,
      SUM(CASE WHEN t0.is_shell THEN t0.i_invoice_amount ELSE 0 END) AS invoice_amount,
      MIN(CASE WHEN t0.is_shell THEN t0.established END) AS first_established,
      MAX(CASE WHEN t0.is_shell THEN t0.established END) AS last_established
    FROM agents AS t0
    GROUP BY
      t0.agent
  ) AS g
  WHERE
    g.shells >= 5 AND g.shells >= g.companies * CAST('0.5' AS DECIMAL(18, 2))
), shared_agent AS (
  SELECT
    t0.agent AS agent,
    t0.companies AS companies,
    t0.shells AS shells,
    t0.example_a AS example_a,
    t0.example_b AS example_b,
    t0.invoices AS invoices,
    t0.invoice_amount AS invoice_amount,
    t0.first_established AS first_established,
    t0.last_established AS last_established,
    '登记代理人' AS shared_kind,
    t0.agent AS shared_value
  FROM by_agent AS t0
)
SELECT
  'shared_address' AS branch,
  'group' AS subject_type,
  CAST(shared_kind || '：' || shared_value AS STRING) AS subject_key,
  CONCAT(
    COALESCE(CAST(shared_kind AS STRING), ''),
    '“',
    COALESCE(CAST(shared_value AS STRING), ''),
    '”名下',
    COALESCE(CAST(shells AS STRING), ''),
    '家企业无人参保却开具发票（共',
    COALESCE(CAST(companies AS STRING), ''),
    '家企业）'
  ) AS title,
  'high' AS severity,
  STRUCT(
    shared_kind AS shared_kind,
    shared_value AS shared_value,
    companies AS companies,
    shells AS shells,
    example_a AS example_a,
    example_b AS example_b,
    invoices AS invoices,
    invoice_amount AS invoice_amount,
    first_established AS first_established,
    last_established AS last_established
  ) AS evidence,
  shared_kind AS shared_kind,
  shared_value AS shared_value,
  companies AS companies,
  shells AS shells,
  example_a AS example_a,
  example_b AS example_b,
  invoices AS invoices,
  invoice_amount AS invoice_amount,
  first_established AS first_established,
  last_established AS last_established
FROM shared_address
UNION ALL
SELECT
  'shared_phone' AS branch,
  'group' AS subject_type,
  CAST(shared_kind || '：' || shared_value AS STRING) AS subject_key,
  CONCAT(
    COALESCE(CAST(shared_kind AS STRING), ''),
    '“',
    COALESCE(CAST(shared_value AS STRING), ''),
    '”名下',
    COALESCE(CAST(shells AS STRING), ''),
    '家企业无人参保却开具发票（共',
    COALESCE(CAST(companies AS STRING), ''),
    '家企业）'
  ) AS title,
  'high' AS severity,
  STRUCT(
    shared_kind AS shared_kind,
    shared_value AS shared_value,
    companies AS companies,
    shells AS shells,
    example_a AS example_a,
    example_b AS example_b,
    invoices AS invoices,
    invoice_amount AS invoice_amount,
    first_established AS first_established,
    last_established AS last_established
  ) AS evidence,
  shared_kind AS shared_kind,
  shared_value AS shared_value,
  companies AS companies,
  shells AS shells,
  example_a AS example_a,
  example_b AS example_b,
  invoices AS invoices,
  invoice_amount AS invoice_amount,
  first_established AS first_established,
  last_established AS last_established
FROM shared_phone
UNION ALL
SELECT
  'shared_agent' AS branch,
  'group' AS subject_type,
  CAST(shared_kind || '：' || shared_value AS STRING) AS subject_key,
  CONCAT(
    COALESCE(CAST(shared_kind AS STRING), ''),
    '“',
    COALESCE(CAST(shared_value AS STRING), ''),
    '”名下',
    COALESCE(CAST(shells AS STRING), ''),
    '家企业无人参保却开具发票（共',
    COALESCE(CAST(companies AS STRING), ''),
    '家企业）'
  ) AS title,
  'high' AS severity,
  STRUCT(
    shared_kind AS shared_kind,
    shared_value AS shared_value,
    companies AS companies,
    shells AS shells,
    example_a AS example_a,
    example_b AS example_b,
    invoices AS invoices,
    invoice_amount AS invoice_amount,
    first_established AS first_established,
    last_established AS last_established
  ) AS evidence,
  shared_kind AS shared_kind,
  shared_value AS shared_value,
  companies AS companies,
  shells AS shells,
  example_a AS example_a,
  example_b AS example_b,
  invoices AS invoices,
  invoice_amount AS invoice_amount,
  first_established AS first_established,
  last_established AS last_established
FROM shared_agent
