"""Dataset types: the data exchange standard (数据回流标准) as validated data.

A dataset type names the fields an agency file carries, their semantic types, labels,
header synonyms and PII classes. Built-in types ship as YAML in `types/`; users add their
own under JIANDU_HOME/types. `mapping` maps a source file's headers onto a type.
"""
