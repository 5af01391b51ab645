"""Password hashing and the password policy."""

import pytest

from monitor_app.auth.passwords import (
    MIN_ROUNDS,
    check_password_policy,
    hash_password,
    hash_rounds,
    needs_rehash,
    verify_password,
)
from monitor_app.core.errors import ValidationError


def test_hash_and_verify() -> None:
    hashed = hash_password("correct horse", rounds=MIN_ROUNDS)

    assert hashed.startswith("$2b$04$")
    assert verify_password("correct horse", hashed)
    assert not verify_password("correct horsE", hashed)
    assert not verify_password("", hashed)


def test_hashes_are_salted() -> None:
    assert hash_password("correct horse", MIN_ROUNDS) != hash_password("correct horse", MIN_ROUNDS)


def test_non_ascii_passwords_work() -> None:
    hashed = hash_password("비밀번호는길어요", MIN_ROUNDS)

    assert verify_password("비밀번호는길어요", hashed)
    assert not verify_password("비밀번호는길어", hashed)


@pytest.mark.parametrize("hashed", ["", "plain text", "$2b$04$short", "$2b$99$" + "a" * 53, "☃"])
def test_verify_is_false_for_a_malformed_hash(hashed: str) -> None:
    assert verify_password("correct horse", hashed) is False


def test_verify_is_false_for_a_password_bcrypt_cannot_take() -> None:
    hashed = hash_password("correct horse", MIN_ROUNDS)

    assert verify_password("x" * 1000, hashed) is False


def test_rounds_are_read_back_for_rehashing() -> None:
    hashed = hash_password("correct horse", MIN_ROUNDS)

    assert hash_rounds(hashed) == MIN_ROUNDS
    assert hash_rounds("nonsense") is None
    assert needs_rehash(hashed, MIN_ROUNDS + 1)
    assert not needs_rehash(hashed, MIN_ROUNDS)
    assert not needs_rehash("nonsense", 12)


@pytest.mark.parametrize("password", ["correct horse", "abcdefgh", "12345678a", "가나다라마바사아", "x" * 72])
def test_policy_accepts(password: str) -> None:
    check_password_policy(password, username="alice")


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("", "must be at least 8 characters long"),
        ("short", "must be at least 8 characters long"),
        ("1234567890", "must not be only digits"),
        ("Alice.Smith", "must not be the same as the username"),
        ("x" * 73, "must be at most 72 bytes in UTF-8 (bcrypt's limit; this one has 73"),
        ("가" * 25, "must be at most 72 bytes in UTF-8 (bcrypt's limit; this one has 75"),
    ],
)
def test_policy_explains_what_is_wrong(password: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        check_password_policy(password, username="alice.smith")

    assert [e.field for e in caught.value.errors] == ["password"]
    assert message in caught.value.by_field()["password"]
    assert caught.value.code == "validation_error"


def test_policy_lists_every_broken_rule() -> None:
    with pytest.raises(ValidationError) as caught:
        check_password_policy("123", username="123")

    assert [e.message for e in caught.value.errors] == [
        "must be at least 8 characters long",
        "must not be the same as the username",
    ]
