"""The learning register: the committed files load, and a broken file names itself and its field."""

from __future__ import annotations

import datetime as dt

import pytest

from orchestration.learning.register import REGISTER_DIR, RegisterError, load_register
from orchestration.learning.series import WEEKLY_SERIES

GOOD = """\
title: A change
began: 2023-07-03
learning_priority: why
what_changed: what
watch:
  - series: follow_up_contacts
    expected: up
reviewed:
  by: data team
  date: 2026-11-30
"""


def test_the_committed_register_loads_with_the_expanded_follow_up_example():
    changes = load_register()
    assert len(changes) == len(list(REGISTER_DIR.glob("*.yml")))
    example = next(c for c in changes if c.title == "Expanded HEART follow-up definition")
    assert {w.series for w in example.watch} == {"follow_up_contacts", "follow_up_contacts_expanded"}
    assert all(w.expected == "up" for w in example.watch)
    assert [c.began for c in changes] == sorted(c.began for c in changes)


def test_a_good_file_loads(tmp_path):
    (tmp_path / "good.yml").write_text(GOOD)
    (change,) = load_register(tmp_path)
    assert change.began == dt.date(2023, 7, 3) and change.file == "good.yml"
    assert change.reviewed.date == dt.date(2026, 11, 30)


@pytest.mark.parametrize(
    ("old", "new", "field", "says"),
    [
        (
            "series: follow_up_contacts",
            "series: follow_up_calls",
            "watch[0].series",
            "unknown series 'follow_up_calls'",
        ),
        ("began: 2023-07-03", "began: 2023-13-03", "began", "date"),
        ("expected: up", "expected: sideways", "watch[0].expected", "'up' or 'down'"),
        ("  date: 2026-11-30", "  on: 2026-11-30", "reviewed.date", "Field required"),
    ],
)
def test_a_broken_file_names_the_file_and_the_field(tmp_path, old, new, field, says):
    assert old in GOOD
    (tmp_path / "broken.yml").write_text(GOOD.replace(old, new))
    with pytest.raises(RegisterError) as info:
        load_register(tmp_path)
    message = str(info.value)
    assert message.startswith("broken.yml: ")
    assert f"field {field}:" in message and says in message, message


def test_the_unknown_series_error_lists_the_known_ones(tmp_path):
    (tmp_path / "x.yml").write_text(GOOD.replace("follow_up_contacts", "nope"))
    with pytest.raises(RegisterError, match="known: ") as info:
        load_register(tmp_path)
    assert all(name in str(info.value) for name in WEEKLY_SERIES)


def test_two_files_with_one_title_are_refused(tmp_path):
    (tmp_path / "a.yml").write_text(GOOD)
    (tmp_path / "b.yml").write_text(GOOD)
    with pytest.raises(RegisterError, match="more than one file"):
        load_register(tmp_path)
