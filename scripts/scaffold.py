"""Scaffold a new card: ``make card NAME=group-norm TOPIC=normalization``.

Creates, and never overwrites:
- ``docs/<topic>/<name>.vi.md`` and ``.zh.md`` with the ten template headings;
- ``snippets/<topic>/<name>.py``, a runnable snippet both cards already use;
- ``tests/snippets/test_<name>.py``, where the card's claims get asserted.

The cards fail ``make check`` until their title and description are written.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from scripts import data
from scripts.config import Project

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

COMMENTS = {
    "vi": "<!-- Viết phần này bằng lời của bạn; mọi con số lấy từ đoạn mã qua chỉ thị value. -->",
    "zh": "<!-- 用自己的话写这一节；所有数字都通过 value 指令取自代码。 -->",
}

SNIPPET = '''"""{title}: what this snippet computes, in one sentence."""

import torch

torch.manual_seed(0)


# %% example
def example() -> float:
    """Replace with the computation the card explains."""
    x = torch.randn(4, 8)
    return float(x.mean())


if __name__ == "__main__":
    result = example()
    print(f"mean = {{result:.4f}}")
    VALUES = {{"mean": result}}
'''

TEST = '''"""Claims of the {title} card, asserted on the snippet's computed values."""

from conftest import load_snippet


def test_example_claim():
    snippet = load_snippet("{snippet}")
    # Replace with a claim the card makes, e.g. "the output mean is about 0".
    assert abs(snippet.example()) < 1.0
'''


def card_text(lang: str, title: str, snippet: str, tags: list[str], site: data.SiteData) -> str:
    """Front matter, the title, and the ten sections; the code section already uses the snippet."""
    lines = ["---", 'title: ""', 'description: ""', f"tags: [{', '.join(tags)}]", "---", "", f"# {title}", ""]
    for section in site.sections:
        lines += [f"## {section.headings[lang]}", ""]
        if section.key == "code":
            lines += [f"{{{{ code: {snippet}#example }}}}", "", f"{{{{ output: {snippet} }}}}", ""]
        else:
            lines += [COMMENTS[lang], ""]
    return "\n".join(lines)


def scaffold(project: Project, name: str, topic: str) -> list[Path]:
    """Create the files; raise ValueError (nothing written) when a name is bad or a file exists."""
    site = data.load(project)
    if not SLUG.match(name) or not SLUG.match(topic):
        raise ValueError("NAME and TOPIC are lower-case words joined by '-', e.g. NAME=group-norm")
    if topic not in site.topics:
        raise ValueError(f"unknown topic '{topic}' (known: {', '.join(site.topics)}); "
                         f"add it to data/topics.yml with its vi and zh names first")
    module = name.replace("-", "_")
    snippet = f"{topic}/{module}.py"
    title = name.replace("-", " ").title()
    tags = [topic] if topic in site.tags else []
    files = {project.docs_dir / topic / f"{name}.{lang}.md": card_text(lang, title, snippet, tags, site)
             for lang in project.languages}
    files[project.snippets_dir / snippet] = SNIPPET.format(title=title)
    files[project.root / "tests" / "snippets" / f"test_{module}.py"] = TEST.format(title=title, snippet=snippet)
    existing = [path for path in files if path.exists()]
    if existing:
        raise ValueError("refusing to overwrite: " + ", ".join(project.relative(p) for p in existing))
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return list(files)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.scaffold", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--name", required=True, help="card slug, e.g. group-norm")
    parser.add_argument("--topic", required=True, help="topic folder, e.g. normalization")
    parser.add_argument("--root", type=Path, default=Path("."))
    args = parser.parse_args(argv)
    project = Project.load(args.root)
    try:
        created = scaffold(project, args.name, args.topic)
    except ValueError as exc:
        print(f"make card: {exc}", file=sys.stderr)
        return 1
    for path in created:
        print(f"created {project.relative(path)}")
    print("next: write title, description and the sections in both languages, then `make check`")
    return 0


if __name__ == "__main__":
    sys.exit(main())
