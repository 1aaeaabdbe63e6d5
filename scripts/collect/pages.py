"""Pages of ``docs/``: language, topic, validated front matter, headings and directives.

``collect(project)`` reads every page; ``read_page`` one. Each problem names the file and line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml
from mkdocs.utils.meta import get_data

from scripts.collect.directives import Reference, find_references
from scripts.collect.regions import scan
from scripts.collect.snippets import check_snippet_exists, forget_resolved
from scripts.config import Project
from scripts.problems import Problem

YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when installed
HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>.+?)\s*#*\s*$")


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    line: int


@dataclass
class Page:
    """A Markdown page in one language; a *card* when it lives in a topic folder."""

    path: Path
    lang: str
    topic: str  # "" for top-level pages (home, tags...)
    title: str = ""
    description: str = ""
    tags: tuple[str, ...] = ()
    references: list[Reference] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    text: str = ""
    field_lines: dict[str, int] = field(default_factory=dict)  # front matter field -> line
    body: str = ""  # the text MkDocs renders: ``text`` without its front matter
    body_line: int = 1  # the file line where ``body`` starts

    @property
    def is_card(self) -> bool:
        return bool(self.topic)

    @property
    def slug(self) -> str:
        return self.path.name.split(".")[0]


def page_language(path: Path, project: Project) -> str:
    """``layer-norm.zh.md`` is Chinese; a page without a language suffix is the default one."""
    parts = path.name.split(".")
    return parts[-2] if len(parts) >= 3 and parts[-2] in project.languages else project.default_language


def page_topic(path: Path, project: Project) -> str:
    """The topic folder a card lives in (``docs/<topic>/...``); "" for top-level pages."""
    parts = Path(path).resolve().relative_to(project.docs_dir.resolve()).parts
    return parts[0] if len(parts) > 1 and parts[0] != "assets" else ""


def collect(project: Project) -> tuple[list[Page], list[Problem]]:
    """Every page under docs/ with its references, and every problem found on the way."""
    forget_resolved()
    pages, problems = [], []
    for path in sorted(project.docs_dir.rglob("*.md")):
        page, page_problems = read_page(path, project)
        pages.append(page)
        problems += page_problems
    return pages, problems


def read_page(path: Path, project: Project) -> tuple[Page, list[Problem]]:
    """Parse one page: front matter (validated for cards), headings and directives."""
    text, problems = read_text(path)
    page = Page(path=path, lang=page_language(path, project), topic=page_topic(path, project), text=text)
    meta, _, meta_problems = _front_matter(text, path)
    page.body, page.body_line = body_of(text)
    problems += meta_problems
    page.field_lines = {name: line for name, (_, line) in meta.items()}
    page.headings = _shifted(find_headings(page.body), page.body_line)
    if page.is_card:
        problems += _validate_card_meta(page, meta, path)
    references, ref_problems = find_references(page.body, path)  # the text the renderer scans, too
    references = _shifted(references, page.body_line)
    ref_problems = _shifted(ref_problems, page.body_line)
    page.references = references
    problems += ref_problems
    problems += [Problem(path, ref.line, message) for ref in references
                 for message in check_snippet_exists(ref, project)]
    return page, problems


def body_of(text: str) -> tuple[str, int]:
    """What MkDocs hands to hooks as the page (front matter removed), and the line it starts on."""
    body, _ = get_data(text)
    start = len(text) - len(body) if text.endswith(body) else max(text.find(body), 0)
    return body, text[:start].count("\n") + 1


def _shifted(items: list, first_line: int) -> list:
    """Headings, references or problems found in the body, with the file's line numbers."""
    return [replace(item, line=item.line + first_line - 1) for item in items]


def read_text(path: Path) -> tuple[str, list[Problem]]:
    """The file as text; invalid UTF-8 is a problem at its line (and replaced, to go on)."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problem = Problem(path, line, f"invalid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8")
        return raw.decode("utf-8", errors="replace"), [problem]


def find_headings(text: str, first_line: int = 1) -> list[Heading]:
    """ATX headings (``#`` to ``######``) outside code."""
    found = []
    for line in scan(text, first_line):
        match = HEADING.match(line.original) if HEADING.match(line.text) else None
        if match:
            found.append(Heading(len(match["hashes"]), match["text"], line.number))
    return found


def _front_matter(text: str, path: Path) -> tuple[dict, int, list[Problem]]:
    """(mapping of field -> (value, line), first body line, problems)."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        return {}, 1, []
    try:
        end = next(i for i, line in enumerate(lines[1:], start=1) if line.strip() in ("---", "..."))
    except StopIteration:
        return {}, 1, [Problem(path, 1, "front matter is not closed by '---'")]
    try:
        node = yaml.compose("\n".join(lines[1:end]), Loader=YAML_LOADER)
        if node is None:
            return {}, end + 2, []
        if not isinstance(node, yaml.MappingNode):
            return {}, end + 2, [Problem(path, 2, "front matter must be a mapping")]
        meta = {}
        for key, value in node.value:
            if not isinstance(key.value, str):
                return {}, end + 2, [Problem(path, key.start_mark.line + 2, "front matter keys must be words")]
            meta[key.value] = (yaml.constructor.SafeConstructor().construct_document(value),
                               value.start_mark.line + 2)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return {}, end + 2, [Problem(path, (mark.line + 2) if mark else 1, f"front matter: {exc}")]
    return meta, end + 2, []


def _validate_card_meta(page: Page, meta: dict, path: Path) -> list[Problem]:
    """A card needs a non-empty ``title`` and ``description`` and a list of ``tags``."""
    problems = []
    for name in ("title", "description"):
        value, line = meta.get(name, (None, 1))
        if not isinstance(value, str) or not value.strip():
            problems.append(Problem(path, line, f"front matter field '{name}' must be non-empty text"))
        else:
            setattr(page, name, value.strip())
    tags, line = meta.get("tags", (None, 1))
    if not isinstance(tags, list) or not tags or not all(isinstance(t, str) for t in tags):
        problems.append(Problem(path, line, "front matter field 'tags' must be a list of words"))
    else:
        page.tags = tuple(tags)
    return problems


