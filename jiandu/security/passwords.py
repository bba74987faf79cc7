"""Password hashing (argon2id) and the password policy.

Hashes are argon2id in the PHC string format (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`),
so the parameters travel with each hash and can be raised later: `needs_rehash` tells
when a stored hash was made with weaker parameters than today's and should be replaced
at the next successful sign-in.

Policy (`check_policy`): at least 12 characters; not containing the user name; and at
least three of four character classes (lower case, upper case, digits, anything else —
punctuation, spaces, Chinese characters) unless the password is 16 characters or longer,
where length alone is enough (a pass phrase).
"""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from jiandu.security.errors import PasswordRejected

MIN_LENGTH = 12
#: From this length on, any mix of characters is accepted.
PASSPHRASE_LENGTH = 16
#: Longer input is refused before hashing: no one types more, and it bounds the work.
MAX_LENGTH = 256
#: How many character classes a password shorter than PASSPHRASE_LENGTH needs.
MIN_CLASSES = 3
#: User names shorter than this are not searched for inside the password.
MIN_USERNAME_CHECK = 3

# argon2-cffi's defaults are RFC 9106's second recommended profile for argon2id
# (t=3, m=64 MiB, p=4).
_HASHER = PasswordHasher()


def hash_password(password: str) -> str:
    """The argon2id hash (PHC string, random salt) of `password`."""
    return _HASHER.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    """True when `password` matches `stored_hash`; False for a mismatch or a bad hash.

    argon2 compares in constant time; a malformed stored hash is treated as a mismatch
    (the account cannot sign in with a password) rather than an error an attacker could
    tell apart.
    """
    if len(password) > MAX_LENGTH:
        return False
    try:
        return _HASHER.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True when `stored_hash` was made with other parameters than today's hasher uses."""
    try:
        return _HASHER.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True


@cache
def _dummy_hash() -> str:
    return _HASHER.hash("jiandu-dummy-password-for-timing")


def burn_verification(password: str) -> None:
    """Spend the time of one verification, for a user who does not exist.

    Sign-in calls this when there is no hash to check, so the answer takes as long as
    for a real account and its timing does not reveal which user names exist.
    """
    verify_password(_dummy_hash(), password)


def character_classes(password: str) -> int:
    """How many of lower case, upper case, digits and other characters `password` uses."""
    lower = upper = digit = other = False
    for char in password:
        if char.isdigit():
            digit = True
        elif char.isupper():
            upper = True
        elif char.islower():
            lower = True
        else:
            other = True
    return lower + upper + digit + other


def check_policy(password: str, username: str) -> None:
    """Raise `PasswordRejected` with the reason when `password` breaks the policy."""
    if len(password) < MIN_LENGTH:
        raise PasswordRejected(
            f"密码太短：至少需要 {MIN_LENGTH} 个字符",
            f"The password is too short: it needs at least {MIN_LENGTH} characters",
        )
    if len(password) > MAX_LENGTH:
        raise PasswordRejected(
            f"密码太长：最多 {MAX_LENGTH} 个字符",
            f"The password is too long: at most {MAX_LENGTH} characters",
        )
    name = username.strip().casefold()
    if len(name) >= MIN_USERNAME_CHECK and name in password.casefold():
        raise PasswordRejected("密码不能包含用户名", "The password must not contain the user name")
    if len(password) < PASSPHRASE_LENGTH and character_classes(password) < MIN_CLASSES:
        raise PasswordRejected(
            f"密码需包含小写字母、大写字母、数字、其他字符中的至少 {MIN_CLASSES} 类，"
            f"或长度不少于 {PASSPHRASE_LENGTH} 个字符",
            f"The password needs at least {MIN_CLASSES} of: lower case, upper case, digits, "
            f"other characters — or a length of {PASSPHRASE_LENGTH} characters or more",
        )
