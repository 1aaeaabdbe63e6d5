"""Claims of the Vectorization card, asserted on the snippets' computed values.

No wall-clock threshold here: the timed snippets are checked for the structure of what they measure
(which cells are measured, which extrapolated) on tiny sizes; every non-timing claim is asserted."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import load_snippet, snippet_fixture

dot = snippet_fixture("training-basics/vec_dot.py")


overhead = snippet_fixture("training-basics/vec_overhead.py")


simd = snippet_fixture("training-basics/vec_simd.py")


gradient = snippet_fixture("training-basics/vec_gradient.py")


broadcast = snippet_fixture("training-basics/vec_broadcast.py")


memory = snippet_fixture("training-basics/vec_memory.py")


# --- (a) the dot product four ways

def test_the_four_dot_products_agree_up_to_rounding(dot):
    assert set(dot.results) == {"for", "sum", "np.dot", "torch.dot"}
    # different summation orders: not bit-identical in general, but within a few float64 epsilons
    assert max(dot.relative_error.values()) < 100 * np.finfo(np.float64).eps
    assert dot.relative_error["np.dot"] < 1e-14


def test_the_seeds_transpose_of_a_1d_array_does_nothing(dot):
    assert dot.transpose_is_noop


def test_experiment_constants(dot):
    assert dot.SIZES == (10**3, 10**4, 10**5, 10**6, 10**7)
    assert dot.LOOP_MAX == 10**6 and dot.BYTES == 8
    assert dot.SEED_N == 10**7 and dot.SEED_LOOP_S / dot.SEED_NUMPY_S == pytest.approx(400)


def test_python_versions_beyond_loop_max_are_extrapolated_from_the_per_element_cost(dot):
    seconds, extrapolated = dot.measure(sizes=(10, 100, 1000), loop_max=100)
    for name in ("for", "sum"):
        assert extrapolated[name] == {1000}
        assert seconds[name][1000] == pytest.approx(seconds[name][100] / 100 * 1000)
    assert extrapolated["np.dot"] == extrapolated["torch.dot"] == set()  # always measured
    assert all(seconds[name][n] > 0 for name in seconds for n in (10, 100, 1000))


def test_extrapolated_cells_are_marked(dot):
    assert dot.cell(1.234, True, ".3g") == "≈1.23"
    assert dot.cell(1.234, False, ".3g") == 1.234


def test_cache_placement_labels(dot):
    assert dot.where(100, 1000, 10_000) == "≤ L2"
    assert dot.where(5000, 1000, 10_000) == "≤ L3"
    assert dot.where(50_000, 1000, 10_000) == "> L3"
    l2, l3 = dot.cache_bytes()
    assert l2 is None or l3 is None or l2 < l3


def test_bytes_of_the_largest_vectors(dot):
    assert 2 * dot.BYTES * max(dot.SIZES) == 160_000_000  # two float64 vectors of 10^7: 160 MB


def test_sizes_are_written_as_powers_of_ten():
    common = load_snippet("training-basics/vec_common.py")
    assert common.power(10**7) == "10⁷" and common.power(3 * 10**4) == "3·10⁴" and common.power(442) == "442"


# --- (b) where the loop's time goes

def test_indexing_an_array_makes_a_new_object_a_list_hands_back_its_own():
    a = np.arange(3.0)
    assert a[1] is not a[1] and type(a[1]) is np.float64  # a new NumPy scalar on every read
    values = a.tolist()
    assert values[1] is values[1] and type(values[1]) is float  # the float the list already holds

def test_the_nine_versions_of_the_ladder_give_the_same_number(overhead):
    assert len(overhead.ladder_results) == 9
    assert overhead.ladder_spread_relative < 1e-12


def test_the_seeds_loop_is_timed_on_both_containers(overhead):
    """"The same for loop on a list": the very same function, only the container changes."""
    a = np.arange(3.0)
    methods = {name: (f, args) for name, f, args in overhead.ladder_methods(a, a)}
    f_array, args_array = methods["for a[i], ndarray"]
    f_list, args_list = methods["for a[i], list"]
    assert f_array is f_list is overhead.loop_index
    assert isinstance(args_array[0], np.ndarray) and isinstance(args_list[0], list)


def test_object_arrays_hold_python_floats(overhead):
    a = np.arange(3.0)
    methods = dict((name, args) for name, _, args in overhead.ladder_methods(a, a))
    assert methods["np.dot, object"][0].dtype == object
    assert isinstance(methods["np.dot, object"][0][0], float)
    assert isinstance(methods["np.dot(list, list)"][0], list)


def test_crossover_is_the_first_n_from_which_the_fast_one_always_wins(overhead):
    rows = {1: {"f": 5, "s": 1}, 2: {"f": 5, "s": 6}, 4: {"f": 5, "s": 4}, 8: {"f": 5, "s": 9},
            16: {"f": 5, "s": 20}}
    assert overhead.crossover(rows, "f", "s") == 8  # 2 does not count: the loop wins again at 4
    assert overhead.crossover({1: {"f": 5, "s": 1}}, "f", "s") == "> 1"


def test_small_sizes_are_timed_for_every_method(overhead):
    tiny = overhead.small(sizes=(1, 2))
    assert set(tiny) == {1, 2}
    assert set(tiny[1]) == {"for a[i], ndarray", "for x, y, list", "np.dot", "torch.dot"}


def test_simd_kernels_and_their_register_widths(simd):
    assert simd.KERNELS == {"Prescott": 2, "Haswell": 4, "SkylakeX": 8}  # float64 per 128/256/512-bit register
    assert [64 * lanes for lanes in simd.KERNELS.values()] == [128, 256, 512]
    assert simd.SEED_PARALLEL == 1000 and max(simd.KERNELS.values()) < simd.SEED_PARALLEL
    result = simd.run("Haswell", sizes=(1000,), repeats=1)
    assert result["check"] == 1000.0  # 0.5 * 2.0 summed over 1000 elements: same answer, any kernel
    assert set(result["ns"]) == {1000}


def test_cpu_flags_are_read_from_cpuinfo(simd):
    text = "processor\t: 0\nflags\t\t: fpu sse sse2 avx avx2 fma\n"
    assert simd.cpu_flags(text) == ["sse2", "avx2"]  # no avx512f in this text
    assert simd.cpu_flags("no flags line") == []
    assert simd.FLAGS == {"sse2": 128, "avx2": 256, "avx512f": 512}
    assert [bits // 64 for bits in simd.FLAGS.values()] == list(simd.KERNELS.values())  # 2, 4, 8 float64


def test_blas_info_reports_kernel_version_and_environment(dot):
    info = dot.blas_info()
    assert set(info) == {"kernel", "version", "coretype_env"}
    assert all(isinstance(v, str) and v for v in info.values())


# --- syntax

def test_the_syntax_section():
    import torch

    a, b = np.arange(3.0), np.arange(3.0, 6.0)
    m = np.arange(4.0).reshape(2, 2)
    assert np.dot(a, b) == a @ b == 14.0
    assert np.array_equal(np.dot(m, m), m @ m)  # 2-D: a matrix product
    with pytest.raises(RuntimeError):
        torch.dot(torch.ones(2, 2), torch.ones(2, 2))  # 1-D only
    with pytest.raises(RuntimeError):
        torch.dot(torch.ones(2), torch.ones(2, dtype=torch.float64))  # same dtype only
    x = np.ones((5, 3))
    assert x.mean(axis=1, keepdims=True).shape == (5, 1) and x.mean(axis=1).shape == (5,)
    y = np.ones((5, 1))
    assert all(v.shape == (5,) for v in (y.reshape(-1), y.ravel(), y[:, 0], y.squeeze(1)))
    assert np.broadcast_shapes((5, 1), (5,)) == (5, 5)


def test_a_recurrence_with_a_ready_made_function():
    # s_t = s_(t-1) + x_t: each step needs the previous one, yet np.cumsum computes it in one call
    x = np.random.default_rng(0).random(100)
    s, loop = 0.0, []
    for v in x:
        s += v
        loop.append(s)
    assert np.allclose(np.cumsum(x), loop)


# --- (c) the gradient of linear regression

def test_loop_and_matrix_gradients_agree_to_rounding(gradient):
    for name, (diff, size) in gradient.differences.items():
        assert set(diff) == {"rows", "python", "autograd"}
        assert max(diff.values()) / size < 1e-14, name  # relative to the largest gradient entry


def test_gradient_data_shapes(gradient):
    X, y = gradient.DATA["diabetes"]
    assert X.shape == (442, 11) and y.shape == (442,)
    assert np.all(X[:, 0] == 1)
    assert gradient.DATA["synthetic"][0].shape == gradient.SYNTHETIC


def test_gradient_timing_structure(gradient):
    seconds = gradient.measure(names=("diabetes",), repeats=1)
    assert set(seconds["diabetes"]) == {"rows", "python", "matrix"}


# --- (d) broadcasting bugs

def test_n1_minus_n_broadcasts_to_n_by_n(broadcast):
    n = broadcast.n
    assert broadcast.y_col.shape == (n, 1) and broadcast.pred.shape == (n,)
    assert broadcast.shape_wrong == (n, n) and broadcast.pairs_in_wrong == n * n
    assert broadcast.nbytes_wrong == n * broadcast.nbytes_right


def test_the_wrong_loss_is_a_different_number(broadcast):
    assert broadcast.loss_wrong > 2 * broadcast.loss_right
    assert broadcast.loss_fixed == pytest.approx(broadcast.loss_right, rel=1e-15)
    # it no longer pairs target i with prediction i
    assert abs(broadcast.loss_wrong_shuffled - broadcast.loss_wrong) < 1e-9 * broadcast.loss_wrong
    assert abs(broadcast.loss_wrong_formula - broadcast.loss_wrong) < 1e-9 * broadcast.loss_wrong


def test_an_assert_on_shapes_catches_it(broadcast):
    assert broadcast.assert_message.startswith("shapes differ")


def test_hand_written_gradient_gets_shape_d_by_n_and_the_update_fails(broadcast):
    assert broadcast.gradient_shape == (broadcast.X.shape[1], broadcast.n)
    assert "could not be broadcast" in broadcast.update_error


def test_pytorch_warns_but_returns_the_wrong_loss(broadcast):
    assert broadcast.torch_warning_category == "UserWarning"
    assert "broadcasting" in broadcast.torch_warning
    assert broadcast.torch_loss == pytest.approx(broadcast.loss_wrong, rel=1e-12)


def test_in_a_loop_the_warning_is_shown_once(broadcast):
    # Python's default filter: the first call from a given line only, then silence for every later step
    assert broadcast.STEPS > 1 and broadcast.torch_warnings_in_loop == 1


def test_the_hand_written_loss_trains_without_any_warning(broadcast):
    import warnings

    import torch

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        broadcast.train(torch.from_numpy(broadcast.y_col))
    assert caught == []


def test_training_on_the_wrong_loss_learns_only_the_mean(broadcast):
    assert abs(broadcast.r2(broadcast.w_bug)) < 1e-6
    assert broadcast.largest_feature_weight_bug < 1e-10
    assert broadcast.w_bug[0] == pytest.approx(broadcast.y.mean(), rel=1e-6)
    assert broadcast.r2(broadcast.w_ok) > 0.5
    assert broadcast.r2(broadcast.w_ok) == pytest.approx(broadcast.r2(broadcast.w_fit), abs=0.01)


def test_mean_without_keepdims_is_silently_wrong_on_a_square_block(broadcast):
    assert broadcast.rows.shape[0] == broadcast.rows.shape[1]
    assert broadcast.row_mean_wrong > 0.1
    assert broadcast.row_mean_right < 1e-12
    assert "could not be broadcast" in broadcast.rectangular_error


# --- memory of big intermediates

def test_broadcast_distances_materialize_n_m_d(memory):
    assert memory.peaks["broadcast"] >= memory.temporary_bytes
    assert memory.peaks["expansion"] < memory.peaks["broadcast"] / 10
    chunk_bytes = memory.CHUNK * memory.M * memory.D * 8
    assert chunk_bytes <= memory.peaks["chunked"] < memory.peaks["broadcast"] / 5


def test_the_three_distance_computations_agree(memory):
    assert memory.max_abs_diff["chunked"] == 0
    assert memory.max_abs_diff["expansion"] < 1e-10
    assert memory.reference.shape == (memory.N, memory.M)
