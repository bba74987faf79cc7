"""Supervision cases (issue 5): confirmed clues become cases of a type (检察建议, 抗诉 …),
documents are generated from templates (.docx), replies are tracked against deadlines,
and outcomes flow back to the models that found the clues.

- `types`: case types, reply periods, document templates (pure);
- `documents`: rendering a document to .docx bytes (pure);
- `service`: create, document, reply, close, list, overdue (store + audit);
- `outcomes`: per-model precision, cases and documents;
- `export`: cases to JSONL/CSV/XLSX.
"""
