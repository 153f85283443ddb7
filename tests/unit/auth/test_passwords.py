"""Passwords: argon2id hashes, old and weaker hashes redone at the next login, weak new passwords refused."""
from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from werkzeug.security import generate_password_hash

from api import auth


def test_a_password_is_stored_as_argon2id_and_checked():
    stored = auth.hash_password("Tongling-2026-retire")
    assert stored.startswith("$argon2id$")
    assert auth.verify_password(stored, "Tongling-2026-retire") == (True, None)
    assert auth.verify_password(stored, "tongling-2026-retire") == (False, None)


def test_a_pbkdf2_hash_is_accepted_once_and_a_new_argon2_hash_is_handed_back():
    ok, fresh = auth.verify_password(generate_password_hash("clerk123", method="pbkdf2:sha256:60000"), "clerk123")
    assert ok and fresh.startswith("$argon2id$") and auth.verify_password(fresh, "clerk123")[0]
    assert auth.verify_password(generate_password_hash("clerk123", method="pbkdf2:sha256:60000"), "x") == (False, None)


def test_a_hash_made_with_lower_costs_is_redone_once_the_costs_are_raised(monkeypatch):
    weak = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash("Tongling-2026-retire")
    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1))
    ok, fresh = auth.verify_password(weak, "Tongling-2026-retire")
    assert ok and fresh and "m=2048,t=2" in fresh


@pytest.mark.parametrize("password, why", [
    ("Short1!", "太短"), ("zy_hrss-Tongling-2026", "用户名"), ("clerk1234567890", "演示"),
    ("tonglingzongya", "太简单"), ("Aa1Aa1Aa1Aa1", "太简单")])
def test_weak_passwords_are_refused_with_the_reason(password, why):
    assert why in auth.password_problem(password, "zy_hrss")


@pytest.mark.parametrize("password", ["Tongling-2026-retire", "zongyang county retirement desk"])
def test_three_kinds_of_characters_or_a_long_passphrase_are_enough(password):
    assert auth.password_problem(password, "zy_hrss") is None
