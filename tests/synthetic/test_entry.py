"""Case-management entry kinds: each change is in the written data and in truth/defects.csv, and the
true links stay the simulation's."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from simulator import GeneratorConfig
from simulator.city import simulate
from simulator.defects import inject
from simulator.entry import ENTRY_RATES, house_number, long_form, misspell, transpose, unit_variant
from simulator.rules import load_rules


def test_house_number_stays_in_its_block():
    rng = np.random.default_rng(1)
    for _ in range(50):
        typed = house_number("2900 BLOCK MLK JR PKWY", rng)
        number, street = typed.split(" ", 1)
        assert 2900 < int(number) < 3000 and street == "MLK JR PKWY"


def test_long_forms_and_misspellings_keep_the_block():
    assert long_form("2900 BLOCK MLK JR PKWY") == "2900 BLOCK MARTIN LUTHER KING JR PARKWAY"
    rng = np.random.default_rng(2)
    for _ in range(50):
        typed = misspell("1200 BLOCK DUKE HOMESTEAD RD", rng)
        assert typed.startswith("1200 BLOCK ") and typed != "1200 BLOCK DUKE HOMESTEAD RD"


def test_unit_variants_and_transpositions():
    assert {unit_variant("CRT03", v) for v in range(5)} == {"CRT 3", "crt3", "CRT-03", "Crt 3", "CRT3"}
    rng = np.random.default_rng(3)
    typed = transpose("2024-0012345", rng)
    assert typed != "2024-0012345" and sorted(typed) == sorted("2024-0012345")


@pytest.fixture(scope="module")
def doubled():
    cfg = GeneratorConfig(tier="tiny", seed=11, defect_rate=1.0, entry_rate=2.0)
    state = simulate(cfg, load_rules())
    written, log = inject(state, cfg)
    return state, written, log


def test_every_entry_change_is_logged_and_present(doubled):
    state, written, log = doubled
    true = state.tables["encounters"].set_index("encounter_id")
    typed = written["encounters"].set_index("encounter_id")
    entry = log[log.defect_kind.str.startswith("entry_")]
    for column in ("block_address", "unit_id", "started_at"):
        same = (true[column] == typed[column]) | (true[column].isna() & typed[column].isna())
        changed = set(typed.index[~same].astype(str))
        logged = set(entry.primary_key[entry.column == column])
        # a rounding can land on the true value (a start already on the minute): logged, not changed
        assert changed <= logged, column
        assert len(changed) >= 0.9 * len(logged), column
    # a typed unit is the same call sign once spaces, hyphens, case and leading zeros go
    units = typed.unit_id.dropna()

    def canon(u):
        m = re.fullmatch(r"([A-Z]+)0*([0-9]+)", re.sub(r"[^A-Z0-9]", "", u.upper()))
        return f"{m.group(1)}{int(m.group(2)):02d}"

    assert (units.map(canon) == true.unit_id[units.index]).all()


def test_entry_rates_follow_the_knob(doubled):
    state, written, log = doubled
    n_addr = state.tables["encounters"].block_address.notna().sum()
    count = (log.defect_kind == "entry_address_house_number").sum()
    expected = min(1.0, 2 * ENTRY_RATES["entry_address_house_number"]) * n_addr
    assert abs(count - expected) <= 4.5 * np.sqrt(expected) + 2


def test_entry_rate_zero_keeps_entry_verbatim():
    cfg = GeneratorConfig(tier="tiny", seed=11, defect_rate=1.0, entry_rate=0.0)
    state = simulate(cfg, load_rules())
    written, log = inject(state, cfg)
    assert not log.defect_kind.str.startswith("entry_").any()
    pd.testing.assert_series_equal(written["encounters"].block_address, state.tables["encounters"].block_address)
