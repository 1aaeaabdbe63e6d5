"""Collect stage: read every page of ``docs/``, validate card front matter, find references.

A page refers to snippet results with directives written in ``{{ kind: ... }}``:

    {{ code: normalization/iterated_products.py }}            whole file as a code block
    {{ code: normalization/iterated_products.py#growth }}     one ``# %% growth`` cell
    {{ output: normalization/iterated_products.py }}          what the snippet printed
    {{ figure: normalization/iterated_products.py#norms | caption in the page's language }}
    {{ table: normalization/iterated_products.py#growth | s | Final norm {:.3g} | ... }}
    {{ value: normalization/iterated_products.py#final_norm_s1:.3g }}   inline, in prose
    {{ catalog: cards }}    generated from front matter and data/: cards, tags or glossary

Paths are relative to ``snippets/``. ``code``, ``output``, ``figure`` and ``table`` stand
alone on their line; ``value`` goes anywhere in a sentence. A table lists one header per
column, in the page's language, each optionally followed by a format spec in braces.
Directives inside fenced code blocks are left alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from scripts.config import Project
from scripts.problems import Problem

KINDS = ("code", "output", "figure", "table", "value", "catalog")
BLOCK_KINDS = ("code", "output", "figure", "table", "catalog")
NO_SNIPPET_KINDS = ("catalog",)
DIRECTIVE = re.compile(r"\{\{\s*(?P<kind>[A-Za-z_]+)\s*:\s*(?P<body>.*?)\s*\}\}")
ANY_BRACES = re.compile(r"\{\{.*?\}\}")
FENCE = re.compile(r"^\s*(```+|~~~+)")
CELL_MARKER = re.compile(r"^# %%\s*(?P<name>[\w-]*)")
HEADER_FORMAT = re.compile(r"^(?P<header>.*?)\s*\{:(?P<fmt>[^{}]*)\}$")
HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>.+?)\s*#*\s*$")


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    line: int


@dataclass(frozen=True)
class Column:
    header: str
    fmt: str = ""


@dataclass(frozen=True)
class Reference:
    """One directive in a page: what it asks for and where it stands."""

    kind: str
    snippet: str  # as written, relative to snippets/
    name: str  # cell, figure, table or value name ("" when not given)
    path: Path  # the page
    line: int
    text: str  # the directive exactly as written, to be replaced
    indent: str = ""
    fmt: str = ""  # value format spec
    caption: str = ""  # figure caption
    columns: tuple[Column, ...] = ()  # table headers

    @property
    def is_block(self) -> bool:
        return self.kind in BLOCK_KINDS


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
    meta, body_start, meta_problems = _front_matter(text, path)
    problems += meta_problems
    page.field_lines = {name: line for name, (_, line) in meta.items()}
    page.headings = find_headings(text, first_line=body_start)
    if page.is_card:
        problems += _validate_card_meta(page, meta, path)
    references, ref_problems = find_references(text, path, first_line=body_start)
    page.references = references
    problems += ref_problems
    problems += [p for ref in references for p in check_snippet_exists(ref, project)]
    return page, problems


def read_text(path: Path) -> tuple[str, list[Problem]]:
    """The file as text; invalid UTF-8 is a problem at its line (and replaced, to go on)."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problem = Problem(path, line, f"invalid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8")
        return raw.decode("utf-8", errors="replace"), [problem]


def _outside_fences(text: str, first_line: int = 1):
    """(line number, line) for each line that is not inside a fenced code block."""
    fence = None
    for number, line in enumerate(text.splitlines(), start=1):
        if number < first_line:
            continue
        opening = FENCE.match(line)
        if opening:
            marker = opening.group(1)
            if fence is None:
                fence = marker
            elif marker.startswith(fence[0]) and len(marker) >= len(fence):
                fence = None
            continue
        if fence is None:
            yield number, line


def find_headings(text: str, first_line: int = 1) -> list[Heading]:
    """ATX headings (``#`` to ``######``) outside fenced code."""
    found = []
    for number, line in _outside_fences(text, first_line):
        match = HEADING.match(line)
        if match:
            found.append(Heading(len(match["hashes"]), match["text"], number))
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
        node = yaml.compose("\n".join(lines[1:end]))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return {}, end + 2, [Problem(path, (mark.line + 2) if mark else 1, f"front matter: {exc}")]
    if node is None:
        return {}, end + 2, []
    if not isinstance(node, yaml.MappingNode):
        return {}, end + 2, [Problem(path, 2, "front matter must be a mapping")]
    meta = {}
    for key, value in node.value:
        meta[key.value] = (yaml.safe_load(yaml.serialize(value)), value.start_mark.line + 2)
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


