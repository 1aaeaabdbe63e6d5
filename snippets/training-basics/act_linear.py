"""Why the activation must be non-linear: the
seed's 1-2-1 network with f(x) = 2x + 3 is a line.

One input, two hidden units, one output; f is applied after the hidden layer
AND after the output layer, as in the seed. With f linear, the network's output
is exactly a*x + b, and a, b follow from the weights. With tanh in place of f,
the same weights give a curve: the best line (least squares) leaves a residual.
Then many random weight draws, and a wider and deeper network (1-8-8-1).
"""

import matplotlib.pyplot as plt
import numpy as np

X_MIN, X_MAX, N_X = -3.0, 3.0, 601
SLOPE, INTERCEPT = 2.0, 3.0  # the seed's f(x) = 2x + 3
DRAWS = 1000                 # random weight sets, N(0, 1) weights and biases
WIDTHS_DEEP = (1, 8, 8, 1)

x = np.linspace(X_MIN, X_MAX, N_X)


def f_linear(z):
    """The seed's linear activation f(z) = 2z + 3."""
    return SLOPE * z + INTERCEPT


# %% network
# the seed's notation: w1[0, j] = w_{1j}^{(1)}, b1[j]
# = b_j^{(1)}; w2[j, 0] = w_{j1}^{(2)}, b2 = b_1^{(2)}
# chosen weights (the seed gives none)
w1, b1 = np.array([[1.5, -2.0]]), np.array([0.5, 1.0])
w2, b2 = np.array([[1.0], [1.5]]), np.array([-0.5])


def network(x, f, w1=w1, b1=b1, w2=w2, b2=b2):
    """1-2-1: f after the hidden layer and after the output layer."""
    hidden = f(x[:, None] @ w1 + b1)          # a^{(1)}, shape (n, 2)
    return f(hidden @ w2 + b2)[:, 0]           # y_hat = a^{(2)}


# %% collapse
def collapse(w1, b1, w2, b2):
    """Expand f(b2 + f(b1 + x w1) w2) with f(z) = 2z + 3 into a*x + b."""
    # 4 (w11 w11' + w12 w21')
    a = SLOPE * SLOPE * (w1[0] @ w2[:, 0])
    # 2 (b2 + sum (2 b1j + 3) wj1) + 3
    b = SLOPE * (b2[0] + (SLOPE * b1 + INTERCEPT) @ w2[:, 0]) + INTERCEPT
    return a, b


a, b = collapse(w1, b1, w2, b2)
linear_gap = np.abs(network(x, f_linear) - (a * x + b)).max()


# %% tanh
def best_line(x, y):
    """Least-squares line through (x, y): slope, intercept, residuals."""
    design = np.stack([x, np.ones_like(x)], axis=1)
    (slope, intercept), *_ = np.linalg.lstsq(design, y, rcond=None)
    return slope, intercept, y - (slope * x + intercept)


def rms(v):
    """Root mean square."""
    return float(np.sqrt(np.mean(v**2)))


y_tanh = network(x, np.tanh)
tanh_slope, tanh_intercept, tanh_residual = best_line(x, y_tanh)
tanh_unexplained = tanh_residual.var() / y_tanh.var()        # 1 - R^2 of the best line

# %% draws
rng = np.random.default_rng(0)
draw_gaps, draw_unexplained = [], []
for _ in range(DRAWS):
    weights = (
        rng.normal(size=(1, 2)),
        rng.normal(size=2),
        rng.normal(size=(2, 1)),
        rng.normal(size=1),
    )
    draw_gaps.append(
        np.abs(network(x, f_linear, *weights) - np.polyval(collapse(*weights), x)).max()
    )
    y = network(x, np.tanh, *weights)
    draw_unexplained.append(best_line(x, y)[2].var() / y.var())
draw_unexplained = np.array(draw_unexplained)


