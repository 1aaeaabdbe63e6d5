"""Site data in ``data/``: card template, tags, topics and glossary, typed and validated at load.

Each file is read with line numbers, so a problem reads ``data/tags.yml:7: tag 'x' has no
'zh' label``. Every label must exist in every site language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from scripts.config import Project
from scripts.problems import BuildFailed, Problem

YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when installed

@dataclass(frozen=True)
class Section:
    key: str
    headings: dict[str, str]  # language -> heading


@dataclass(frozen=True)
class Term:
    """A glossary entry: the term in every language, in English, and an optional abbreviation."""

    key: str
    en: str
    names: dict[str, str]  # language -> term
    definitions: dict[str, str]  # language -> one-line definition
    abbr: str = ""
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)  # language or "en" -> other names readers use
    card: str = ""  # "<topic>/<card>": the card that explains the term (search ranks it first for the term)

    def all_names(self, lang: str) -> tuple[str, ...]:
        """The term in ``lang``, then its aliases there (the textbooks' words, other spellings)."""
        return (self.names[lang], *self.aliases.get(lang, ()))


@dataclass(frozen=True)
class SiteData:
    sections: tuple[Section, ...]
    tags: dict[str, dict[str, str]]  # tag -> language -> label
    topics: dict[str, dict[str, str]]  # topic folder -> language -> name
    glossary: tuple[Term, ...]

    def section_by_heading(self, lang: str) -> dict[str, Section]:
        return {s.headings[lang]: s for s in self.sections}


def load(project: Project) -> SiteData:
    """Read and validate every data file; all problems at once."""
    return _load(project.root / "data", project.languages)


@cache
def _load(folder: Path, languages: tuple[str, ...]) -> SiteData:
    reader = _Reader(languages)
    data = SiteData(
        sections=reader.sections(folder / "template.yml"),
        tags=reader.labels(folder / "tags.yml", "tag"),
        topics=reader.labels(folder / "topics.yml", "topic"),
        glossary=reader.glossary(folder / "glossary.yml"),
    )
    if reader.problems:
        raise BuildFailed(reader.problems)
    return data


def clear_cache() -> None:
    """Forget loaded data (``mkdocs serve`` calls it before each rebuild)."""
    _load.cache_clear()


class _Reader:
    def __init__(self, languages: tuple[str, ...]):
        self.languages = languages
        self.problems: list[Problem] = []

    def _root(self, path: Path, kind: type) -> yaml.Node | None:
        if not path.is_file():
            self.problems.append(Problem(path, 1, "file not found"))
            return None
        try:
            node = yaml.compose(path.read_text(encoding="utf-8"), Loader=YAML_LOADER)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            self.problems.append(Problem(path, mark.line + 1 if mark else 1, f"invalid YAML: {exc}"))
            return None
        if not isinstance(node, kind):
            self.problems.append(Problem(path, 1, f"expected a {'list' if kind is yaml.SequenceNode else 'mapping'}"))
            return None
        return node

    def _text(self, node: yaml.Node | None, path: Path, line: int, what: str) -> str:
        if not isinstance(node, yaml.ScalarNode) or not str(node.value).strip():
            self.problems.append(Problem(path, line, f"{what} must be non-empty text"))
            return ""
        return str(node.value).strip()

    def _per_language(self, node: yaml.Node | None, path: Path, line: int, what: str) -> dict[str, str]:
        fields = _fields(node) if isinstance(node, yaml.MappingNode) else {}
        if not fields:
            self.problems.append(Problem(path, line, f"{what} needs a mapping with {', '.join(self.languages)}"))
            return {}
        result = {}
        for lang in self.languages:
            if lang not in fields:
                self.problems.append(Problem(path, line, f"{what} has no '{lang}' label"))
                continue
            result[lang] = self._text(fields[lang], path, fields[lang].start_mark.line + 1, f"{what} '{lang}'")
        return result

    def labels(self, path: Path, what: str) -> dict[str, dict[str, str]]:
        root = self._root(path, yaml.MappingNode)
        if root is None:
            return {}
        return {key.value: self._per_language(value, path, key.start_mark.line + 1, f"{what} '{key.value}'")
                for key, value in root.value}

    def sections(self, path: Path) -> tuple[Section, ...]:
        root = self._root(path, yaml.MappingNode)
        items = _fields(root).get("sections") if root is not None else None
        if root is not None and not isinstance(items, yaml.SequenceNode):
            self.problems.append(Problem(path, 1, "'sections' must be a list"))
        sections = []
        for item in items.value if isinstance(items, yaml.SequenceNode) else []:
            line = item.start_mark.line + 1
            fields = _fields(item) if isinstance(item, yaml.MappingNode) else {}
            key = self._text(fields.get("key"), path, line, "section 'key'")
            headings = {lang: self._text(fields.get(lang), path, line, f"section '{key}' heading '{lang}'")
                        for lang in self.languages}
            sections.append(Section(key, headings))
        return tuple(sections)

    def glossary(self, path: Path) -> tuple[Term, ...]:
        root = self._root(path, yaml.SequenceNode)
        terms = []
        for item in root.value if root is not None else []:
            line = item.start_mark.line + 1
            fields = _fields(item) if isinstance(item, yaml.MappingNode) else {}
            en = self._text(fields.get("en"), path, line, "term 'en'")
            names = {lang: self._text(fields.get(lang), path, line, f"term '{en}' '{lang}'")
                     for lang in self.languages}
            definitions = self._per_language(fields.get("definition"), path, line, f"term '{en}' definition")
            abbr = self._text(fields["abbr"], path, line, f"term '{en}' abbr") if "abbr" in fields else ""
            aliases = self._aliases(fields.get("aliases"), path, line, en)
            card = self._text(fields["card"], path, line, f"term '{en}' card") if "card" in fields else ""
            unknown = set(fields) - {"en", "abbr", "card", "definition", "aliases", *self.languages}
            if unknown:
                self.problems.append(Problem(path, line, f"term '{en}': unknown field(s) {sorted(unknown)}"))
            terms.append(Term(key=en.lower().replace(" ", "-"), en=en, names=names,
                              definitions=definitions, abbr=abbr, aliases=aliases, card=card))
        return tuple(terms)

    def _aliases(self, node: yaml.Node | None, path: Path, line: int, en: str) -> dict[str, tuple[str, ...]]:
        """``aliases: {en: [...], vi: [...], zh: [...]}``: optional, any language may be left out;
        ``en`` holds the spellings of code and papers (BatchNorm, RMS norm)."""
        if node is None:
            return {}
        fields = _fields(node) if isinstance(node, yaml.MappingNode) else None
        allowed = ("en", *self.languages)
        if fields is None or set(fields) - set(allowed):
            self.problems.append(Problem(path, node.start_mark.line + 1,
                                         f"term '{en}' aliases: a mapping of {', '.join(allowed)} to lists"))
            return {}
        aliases = {}
        for lang, items in fields.items():
            if not isinstance(items, yaml.SequenceNode):
                self.problems.append(Problem(path, items.start_mark.line + 1, f"term '{en}' aliases '{lang}': a list"))
                continue
            aliases[lang] = tuple(self._text(item, path, item.start_mark.line + 1, f"term '{en}' alias")
                                  for item in items.value)
        return aliases


def _fields(node: yaml.MappingNode) -> dict[str, yaml.Node]:
    return {key.value: value for key, value in node.value}
