"""Outside demo mode the pipeline does not start without a secret key: with no key, or with the
demo key published in this repository, every phone number and id hash could be reversed by
hashing each candidate, so the Dagster definitions (every job, schedule and sensor) refuse to load
and say which setting to fix. Checked by loading the real definitions in a fresh process."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from transform.dbt_runner import PROJECT_ROOT

PUBLISHED_DEMO_KEY = "arp-demo-key-not-secret"


@pytest.mark.parametrize(
    "key, fault",
    [
        (None, "ARP_HASH_KEY (or ARP_HASH_KEY_FILE) is not set"),
        (PUBLISHED_DEMO_KEY, "ARP_HASH_KEY is the published demo key"),
    ],
)
def test_the_pipeline_refuses_to_start_without_a_secret_key_outside_demo_mode(key, fault):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARP_HASH_KEY")}
    env.update({"ARP_MODE": "production", **({"ARP_HASH_KEY": key} if key else {})})
    proc = subprocess.run(
        [sys.executable, "-c", "from orchestration.definitions import defs; defs()"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert proc.returncode != 0, "the Dagster definitions loaded outside demo mode without a secret key"
    assert fault in proc.stderr, proc.stderr[-2000:]
