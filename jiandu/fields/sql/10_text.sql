-- text and enum (scalar twins: jiandu/fields/text.py).

-- Free text keeps every inner character; only the contract whitespace at the ends goes.
CREATE OR REPLACE MACRO jd_text_clean(x) AS jd_trim(x);
CREATE OR REPLACE MACRO jd_text_error(x) AS CAST(NULL AS VARCHAR);

-- Enumerations: trimmed half-width text; the pipeline compiles the allowed-values check.
CREATE OR REPLACE MACRO jd_enum_clean(x) AS jd_trim(jd_halfwidth(x));
CREATE OR REPLACE MACRO jd_enum_error(x) AS CAST(NULL AS VARCHAR);
