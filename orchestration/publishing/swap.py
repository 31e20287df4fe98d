"""Publish a folder whole or not at all.

The site and the cards are written to a new sibling folder (`.site.new`), checked there, and only
then swapped in for the live one. A failure while writing or checking removes the new folder and
leaves the previous outputs in place, and the error says what failed and that nothing changed; the
reason is also kept beside the folder (`site.publish-failed.txt`) for whoever looks at the outputs
next. The swap is two renames on one file system, so a reader never sees a half-written folder.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html.parser
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit


class PublicationError(RuntimeError):
    """A new version of the outputs was not published; the previous one is still in place."""


class _LocalLinks(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.targets: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.targets.append(value)


def broken_links(folder: Path) -> list[str]:
    """Every local href/src of every HTML page under `folder` that names no file in it."""
    broken = []
    for page in sorted(folder.rglob("*.html")):
        parser = _LocalLinks()
        parser.feed(page.read_text(encoding="utf-8"))
        for target in parser.targets:
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or not parts.path or target.startswith("#"):
                continue
            resolved = (page.parent / unquote(parts.path)).resolve()
            if folder.resolve() not in resolved.parents:
                continue  # the other output folder (site <-> cards) is checked when it is published
            if resolved.is_dir():
                resolved = resolved / "index.html"
            if not resolved.is_file():
                broken.append(f"{page.relative_to(folder)} -> {target}")
    return broken


def check_complete(folder: Path) -> None:
    """A publishable folder has its index page and no link to a file it lacks."""
    if not (folder / "index.html").is_file():
        raise PublicationError(f"{folder.name}: index.html was not written")
    broken = broken_links(folder)
    if broken:
        raise PublicationError(
            f"{folder.name}: {len(broken)} links name files that were not written, e.g. " + "; ".join(broken[:5])
        )


def failure_note(final: Path) -> Path:
    return final.with_name(f"{final.name}.publish-failed.txt")


@contextlib.contextmanager
def publish_folder(final: Path) -> Iterator[Path]:
    """Yield an empty new folder to write into; swap it in for `final` once written and checked."""
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    new = final.with_name(f".{final.name}.new")
    old = final.with_name(f".{final.name}.old")
    for leftover in (new, old):  # from a run that was killed mid-publication
        if leftover.exists():
            shutil.rmtree(leftover)
    new.mkdir()
    try:
        yield new
        check_complete(new)
    except BaseException as error:
        shutil.rmtree(new, ignore_errors=True)
        kept = "the previous version is still in place" if final.exists() else "nothing was published before"
        reason = f"{type(error).__name__}: {error}"
        failure_note(final).write_text(
            f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M:%S} UTC: {final} was not updated ({kept}).\n{reason}\n",
            encoding="utf-8",
        )
        if isinstance(error, Exception):
            raise PublicationError(f"{final} was not updated ({kept}): {reason}") from error
        raise
    if final.exists():
        os.rename(final, old)
    os.rename(new, final)
    shutil.rmtree(old, ignore_errors=True)
    failure_note(final).unlink(missing_ok=True)
