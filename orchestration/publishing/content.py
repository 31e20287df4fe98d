"""Reviewed text the publisher reads from `content/`: page copy per language (`content/copy/<lang>.yml`),
the glossary of program and category names per language (`content/glossary/<lang>.yml`), the metric
catalog's text in languages other than the catalog's English (`content/catalog/<lang>.yml`), settings
shared by both languages (`content/site.yml`) and the quarterly data-card stories
(`content/cards/<YYYY>-Q<n>.<lang>.md`).

Stories are written by program staff and reviewed before they are committed; each starts with a
front matter naming its reviewer, and the publisher refuses one without it. They never come from
case notes or any other warehouse text.
"""

from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from orchestration.paths import PROJECT_ROOT
from orchestration.publishing.locale import LANGS
from orchestration.settings import settings

CONTENT_DIR = PROJECT_ROOT / "content"
_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)
GLOSSARY_SECTIONS = ("programs", "attributes", "categories", "dimension_values")


class ContentError(ValueError):
    """A content file is missing, malformed or unreviewed."""


class Copy:
    """The labels and sentences of one language; `get("site.title")`, `label("programs", "CRT")`."""

    def __init__(self, lang: str, data: dict, source: Path):
        self.lang, self.data, self.source = lang, data, source

    def get(self, dotted: str) -> str:
        node = self.data
        for part in dotted.split("."):
            if not isinstance(node, dict) or part not in node:
                raise ContentError(f"{self.source}: missing key {dotted!r}")
            node = node[part]
        return node

    def label(self, section: str, code: str) -> str:
        """The label of a code; an unknown code (a category added upstream) shows as itself, readable."""
        node = self.data.get(section, {})
        value = node.get(code) if isinstance(node, dict) else None
        return value if isinstance(value, str) else str(code).replace("_", " ").capitalize()

    def metric(self, metric_id: str) -> str:
        return self.label("metrics", metric_id)

    def dim_value(self, dimension: str, value: str) -> str:
        table = self.data.get("dimension_values", {}).get(dimension, {})
        text = table.get(value) if isinstance(table, dict) else None
        return text if isinstance(text, str) else str(value).replace("_", " ").capitalize()

    def category(self, attribute: str, code: str) -> str:
        table = self.data.get("categories", {}).get(attribute, {})
        text = table.get(code) if isinstance(table, dict) else None
        return text if isinstance(text, str) else str(code).replace("_", " ").capitalize()


def content_root(content_dir: Path | str | None = None) -> Path:
    """The content folder: the one given, else ARP_CONTENT_DIR (a city's own reviewed text, or a
    test's), else the repository's content/."""
    return Path(content_dir or settings().content_dir or CONTENT_DIR)


def load_copy(lang: str, content_dir: Path | None = None) -> Copy:
    return _load_copy(lang, content_root(content_dir))


@functools.lru_cache(maxsize=8)
def _load_copy(lang: str, content_dir: Path) -> Copy:
    if lang not in LANGS:
        raise ContentError(f"no copy for language {lang!r}; languages are {LANGS}")
    path = Path(content_dir) / "copy" / f"{lang}.yml"
    if not path.exists():
        raise ContentError(f"missing page copy file {path}")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ContentError(f"{path}: expected a mapping of sections")
    data = _with_city_copy(data, lang)
    glossary = load_glossary(lang, content_dir)
    clash = set(glossary) & set(data)
    if clash:
        raise ContentError(f"{path}: {sorted(clash)} belong in the glossary content/glossary/{lang}.yml only")
    return Copy(lang, {**data, **glossary, "catalog": load_catalog_text(lang, content_dir)}, path)


def city_copy_path(lang: str) -> Path | None:
    """The city profile's own page copy (cities/<name>/content/copy/<lang>.yml), when it has one."""
    from orchestration.cities import load_profile

    path = load_profile().folder / "content" / "copy" / f"{lang}.yml"
    return path if path.exists() else None


def _with_city_copy(data: dict, lang: str) -> dict:
    """The shared copy with the city profile's keys over it, section by section (a city restates
    only what differs: its name, its department, its programs' introduction)."""
    path = city_copy_path(lang)
    if path is None:
        return data
    city = _yaml_mapping(path)
    merged = dict(data)
    for section, values in city.items():
        if section not in data:
            raise ContentError(f"{path}: unknown section {section!r}; the shared copy has {sorted(data)}")
        merged[section] = {**data[section], **values} if isinstance(values, dict) else values
    return merged


def _yaml_mapping(path: Path) -> dict:
    if not path.exists():
        raise ContentError(f"missing content file {path}")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ContentError(f"{path}: expected a mapping")
    return data


def load_glossary(lang: str, content_dir: Path | None = None) -> dict:
    """The one list of program and category names of a language."""
    path = content_root(content_dir) / "glossary" / f"{lang}.yml"
    data = _yaml_mapping(path)
    unknown = set(data) - set(GLOSSARY_SECTIONS)
    if unknown:
        raise ContentError(f"{path}: unknown sections {sorted(unknown)}; the glossary holds {GLOSSARY_SECTIONS}")
    return data


def load_catalog_text(lang: str, content_dir: Path | None = None) -> dict:
    """The metric catalog's words in a language: {metrics: {id: {definition, grain}}, categories,
    dimensions}. English is the catalog itself, so it has no file."""
    path = content_root(content_dir) / "catalog" / f"{lang}.yml"
    return _yaml_mapping(path) if path.exists() else {}


def load_site_settings(content_dir: Path | None = None) -> dict:
    return _load_site_settings(content_root(content_dir))


@functools.lru_cache(maxsize=4)
def _load_site_settings(content_dir: Path) -> dict:
    return _yaml_mapping(content_dir / "site.yml")


@dataclass(frozen=True)
class Story:
    quarter: str
    lang: str
    paragraphs: tuple[str, ...]
    reviewed_by: str
    source: Path

    def html(self) -> str:
        return "\n".join(f"<p>{html.escape(p)}</p>" for p in self.paragraphs)


def load_story(quarter: str, lang: str, content_dir: Path | None = None) -> Story | None:
    """The reviewed story of a quarter (e.g. '2024-Q3') in a language, or None when none is written yet."""
    path = content_root(content_dir) / "cards" / f"{quarter}.{lang}.md"
    if not path.exists():
        return None
    text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
    match = _FRONT_MATTER.match(text)
    meta = yaml.safe_load(match.group(1)) if match else None
    if not isinstance(meta, dict) or not str(meta.get("reviewed_by") or "").strip():
        raise ContentError(
            f"{path}: a story needs a front matter with `reviewed_by` (who reviewed it for "
            "de-identification) before it can be published"
        )
    body = text[match.end() :]
    paragraphs = tuple(" ".join(p.split()) for p in re.split(r"\n\s*\n", body) if p.strip())
    if not paragraphs:
        raise ContentError(f"{path}: the story is empty")
    return Story(quarter, lang, paragraphs, str(meta["reviewed_by"]).strip(), path)
