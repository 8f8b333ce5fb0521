"""The password hasher's parameters, and a hash made with other parameters moving to them."""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher, check_password
from django.test import override_settings

from xinxi.accounts.hashers import XinxiArgon2PasswordHasher


def test_passwords_are_hashed_with_argon2id_at_the_owasp_baseline() -> None:
    hasher = XinxiArgon2PasswordHasher()
    encoded = hasher.encode("Bench@2026x", hasher.salt())
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert hasher.verify("Bench@2026x", encoded) and not hasher.verify("Bench@2026y", encoded)
    assert not hasher.must_update(encoded)


@override_settings(PASSWORD_HASHERS=["xinxi.accounts.hashers.XinxiArgon2PasswordHasher"])
def test_a_hash_with_django_s_parameters_still_verifies_and_is_updated() -> None:
    old = Argon2PasswordHasher().encode("Bench@2026x", "saltsaltsalt1234")
    assert XinxiArgon2PasswordHasher().must_update(old)
    updated: list[str] = []
    assert check_password("Bench@2026x", old, setter=updated.append)
    assert updated == ["Bench@2026x"]  # the caller (User.check_password) saves the new hash
    assert not check_password("Bench@2026y", old)