# %% deep
def deep_network(x, f, seed=1):
    """1-8-8-1, f after every layer, N(0, 1/fan_in) weights, N(0, 1) biases."""
    gen = np.random.default_rng(seed)
    h = x[:, None]
    for fan_in, fan_out in zip(WIDTHS_DEEP[:-1], WIDTHS_DEEP[1:], strict=True):
        h = f(
            h @ gen.normal(size=(fan_in, fan_out)) / np.sqrt(fan_in)
            + gen.normal(size=fan_out)
        )
    return h[:, 0]


_, _, deep_linear_residual = best_line(x, deep_network(x, f_linear))
y_deep_tanh = deep_network(x, np.tanh)
_, _, deep_tanh_residual = best_line(x, y_deep_tanh)

# %%
VALUES = {
    "slope": SLOPE,
    "intercept": INTERCEPT,
    "x_min": X_MIN,
    "x_max": X_MAX,
    "n_x": N_X,
    "w11": float(w1[0, 0]),
    "w12": float(w1[0, 1]),
    "b11": float(b1[0]),
    "b12": float(b1[1]),
    "v11": float(w2[0, 0]),
    "v21": float(w2[1, 0]),
    "b21": float(b2[0]),
    "a": float(a),
    "b": float(b),
    "linear_gap": float(linear_gap),
    "tanh_slope": float(tanh_slope),
    "tanh_intercept": float(tanh_intercept),
    "tanh_rms": rms(tanh_residual),
    "tanh_max": float(np.abs(tanh_residual).max()),
    "tanh_unexplained_pct": float(tanh_unexplained * 100),
    "draws": DRAWS,
    "draw_gap_max": float(max(draw_gaps)),
    "draw_unexplained_min": float(draw_unexplained.min()),
    "draw_unexplained_median_pct": float(np.median(draw_unexplained) * 100),
    "deep_widths": "-".join(map(str, WIDTHS_DEEP)),
    "deep_linear_rms": rms(deep_linear_residual),
    "deep_tanh_rms": rms(deep_tanh_residual),
    "deep_tanh_unexplained_pct": float(
        deep_tanh_residual.var() / y_deep_tanh.var() * 100
    ),
}

if __name__ == "__main__":
    print(f"W1 = {w1[0]}, b1 = {b1}, W2 = {w2[:, 0]}, b2 = {b2[0]}")
    print(f"f(z) = {SLOPE:g} z + {INTERCEPT:g}:  y_hat = {a:g} x + {b:g}")
    print(
        f"max |network(x) - (a x + b)| on {N_X} points in [{X_MIN:g}, {X_MAX:g}]: "
        f"{linear_gap:.1e}"
    )
    print(
        f"tanh: best line {tanh_slope:.4f} x + {tanh_intercept:.4f}, rms residual "
        f"{rms(tanh_residual):.4f}, "
        f"max |residual| {np.abs(tanh_residual).max():.4f}, 1 - R^2 = "
        f"{tanh_unexplained:.3f}"
    )
    print(
        f"{DRAWS} random weight sets: max gap (linear f) {max(draw_gaps):.1e}; 1 - "
        "R^2 (tanh) "
        f"min {draw_unexplained.min():.1e}, median "
        f"{np.median(draw_unexplained):.3f}, "
        f"max {draw_unexplained.max():.3f}"
    )
    print(
        "1-8-8-1, linear f: rms residual of the best line "
        f"{rms(deep_linear_residual):.1e}"
    )
    print(
        "1-8-8-1, tanh:     rms residual of the best line "
        f"{rms(deep_tanh_residual):.4f}"
    )

    plt.rcParams["font.size"] = 13  # figure text at least as large as the page's text
    fig, (left, right) = plt.subplots(1, 2, figsize=(7, 3), num="collapse")
    left.plot(x, network(x, f_linear), label="$f(z) = 2z + 3$")
    left.plot(x, a * x + b, ":", color="k", label="$ax + b$")
    right.plot(x, y_tanh, color="C1", label="$f = \\tanh$")
    right.plot(x, tanh_slope * x + tanh_intercept, "--", color="k",
               label="$\\hat a x + \\hat b$")
    for ax in (left, right):
        ax.set(xlabel="x", ylabel="$\\hat y$")
        ax.legend()
    fig.tight_layout()
