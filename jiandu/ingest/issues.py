"""Every reason a value can be rejected or warned about, with its bilingual message."""

from __future__ import annotations

from functools import cache

from jiandu.fields.base import Issue
from jiandu.fields.registry import semantic_types
from jiandu.ingest.cleaning import ENUM_CODE, REQUIRED_CODE

PIPELINE_ISSUES = {
    REQUIRED_CODE: Issue(REQUIRED_CODE, "必填字段为空", "required field is empty"),
    ENUM_CODE: Issue(ENUM_CODE, "取值不在允许范围内", "value is not one of the allowed values"),
}


@cache
def all_issues() -> dict[str, Issue]:
    issues = dict(PIPELINE_ISSUES)
    for semantic_type in semantic_types().values():
        issues.update(semantic_type.issues)
    return issues


def describe(code: str) -> Issue:
    """The Issue for a code; an unknown code still gets a readable message."""
    return all_issues().get(code) or Issue(code, f"无效值（{code}）", f"invalid value ({code})")
