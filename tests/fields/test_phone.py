"""Phone numbers: table-driven cases."""

from __future__ import annotations

import pytest

from jiandu.fields import phone
from jiandu.fields.base import FieldInvalid


@pytest.mark.parametrize(
    ("raw", "expected", "kind"),
    [
        ("13912345678", "13912345678", "mobile"),
        ("139 1234 5678", "13912345678", "mobile"),
        ("139-1234-5678", "13912345678", "mobile"),
        ("+86 139 1234 5678", "13912345678", "mobile"),
        ("0086-13912345678", "13912345678", "mobile"),
        ("8613912345678", "13912345678", "mobile"),
        ("１３９１２３４５６７８", "13912345678", "mobile"),
        ("0571-88889999", "0571-88889999", "landline"),
        ("057188889999", "0571-88889999", "landline"),
        ("(0571)88889999", "0571-88889999", "landline"),
        ("（０５７１）８８８８９９９９", "0571-88889999", "landline"),
        ("010-8888 9999", "010-88889999", "landline"),
        ("01088889999", "010-88889999", "landline"),  # 010 is a 3-digit area code
        ("020-3888999", "020-3888999", "landline"),  # 7-digit local number
        ("+86-571-88889999", "0571-88889999", "landline"),
        ("0571-88889999-8001", "0571-88889999-8001", "landline"),
        ("0571-88889999转8001", "0571-88889999-8001", "landline"),
        ("0571-88889999 ext.8001", "0571-88889999-8001", "landline"),
        ("400-123-4567", "400-123-4567", "service"),
        ("4001234567", "400-123-4567", "service"),
        ("800 123 4567", "800-123-4567", "service"),
        ("95588", "95588", "service"),
        ("12345", "12345", "service"),
    ],
)
def test_valid(raw: str, expected: str, kind: str) -> None:
    assert phone.normalize(raw) == expected
    assert phone.kind(expected) == kind


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("13912345678/13812345678", "phone.multiple"),
        ("13912345678、0571-88889999", "phone.multiple"),
        ("88889999", "phone.no_area_code"),
        ("8888-9999", "phone.no_area_code"),
        ("电话13912345678", "phone.chars"),
        ("139abc45678", "phone.chars"),
        ("12912345678", "phone.format"),  # no 12x mobile prefix
        ("1391234567", "phone.format"),
        ("139123456789", "phone.format"),
        ("0571-0888999", "phone.format"),  # local numbers never start with 0
        ("110", "phone.format"),
    ],
)
def test_invalid(raw: str, code: str) -> None:
    with pytest.raises(FieldInvalid) as caught:
        phone.normalize(raw)
    assert caught.value.issue.code == code
