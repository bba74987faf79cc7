"""The text room: judgments (裁判文书) as data, full-text search and near-duplicates.

Issue #8. Reading judgment files, the rule-based parser, the search index and the
near-duplicate groups live in the modules of this package; docs/dev/text.md is the
contract between them.
"""
