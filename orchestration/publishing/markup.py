"""Reviewed copy as HTML: inline Markdown, never raw HTML.

Copy files (content/copy/*.yml) are written by program staff, and a sentence of copy becomes part
of a page, so copy is Markdown rendered with raw HTML turned off: a `<script>` typed into a
sentence is printed as text, and a link may only lead to http(s) or mailto. The `{name}`
placeholders of a sentence are filled after rendering with HTML the publisher built and escaped
itself (figures, escaped dates and names).
"""

from __future__ import annotations

import html
import re
import string
from functools import lru_cache

from markdown_it import MarkdownIt

_SAFE_LINK = re.compile(r"(https?:|mailto:)", re.I)


@lru_cache(maxsize=1)
def _renderer() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.disable(["image"])
    md.validateLink = lambda url: bool(_SAFE_LINK.match(url.strip()))
    return md


def inline_markdown(text: str) -> str:
    """One sentence of copy as inline HTML, with every raw tag escaped."""
    return _renderer().renderInline(str(text))


def copy_html(template: str, **values: str) -> str:
    """`template` (Markdown copy with `{name}` placeholders) rendered, then filled with `values`,
    which must already be HTML. Placeholders are swapped for plain tokens while rendering so
    Markdown cannot split or restyle them, and unknown or positional fields are refused."""
    tokens: dict[str, str] = {}
    pieces = []
    for literal, field, spec, conversion in string.Formatter().parse(str(template)):
        pieces.append(literal)
        if field is None:
            continue
        if field not in values or spec or conversion:
            raise KeyError(f"copy {template!r} asks for {{{field}}}, which is not one of {sorted(values)}")
        token = f"ARPFIELD{len(tokens)}X"
        tokens[token] = values[field]
        pieces.append(token)
    rendered = inline_markdown("".join(pieces))
    for token, value in tokens.items():
        rendered = rendered.replace(token, value)
    return rendered


def mailto_html(address: str) -> str:
    """A contact address as a mailto link, escaped (the address comes from content/site.yml)."""
    escaped = html.escape(str(address), quote=True)
    return f'<a href="mailto:{escaped}">{escaped}</a>'
