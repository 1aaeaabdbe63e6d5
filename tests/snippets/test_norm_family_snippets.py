"""Each claim of the comparison card and of the GroupNorm / RMSNorm card, on computed values."""

from __future__ import annotations

import pytest
from conftest import load_snippet


@pytest.fixture(scope="module")
def comparison():
    return load_snippet("normalization/norm_comparison.py")


def test_every_method_matches_its_written_out_reduction(comparison):
    for rows in (comparison.cnn, comparison.seq):
        assert all(row["matches_reference"] < 1e-5 for row in rows.values())


def test_statistics_shapes(comparison):
    n, c = comparison.CNN_SHAPE[:2]
    b, t, d = comparison.SEQ_SHAPE
    g = comparison.GROUPS
    assert {k: r["stats_shape"] for k, r in comparison.cnn.items()} == {
        "bn": (c,), "ln": (n,), "gn": (n, g), "rms": (n,)}
    assert {k: r["stats_shape"] for k, r in comparison.seq.items()} == {
        "bn": (d,), "ln": (b, t), "gn": (b, t, g), "rms": (b, t)}


def test_only_batch_norm_depends_on_the_batch_and_on_the_mode(comparison):
    for rows in (comparison.cnn, comparison.seq):
        assert rows["bn"]["batch_dependence"] > 0.1 and rows["bn"]["train_eval_gap"] > 0.01
        assert rows["bn"]["buffers"] == 3
        for kind in ("ln", "gn", "rms"):
            assert rows[kind]["batch_dependence"] == 0 and rows[kind]["train_eval_gap"] == 0
            assert rows[kind]["buffers"] == 0 and rows[kind]["batch_of_one"] == 0


def test_batch_of_one(comparison):
    assert comparison.cnn["bn"]["batch_of_one"] > 0.1  # works on one image, but different output
    assert comparison.seq["bn"]["one_token"] == "ValueError"
    assert comparison.seq["ln"]["one_token"] == 0


def test_rms_norm_keeps_the_mean_the_others_remove_it(comparison):
    for rows in (comparison.cnn, comparison.seq):
        assert rows["rms"]["output_mean_of_shifted"] == pytest.approx(3 / 10**0.5, abs=0.02)
        assert all(abs(rows[k]["output_mean_of_shifted"]) < 1e-5 for k in ("bn", "ln", "gn"))


def test_timings_are_positive_and_listed(comparison):
    assert all(t > 0 for t in (*comparison.timing_cnn.values(), *comparison.timing_seq.values()))


def test_group_norm():
    gn = load_snippet("normalization/group_norm.py")
    assert gn.max_diff < 1e-5
    assert gn.gap_layer < 1e-5 and gn.gap_instance < 1e-5  # G = 1 is LN, G = C is InstanceNorm
    assert gn.batch_independence == 0 and gn.train_eval_gap == 0
    assert gn.bad_groups_error.startswith("ValueError")
    counts = {k: len(set(gn.sharing_map(k).flatten())) for k in ("BN", "LN", "GN", "IN")}
    assert counts == {"BN": 6, "LN": 4, "GN": 12, "IN": 24}


def test_rms_norm():
    rms = load_snippet("normalization/rms_norm.py")
    assert rms.max_diff < 1e-5 and rms.eps == pytest.approx(1.1920929e-07)
    assert all(row[1] == pytest.approx(1.0, abs=1e-4) for row in rms.rows)  # output RMS is 1 (gamma = 1)
    assert rms.rows[0][4] < 1e-5  # vectors centred exactly: RMSNorm equals LayerNorm
    assert rms.rows[1][4] > 0.1  # random vectors are only centred on average: they differ
    means = [row[2] for row in rms.rows]
    assert means == sorted(means) and means[-1] > 0.9  # the mean survives, LN's does not
    assert all(row[3] < 1e-6 for row in rms.rows)
    assert rms.params_rms * 2 == rms.params_ln  # no beta