def find_references(text: str, path: Path, first_line: int = 1) -> tuple[list[Reference], list[Problem]]:
    """Every directive outside fenced code, from ``first_line`` (1-based) on."""
    references, problems = [], []
    for number, line in _outside_fences(text, first_line):
        for match in ANY_BRACES.finditer(line):
            directive = DIRECTIVE.fullmatch(match.group(0))
            if directive is None or directive["kind"] not in KINDS:
                problems.append(
                    Problem(path, number, f"unknown directive {match.group(0)!r}; "
                            f"expected one of: {', '.join(KINDS)}")
                )
                continue
            ref, problem = _parse(directive, line, path, number)
            if problem:
                problems.append(problem)
            else:
                references.append(ref)
    return references, problems


def _parse(match: re.Match, line: str, path: Path, number: int) -> tuple[Reference | None, Problem | None]:
    kind, body = match["kind"], match["body"]
    indent = line[: len(line) - len(line.lstrip())]
    if kind in BLOCK_KINDS and line.strip() != match.group(0):
        return None, Problem(path, number, f"'{kind}' must stand alone on its line")
    if kind in NO_SNIPPET_KINDS:
        return Reference(kind=kind, snippet="", name=body.strip(), path=path, line=number,
                         text=match.group(0), indent=indent), None
    target, *extras = [part.strip() for part in body.split("|")]
    snippet, _, name = target.partition("#")
    fmt = ""
    if kind == "value":
        name, _, fmt = name.partition(":")
        if not name:
            return None, Problem(path, number, f"value directive needs a name: {match.group(0)!r}")
    if kind == "output" and name:
        return None, Problem(path, number, "output takes no '#name': it is the whole printed output")
    if kind == "table" and (not name or not extras):
        return None, Problem(path, number, "table needs '#name' and one header per column after '|'")
    if kind == "figure" and len(extras) != 1:
        return None, Problem(path, number, "figure needs exactly one caption after '|'")
    return Reference(
        kind=kind,
        snippet=snippet.strip(),
        name=name.strip(),
        path=path,
        line=number,
        text=match.group(0),
        indent=indent,
        fmt=fmt.strip(),
        caption=extras[0] if kind == "figure" else "",
        columns=tuple(_column(h) for h in extras) if kind == "table" else (),
    ), None


def _column(text: str) -> Column:
    match = HEADER_FORMAT.match(text)
    return Column(match["header"], match["fmt"]) if match else Column(text)


def snippet_path(ref: Reference, project: Project) -> Path:
    return project.snippets_dir / ref.snippet


def check_snippet_exists(ref: Reference, project: Project) -> list[Problem]:
    """The snippet file a directive names exists (names inside it are checked by inject)."""
    if ref.kind in NO_SNIPPET_KINDS:
        return []
    path = snippet_path(ref, project)
    if not ref.snippet.endswith(".py") or not path.is_file():
        return [Problem(ref.path, ref.line, f"snippet not found: snippets/{ref.snippet}")]
    return []


def cells(path: Path) -> dict[str, str]:
    """Named ``# %% name`` cells of a snippet: name -> code (without the marker line)."""
    found: dict[str, list[str]] = {}
    current = None
    for line in path.read_text(encoding="utf-8").splitlines():
        marker = CELL_MARKER.match(line)
        if marker:
            current = marker["name"] or None
            if current:
                found[current] = []
        elif current:
            found[current].append(line)
    return {name: "\n".join(lines).strip("\n") for name, lines in found.items()}


def snippets_used(pages: list[Page], project: Project) -> list[Path]:
    """Each existing snippet whose results a page uses, once (one run serves every language).

    A snippet only shown as code (``{{ code: ... }}``) needs no run.
    """
    paths = {snippet_path(ref, project) for page in pages for ref in page.references
             if ref.kind not in ("code", *NO_SNIPPET_KINDS)}
    return sorted(p for p in paths if p.is_file())
