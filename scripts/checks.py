"""Page checks: template sections, known tags, encoding, no Vietnamese or Chinese inside math, parity.

Run with every build and alone as ``make check``. Each problem names the file and line.
Parity: every page under docs/ (cards, home, tags, glossary...) exists in every language. A card's
translations keep step with the default-language card: the same sections in the same order, the
same references (kind, snippet, name) in the same order, the same tags; another page's translations
keep the same directives (``{{ catalog: ... }}``...) in the same order.
"""

from __future__ import annotations

import difflib
import hashlib
import os
from collections import defaultdict
from pathlib import Path

from scripts.checks_layout import check_code_width
from scripts.checks_math import check_math_letters
from scripts.collect import Page, Reference
from scripts.config import Project
from scripts.data import SiteData
from scripts.problems import Problem

EXTRA = "(extra)"


CLEAN_TEXTS = "mojibake-free.memo"  # in the cache folder: hashes of page texts already found free of mojibake


def check_pages(pages: list[Page], data: SiteData, project: Project) -> list[Problem]:
    """Every problem of the checks, for every page, all at once."""
    problems = []
    problems += _encoding_problems(pages, project)
    for page in pages:
        problems += check_math_letters(page)
        problems += check_code_width(page)
        if page.is_card:
            if page.topic not in data.topics:
                problems.append(Problem(page.path, 1, f"topic folder '{page.topic}' is not in data/topics.yml"))
            problems += check_title(page)
            problems += check_tags(page, data)
            problems += check_sections(page, data)
    problems += check_parity(pages, project, data)
    return problems


def _encoding_problems(pages: list[Page], project: Project) -> list[Problem]:
    """``check_encoding`` for every page whose exact text has not already been found clean (the
    check is slow, and a warm build should not pay it again for unchanged pages)."""
    memo = project.cache_dir / CLEAN_TEXTS
    try:
        clean = set(memo.read_text(encoding="ascii").split())
    except (OSError, UnicodeDecodeError):
        clean = set()
    problems, now_clean = [], set()
    for page in pages:
        digest = hashlib.sha256(page.text.encode("utf-8", "surrogatepass")).hexdigest()
        found = [] if digest in clean else check_encoding(page)
        problems += found
        if not found:
            now_clean.add(digest)
    if now_clean != clean:
        try:
            memo.parent.mkdir(parents=True, exist_ok=True)
            memo.write_text("\n".join(sorted(now_clean)), encoding="ascii")
        except OSError:
            pass  # a read-only cache only costs time
    return problems


def check_encoding(page: Page) -> list[Problem]:
    """Lines that look like mojibake (UTF-8 read in another code page and saved again)."""
    from ftfy import fix_text  # imported only when a page changed
    from ftfy.badness import is_bad

    problems = []
    for number, line in enumerate(page.text.splitlines(), start=1):
        if not line.isascii() and is_bad(line):  # mojibake is never plain ASCII
            repaired = fix_text(line)
            hint = f"; probably meant: {repaired.strip()[:60]!r}" if repaired != line else ""
            problems.append(Problem(page.path, number, f"text looks garbled (mojibake){hint}"))
    return problems


def check_title(page: Page) -> list[Problem]:
    titles = [h for h in page.headings if h.level == 1]
    if len(titles) != 1:
        return [Problem(page.path, titles[1].line if titles else 1,
                        f"a card has exactly one '# ' title, found {len(titles)}")]
    return []


def check_tags(page: Page, data: SiteData) -> list[Problem]:
    line = page.field_lines.get("tags", 1)
    return [Problem(page.path, line, f"unknown tag '{tag}' (known: {', '.join(data.tags)}; "
                                     f"add new ones to data/tags.yml)")
            for tag in page.tags if tag not in data.tags]


def section_sequence(page: Page, data: SiteData) -> list[tuple[str, int]]:
    """(section key, line) for each ``##`` heading; headings outside the template are EXTRA."""
    by_heading = data.section_by_heading(page.lang)
    return [(by_heading[h.text].key if h.text in by_heading else EXTRA, h.line)
            for h in page.headings if h.level == 2]


def check_sections(page: Page, data: SiteData) -> list[Problem]:
    """The ten template sections, each once, in order, with the heading of the page's language."""
    problems = _foreign_headings(page, data)
    first_of: dict[str, int] = {}
    for key, line in section_sequence(page, data):
        if key == EXTRA:
            continue
        if key in first_of:
            problems.append(Problem(page.path, line, f"section '{key}' appears twice"))
        first_of.setdefault(key, line)
    order = [s.key for s in data.sections]
    present = [k for k in order if k in first_of]
    in_page_order = sorted(present, key=first_of.__getitem__)
    if in_page_order != present:
        wrong = next(a for a, b in zip(in_page_order, present, strict=True) if a != b)
        template = ", ".join(_heading(data, k, page.lang) for k in order)
        problems.append(Problem(page.path, first_of[wrong], f"section '{_heading(data, wrong, page.lang)}' "
                                                            f"is out of order; the template order is: {template}"))
    end = page.text.count("\n") + 1
    problems += [Problem(page.path, _insert_line(key, order, first_of, end),
                         f"missing section '## {_heading(data, key, page.lang)}' ({key})")
                 for key in order if key not in first_of]
    return problems


