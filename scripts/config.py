"""The project's layout and settings, read once from ``mkdocs.yml`` (no second config file).

Languages come from the i18n plugin's ``languages`` list; the pipeline's own settings are
constants, overridable from the environment: DLCARDS_WORKERS (parallel snippet runs, default:
the number of cores), DLCARDS_CACHE_DIR, DLCARDS_PAGE_MB (the largest a page may grow with its
results injected), DLCARDS_NOTEBOOKS (0 or 1: the notebook pages off or on, over mkdocs.yml), and
the limits of one run in ``engine/limits.py`` (DLCARDS_TIMEOUT, ...).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import yaml

from scripts.engine.limits import Limits
from scripts.problems import BuildFailed, Problem


@dataclass(frozen=True)
class Project:
    root: Path
    docs_dir: Path
    snippets_dir: Path
    cache_dir: Path
    languages: tuple[str, ...]
    default_language: str
    limits: Limits = Limits()
    workers: int = 2
    page_mb: float = 4.0  # a page's Markdown after injection (output, tables; figures are files): DLCARDS_PAGE_MB
    notebooks: bool = False  # each card also as an executed notebook page: mkdocs.yml extra.dlcards.notebooks

    @classmethod
    def load(cls, root: Path | str = ".") -> Project:
        """Read ``mkdocs.yml`` under ``root``; a missing or malformed field fails with its line."""
        root = Path(root).resolve()
        config_file = root / "mkdocs.yml"
        config = _read_yaml(config_file)
        languages = _i18n_languages(config, config_file)
        default = next((lang["locale"] for lang in languages if lang.get("default")), None)
        locales = tuple(lang["locale"] for lang in languages)
        return cls(
            root=root,
            docs_dir=root / config.get("docs_dir", "docs"),
            snippets_dir=root / "snippets",
            cache_dir=Path(os.environ.get("DLCARDS_CACHE_DIR", root / ".cache" / "results")),
            languages=locales,
            default_language=default or locales[0],
            limits=Limits.from_environment(),
            workers=_workers(),
            page_mb=_positive_number("DLCARDS_PAGE_MB", cls.page_mb),
            notebooks=_notebooks_setting(config, config_file),
        )

    def relative(self, path: Path) -> str:
        """A path as shown to authors: relative to the project root."""
        try:
            return Path(path).resolve().relative_to(self.root).as_posix()
        except ValueError:
            return str(path)


def _notebooks_setting(config: dict, path: Path) -> bool:
    """``extra.dlcards.notebooks`` in mkdocs.yml; DLCARDS_NOTEBOOKS=0 or 1 overrides it (make bench)."""
    override = os.environ.get("DLCARDS_NOTEBOOKS", "")
    if override in ("0", "1"):
        return override == "1"
    value = ((config.get("extra") or {}).get("dlcards") or {}).get("notebooks", False)
    if not isinstance(value, bool):
        raise BuildFailed([Problem(path, 1, f"extra.dlcards.notebooks must be true or false, not {value!r}")])
    return value


def _positive_number(name: str, default: float) -> float:
    text = os.environ.get(name, "")
    try:
        value = float(text) if text else default
    except ValueError:
        value = -1.0
    if value <= 0:
        raise BuildFailed([Problem(Path(name), 0, f"must be a positive number, not {text!r}")])
    return value


def _workers() -> int:
    text = os.environ.get("DLCARDS_WORKERS", "")
    if text and not (text.isdigit() and int(text) > 0):
        raise BuildFailed([Problem(Path("DLCARDS_WORKERS"), 0, f"must be a positive whole number, not {text!r}")])
    return int(text) if text else max(1, len(os.sched_getaffinity(0)))


class _TolerantLoader(yaml.SafeLoader):
    """Safe YAML that skips ``!!python/...`` tags MkDocs allows, instead of failing on them."""


_TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda *_: None)
_TolerantLoader.add_multi_constructor("!", lambda *_: None)


def _read_yaml(path: Path) -> dict:
    if not path.is_file():
        raise BuildFailed([Problem(path, 1, "file not found")])
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_TolerantLoader) or {}
    except yaml.YAMLError as exc:
        line = exc.problem_mark.line + 1 if getattr(exc, "problem_mark", None) else 1
        raise BuildFailed([Problem(path, line, f"invalid YAML: {exc}")]) from exc


def _i18n_languages(config: dict, path: Path) -> list[dict]:
    for plugin in config.get("plugins", []):
        if isinstance(plugin, dict) and "i18n" in plugin:
            languages = (plugin["i18n"] or {}).get("languages") or []
            if languages and all(isinstance(x, dict) and "locale" in x for x in languages):
                return languages
    raise BuildFailed([Problem(path, 1, "plugins.i18n.languages must list each 'locale'")])
