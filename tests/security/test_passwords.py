"""argon2id hashing and the password policy (examples plus a property test)."""

from __future__ import annotations

import string

import pytest
from argon2 import PasswordHasher
from hypothesis import given, settings
from hypothesis import strategies as st

from jiandu.security import passwords
from jiandu.security.errors import PasswordRejected
from jiandu.security.passwords import (
    MAX_LENGTH,
    burn_verification,
    check_policy,
    hash_password,
    needs_rehash,
    verify_password,
)


def test_hashes_are_salted_argon2id_and_verify_only_the_right_password() -> None:
    first, second = hash_password("Correct-Horse-9"), hash_password("Correct-Horse-9")
    assert first.startswith("$argon2id$")
    assert first != second  # random salt
    assert "Correct-Horse-9" not in first
    assert verify_password(first, "Correct-Horse-9")
    assert not verify_password(first, "correct-horse-9")
    assert not verify_password(first, "")


def test_a_malformed_stored_hash_is_a_mismatch_not_an_error() -> None:
    assert not verify_password("not-a-hash", "anything")
    assert not verify_password("", "anything")
    assert needs_rehash("not-a-hash")


def test_overlong_input_is_refused_before_hashing() -> None:
    stored = hash_password("x" * MAX_LENGTH)
    assert verify_password(stored, "x" * MAX_LENGTH)
    assert not verify_password(stored, "x" * (MAX_LENGTH + 1))


def test_hashes_made_with_other_parameters_need_a_rehash(monkeypatch: pytest.MonkeyPatch) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=512, parallelism=1).hash("pw")
    current = hash_password("pw")
    assert needs_rehash(weak)
    assert not needs_rehash(current)
    # Raising the parameters later makes today's hashes due for a rehash.
    monkeypatch.setattr(passwords, "_HASHER", PasswordHasher(time_cost=2, memory_cost=2048))
    assert needs_rehash(current)
    assert verify_password(current, "pw")  # and they still verify meanwhile


def test_burn_verification_costs_one_verification(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = passwords.verify_password

    def spy(stored_hash: str, password: str) -> bool:
        calls.append(stored_hash)
        return real(stored_hash, password)

    monkeypatch.setattr(passwords, "verify_password", spy)
    burn_verification("guess")
    assert len(calls) == 1 and calls[0].startswith("$argon2id$")


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("Ab1!Ab1!Ab1", "at least 12"),  # 11 characters, 4 classes
        ("abcdefghij12", "at least 3 of"),  # 2 classes, under 16
        ("ABCDEFGHIJK!", "at least 3 of"),
        ("Alice-Secret-2026", "user name"),  # contains 'alice', case-insensitively
        ("x" * (MAX_LENGTH + 1), "too long"),
    ],
)
def test_policy_refusals_say_why_in_both_languages(password: str, reason: str) -> None:
    with pytest.raises(PasswordRejected) as refused:
        check_policy(password, "alice")
    assert reason in refused.value.en
    assert refused.value.zh and refused.value.zh != refused.value.en


@pytest.mark.parametrize(
    "password",
    [
        "Abcdefghij12",  # lower, upper, digit
        "abcdefghij1!",  # lower, digit, other
        "检察监督abcd1234",  # Chinese counts as "other": 3 classes
        "correct horse battery",  # pass phrase: 16+ characters, any mix
        "aaaaaaaaaaaaaaaa",  # 16 characters of one class is a (weak but allowed) phrase
    ],
)
def test_policy_accepts(password: str) -> None:
    check_policy(password, "alice")


def test_short_user_names_are_not_searched_for() -> None:
    check_policy("Xy-Abcdefgh12", "xy")  # 'xy' is too short to be a meaningful match


_ALPHABET = string.ascii_letters + string.digits + "!-_ .@#" + "检察院张三"


def _classes(password: str) -> int:
    # The test's own reading of the four classes, over the alphabet above.
    groups = (
        string.ascii_lowercase,
        string.ascii_uppercase,
        string.digits,
        "!-_ .@#检察院张三",
    )
    return sum(any(char in group for char in password) for group in groups)


@settings(max_examples=300, deadline=None)
@given(
    password=st.text(alphabet=_ALPHABET, max_size=40),
    username=st.text(alphabet=string.ascii_lowercase + string.digits, min_size=1, max_size=8),
)
def test_policy_accepts_exactly_the_passwords_the_rules_describe(
    password: str, username: str
) -> None:
    expected = (
        len(password) >= 12
        and not (len(username) >= 3 and username in password.lower())
        and (len(password) >= 16 or _classes(password) >= 3)
    )
    try:
        check_policy(password, username)
    except PasswordRejected:
        accepted = False
    else:
        accepted = True
    assert accepted == expected
