"""The search stage alone: card keywords, the jieba dictionary, readable previews, the query list."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from scripts import data
from scripts.collect import collect
from scripts.config import Project
from scripts.search import keywords, previews, words

REPO = Path(__file__).resolve().parents[1]
QUERIES = yaml.safe_load((REPO / "tests/browser/search_queries.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def real():
    project = Project.load(REPO)
    pages, _ = collect(project)
    return pages, data.load(project)


@pytest.mark.parametrize(("name", "expected"), [
    ("BatchNorm", ["batchnorm", "batch norm", "batch-norm"]),
    ("RMSNorm", ["rmsnorm", "rms norm", "rms-norm"]),
    ("mini-batch", ["minibatch", "mini batch", "mini-batch"]),
    ("clip_grad_norm_", ["clipgradnorm", "clip grad norm", "clip-grad-norm"]),
    ("chuẩn hóa theo lô", ["chuẩn hóa theo lô"]),
    ("批量规范化", ["批量规范化"]),
])
def test_spellings_are_how_code_and_papers_write_a_name(name, expected):
    assert keywords.spellings(name) == expected


def test_a_card_is_searched_by_the_names_of_the_terms_it_explains(real):
    pages, site_data = real
    by_key = {(keywords.card_key(page), page.lang): keywords.card_keywords(page, site_data) for page in pages}
    batch_norm_zh = by_key[("normalization/batch-norm", "zh")]
    assert {"batchnorm", "bn", "批归一化", "批量规范化", "规范化", "批量"} <= set(batch_norm_zh)
    assert {"batchnorm", "chuẩn", "lô", "bn"} <= set(by_key[("normalization/batch-norm", "vi")])
    assert {"rmsnorm", "groupnorm", "均方根归一化"} <= set(by_key[("normalization/group-rms-norm", "zh")])
    assert len(batch_norm_zh) == len(set(batch_norm_zh))  # each word once: no card ranks by repetition
    assert "小批量" not in batch_norm_zh  # a term counts only for the card that explains it


def test_a_glossary_card_that_names_no_card_is_reported_at_its_line(real, tmp_path):
    pages, site_data = real
    glossary = tmp_path / "glossary.yml"
    glossary.write_text("- en: x\n  card: normalization/batch-nrom\n", encoding="utf-8")
    misspelt = replace(site_data.glossary[0], en="x", card="normalization/batch-nrom")
    broken = replace(site_data, glossary=(misspelt,))
    [problem] = keywords.unknown_cards(pages, broken, glossary)
    assert problem.line == 2 and "batch-nrom" in problem.message and "normalization/batch-norm" in problem.message
    assert keywords.unknown_cards(pages, site_data, REPO / "data/glossary.yml") == []


def test_the_jieba_dictionary_keeps_every_chinese_term_whole(real, tmp_path):
    import jieba

    _, site_data = real
    path = words.write_dictionary(site_data, tmp_path / "jieba.txt")
    listed = path.read_text(encoding="utf-8").splitlines()
    assert {"批量规范化", "小批量", "均方根归一化", "循环神经网络"} <= set(listed)
    assert all(" " not in word and "（" not in word for word in listed)
    words.load_dictionary(path)
    for word in ("批量规范化", "均方根归一化", "神经元死亡"):
        assert list(jieba.cut(f"我们讨论{word}的作用")).count(word) == 1, word
    assert words.pieces("批量规范化")[-1] == "批量规范化" and "批量" in words.pieces("批量规范化")


@pytest.mark.parametrize(("indexed", "shown"), [
    (r"<p>scale \(\gamma\) and \(\sqrt{\sigma^2+\epsilon}\)</p>", "<p>scale γ and √(σ^2+ϵ)</p>"),
    (r"\(\hat x = \frac{x-\mu}{s}\)", "x̂ = (x-μ)/s"),
    (r"\(\left(\tfrac14\right)^{20}\)", "(1/4)^20"),
    (r"\[\|W^k x\|_2 &lt; 1\]", "‖W^k x‖_2 &lt; 1"),
    ("no formula, a \\ backslash", "no formula, a \\ backslash"),
])
def test_previews_show_formulas_as_plain_text(indexed, shown):
    assert previews.plain_math(indexed) == shown


def test_tags_show_in_the_pages_language(real):
    _, site_data = real
    assert previews.localized_tags(["normalization", "unknown"], "zh", site_data.tags) == ["归一化", "unknown"]


def test_the_query_list_names_every_card_in_both_languages(real):
    """Every card has queries in the list (tests/browser/search_queries.yml), in each language."""
    pages, _ = real
    cards = {keywords.card_key(page) for page in pages if page.is_card}
    for lang in ("vi", "zh"):
        targets = {card for _, card in QUERIES[lang]}
        assert targets <= cards, f"{lang}: not cards: {targets - cards}"
        assert cards <= targets, f"{lang}: cards without a query in search_queries.yml: {cards - targets}"
    assert sum(len(QUERIES[lang]) for lang in QUERIES) >= 48