def _foreign_headings(page: Page, data: SiteData) -> list[Problem]:
    """A template heading written in another language than the page's."""
    problems = []
    for heading in (h for h in page.headings if h.level == 2):
        for section in data.sections:
            for lang, text in section.headings.items():
                if lang != page.lang and text == heading.text != section.headings[page.lang]:
                    problems.append(Problem(page.path, heading.line,
                                            f"'{heading.text}' is the {lang} heading of section "
                                            f"'{section.key}'; a {page.lang} card writes "
                                            f"'{section.headings[page.lang]}'"))
    return problems


def _heading(data: SiteData, key: str, lang: str) -> str:
    return next(s.headings[lang] for s in data.sections if s.key == key)


def _insert_line(key: str, order: list[str], first_of: dict[str, int], end: int) -> int:
    """Where a missing section belongs: the line of the next present section, or the end."""
    later = [first_of[k] for k in order[order.index(key) + 1:] if k in first_of]
    return min(later) if later else end


def check_parity(pages: list[Page], project: Project, data: SiteData) -> list[Problem]:
    """Each page exists in every language and its translations keep step with the default one."""
    return [problem for group in group_pages(pages, project).values()
            for problem in page_parity(group, project, data)]


def group_pages(pages: list[Page], project: Project) -> dict[str, dict[str, Page]]:
    """Name under docs/ without language and suffix ('index', 'normalization/layer-norm') -> language -> page."""
    groups: dict[str, dict[str, Page]] = defaultdict(dict)
    docs = project.docs_dir.resolve()
    for page in pages:
        name = Path(os.path.relpath(page.path.resolve().parent / page.slug, docs)).as_posix()
        groups[name][page.lang] = page
    return dict(groups)


def page_parity(group: dict[str, Page], project: Project, data: SiteData) -> list[Problem]:
    """What differs between one page's languages, as problems on the translation's lines."""
    any_page = _first(group)
    missing = [lang for lang in project.languages if lang not in group]
    problems = [Problem(any_page.path, 1, f"no {lang} version of this {_noun(any_page)}: expected "
                                          f"{project.relative(_twin(any_page.path, lang))}")
                for lang in missing]
    base = group.get(project.default_language)
    if base is None:
        return problems
    for lang, page in group.items():
        if lang != base.lang:
            problems += _compare(base, page, data) if page.is_card else _references_problems(base, page, "directive")
    return problems


def _noun(page: Page) -> str:
    return "card" if page.is_card else "page"


def _twin(path: Path, lang: str) -> Path:
    stem = path.name.split(".")[0]
    return path.with_name(f"{stem}.{lang}.md")


def _compare(base: Page, other: Page, data: SiteData) -> list[Problem]:
    problems = []
    if list(base.tags) != list(other.tags):
        problems.append(Problem(other.path, other.field_lines.get("tags", 1),
                                f"tags {list(other.tags)} differ from the {base.lang} card's {list(base.tags)}"))
    base_sections, other_sections = section_sequence(base, data), section_sequence(other, data)
    if [k for k, _ in base_sections] != [k for k, _ in other_sections]:
        problems += _sequence_problems("section", base, other, base_sections, other_sections)
    return problems + _references_problems(base, other, "reference")


def _references_problems(base: Page, other: Page, what: str) -> list[Problem]:
    """The directives of two translations: the same kinds and targets, in the same order."""
    base_refs = [(_ref_key(r), r.line) for r in base.references]
    other_refs = [(_ref_key(r), r.line) for r in other.references]
    return _sequence_problems(what, base, other, base_refs, other_refs)


def _ref_key(ref: Reference) -> str:
    if not ref.snippet:
        return f"{ref.kind}: {ref.name}"  # a catalog
    return f"{ref.kind}: {ref.snippet}" + (f"#{ref.name}" if ref.name else "")


def _sequence_problems(what: str, base: Page, other: Page, base_items: list[tuple[str, int]],
                       other_items: list[tuple[str, int]]) -> list[Problem]:
    """One problem per differing stretch of two (item, line) sequences."""
    a, b = [k for k, _ in base_items], [k for k, _ in other_items]
    problems = []
    end = other.text.count("\n") + 1
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        line = other_items[j1][1] if j1 < len(b) else (other_items[-1][1] if b else end)
        theirs = ", ".join(a[i1:i2]) or "nothing"
        ours = ", ".join(b[j1:j2]) or "nothing"
        where = f" ({base.lang} line {base_items[i1][1]})" if i1 < len(a) else ""
        problems.append(Problem(other.path, line, f"{what}s differ from the {base.lang} {_noun(base)}: "
                                                  f"{base.lang} has [{theirs}]{where}, {other.lang} has [{ours}]"))
    return problems


def parity_report(pages: list[Page], project: Project, data: SiteData) -> list[str]:
    """One line per card, then one per other page: in step, or how many differences and where."""
    groups = group_pages(pages, project)
    lines = []
    for name in sorted(groups, key=lambda name: (not _first(groups[name]).is_card, name)):
        group = groups[name]
        problems = page_parity(group, project, data)
        first = _first(group)
        status = "in step" if not problems else f"{len(problems)} difference(s)"
        counts = (f"{len(section_sequence(first, data))} sections, {len(first.references)} references"
                  if first.is_card else f"{len(first.references)} directive(s)")
        lines.append(f"{name} [{', '.join(sorted(group))}]: {counts}: {status}")
        lines += [f"    {problem}" for problem in problems]
    return lines


def _first(group: dict[str, Page]) -> Page:
    return next(iter(group.values()))
