"""The hash key: refused when missing or weak outside demo mode, and read from the environment or
a file. That it reaches no file is tests/privacy/test_key_reaches_no_file.py."""

from __future__ import annotations

import re
import secrets

import pytest

from orchestration.privacy.hash_key import DEMO_KEY, HashKeyError, load_hash_key

PRODUCTION = {"ARP_MODE": "production"}


@pytest.mark.parametrize(
    "env, fault",
    [
        ({}, "ARP_HASH_KEY (or ARP_HASH_KEY_FILE) is not set"),
        ({"ARP_HASH_KEY": DEMO_KEY}, "published demo key"),
        ({"ARP_HASH_KEY": "0123456789abcdef" * 2}, "fewer than 256 bits"),  # 128 bits of hex
        ({"ARP_HASH_KEY": "Durham-HEART-2024!"}, "fewer than 256 bits"),  # a guessable phrase
        ({"ARP_HASH_KEY": "a" * 64}, "fewer than 256 bits"),  # long but no entropy
    ],
)
def test_outside_demo_mode_a_missing_demo_or_weak_key_is_refused(env, fault):
    with pytest.raises(HashKeyError, match=re.escape(fault)):
        load_hash_key({**PRODUCTION, **env})


def test_a_256_bit_key_comes_from_the_environment_or_a_file(tmp_path):
    key = secrets.token_hex(32)
    assert load_hash_key({**PRODUCTION, "ARP_HASH_KEY": key}) == key
    (tmp_path / "hash_key").write_text(key + "\n")
    assert load_hash_key({**PRODUCTION, "ARP_HASH_KEY_FILE": str(tmp_path / "hash_key")}) == key
    with pytest.raises(HashKeyError, match="ARP_HASH_KEY_FILE=.*missing.*cannot be read"):
        load_hash_key({**PRODUCTION, "ARP_HASH_KEY_FILE": str(tmp_path / "missing")})
    assert load_hash_key({"ARP_MODE": "demo"}) == DEMO_KEY
