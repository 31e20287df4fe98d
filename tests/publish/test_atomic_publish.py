"""A publication is whole or nothing: when a new version fails while being written or checked,
yesterday's site and cards stay byte for byte in place and the failure says why."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from pathlib import Path

import pytest

from orchestration.publishing.build import build_public_outputs
from orchestration.warehouse.destination import Destination

from .fixtures import PROJECT_ROOT


def snapshot(*folders: Path) -> dict[str, str]:
    return {
        str(p): hashlib.sha256(p.read_bytes()).hexdigest()
        for folder in folders
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_a_failed_publication_leaves_yesterdays_outputs_and_says_why(fixture_warehouse, tmp_path):
    content = tmp_path / "content"
    shutil.copytree(PROJECT_ROOT / "content", content)
    out = tmp_path / "out"
    source = Destination.duckdb(fixture_warehouse)
    build_public_outputs(source, out, generated=dt.date(2025, 2, 1), content_dir=content)
    yesterday = snapshot(out / "site", out / "cards")
    assert len([p for p in yesterday if p.startswith(str(out / "cards"))]) > 9

    story = content / "cards" / "2024-Q3.en.md"
    story.write_text(story.read_text().replace("reviewed_by:", "reviewer:"))
    with pytest.raises(Exception) as failure:
        build_public_outputs(source, out, generated=dt.date(2025, 2, 2), content_dir=content)
    # Yesterday's outputs first: that is the promise, whatever the error says.
    assert snapshot(out / "site", out / "cards") == yesterday, "the failed publication changed the live outputs"
    from orchestration.publishing.swap import PublicationError, failure_note

    assert isinstance(failure.value, PublicationError), repr(failure.value)
    message = str(failure.value)
    assert "was not updated (the previous version is still in place)" in message
    assert "2024-Q3.en.md" in message and "reviewed_by" in message, message
    assert "2024-Q3.en.md" in failure_note(out / "cards").read_text()
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")], "a half-written folder was left behind"

    story.write_text(story.read_text().replace("reviewer:", "reviewed_by:"))
    build_public_outputs(source, out, generated=dt.date(2025, 2, 3), content_dir=content)
    assert snapshot(out / "site", out / "cards") != yesterday
    assert not failure_note(out / "cards").exists() and not failure_note(out / "site").exists()


def test_a_folder_with_a_link_to_a_missing_file_is_not_swapped_in(tmp_path):
    from orchestration.publishing.swap import PublicationError, publish_folder

    live = tmp_path / "site"
    live.mkdir()
    (live / "index.html").write_text("<a href='old.html'>old</a>")
    (live / "old.html").write_text("yesterday")
    with (
        pytest.raises(PublicationError, match=r"links name files that were not written.*index.html -> q1/"),
        publish_folder(live) as new,
    ):
        (new / "index.html").write_text("<a href='q1/'>Q1</a> <a href='https://example.org/x'>ext</a>")
    assert (live / "old.html").read_text() == "yesterday"
