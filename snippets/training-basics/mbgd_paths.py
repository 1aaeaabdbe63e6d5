"""Batch, mini-batch (B=32) and stochastic gradient
descent on one linear regression, from one start.

Same data, same start, same learning rate, same number of epochs; only the batch
size differs. Recorded: the loss on the whole training set after each epoch, the
loss of the batch used by each update, and the path of (w, b) on the loss contours.
"""

import matplotlib.pyplot as plt
import numpy as np
from mbgd_common import (
    B_TRUE,
    NOISE_STD,
    THETA0,
    W_TRUE,
    X_MEAN,
    X_STD,
    N,
    hessian,
    loss,
    make_data,
    optimum,
    train,
)

LR = 0.05
EPOCHS = 20
BATCH = 32
METHODS = {"GD": N, f"MBGD (B={BATCH})": BATCH, "SGD": 1}
GD_LONG_EPOCHS = 300   # GD continued, to see where its path goes
TAIL_EPOCHS = 5        # "the end of training": the last 5 epochs
# the per-update plot cuts its log axis here (a single sample's loss can be ~0)
LOSS_FLOOR = 1e-2
ZOOM = 1.0             # half-width of the zoomed panel around theta*
LR_DIVISOR = 4         # SGD is run again with lr / 4

# %% setup
X, y = make_data()
theta_star = optimum(X, y)
loss_star = loss(theta_star, X, y)
H = hessian(X)


def excess(thetas: np.ndarray) -> np.ndarray:
    """L(theta) - L* for many thetas at once: exact
    for least squares, L = L* + (d^T H d) / 2."""
    d = thetas - theta_star
    return 0.5 * np.einsum("...i,ij,...j->...", d, H, d)


# %% run
runs = {name: train(X, y, size, LR, EPOCHS) for name, size in METHODS.items()}
gd_long = train(X, y, N, LR, GD_LONG_EPOCHS)
sgd_small_lr = train(X, y, 1, LR / LR_DIVISOR, EPOCHS)

# %% measure
updates_per_epoch = {name: len(run.batch_loss) // EPOCHS for name, run in runs.items()}
epoch_excess = {name: run.epoch_loss[:, 0] - loss_star for name, run in runs.items()}
# epochs whose loss went up
rises = {name: int(np.sum(np.diff(e) > 0)) for name, e in epoch_excess.items()}


def tail_distance(run, epochs=TAIL_EPOCHS) -> float:
    """Root-mean-square distance to theta* over
    every update of the last `epochs` epochs."""
    per_epoch = (len(run.path) - 1) // (len(run.epoch_loss) - 1)
    tail = run.path[-epochs * per_epoch:, 0]
    return float(np.sqrt(np.mean(np.sum((tail - theta_star) ** 2, axis=1))))


def batch_spread(run, epochs=TAIL_EPOCHS) -> float:
    """Over the last epochs: sd of the batch losses
    divided by the mean loss on the whole set."""
    per_epoch = len(run.batch_loss) // (len(run.epoch_loss) - 1)
    tail = run.batch_loss[-epochs * per_epoch:, 0]
    whole = excess(run.path[-epochs * per_epoch - 1:-1, 0]) + loss_star
    return float(tail.std() / whole.mean())


def whole_spread(run, epochs=TAIL_EPOCHS) -> float:
    """The same over the last epochs, for the loss
    on the whole set at each update: sd / mean."""
    per_epoch = len(run.batch_loss) // (len(run.epoch_loss) - 1)
    whole = excess(run.path[-epochs * per_epoch - 1:-1, 0]) + loss_star
    return float(whole.std() / whole.mean())


def reported_epoch_loss(run) -> np.ndarray:
    """What a training loop usually prints: the mean
    of the batch losses seen during the epoch."""
    per_epoch = len(run.batch_loss) // (len(run.epoch_loss) - 1)
    return run.batch_loss[:, 0].reshape(-1, per_epoch).mean(axis=1)


# GD's path: is it a straight line to the minimum?
gd_path = gd_long.path[:, 0]
path_length = float(np.sum(np.linalg.norm(np.diff(gd_path, axis=0), axis=1)))
straight = float(np.linalg.norm(gd_path[-1] - gd_path[0]))
path_ratio = path_length / straight
first_step = gd_path[1] - gd_path[0]
to_minimum = theta_star - gd_path[0]
first_step_angle = float(
    np.degrees(
        np.arccos(
            first_step
            @ to_minimum
            / np.linalg.norm(first_step)
            / np.linalg.norm(to_minimum)
        )
    )
)
eigenvalues = np.linalg.eigvalsh(H)

# %% report
if __name__ == "__main__":
    print(
        f"theta* = (w, b) = ({theta_star[0]:.3f}, {theta_star[1]:.3f}), L* = "
        f"{loss_star:.4f}"
    )
    print(f"lr = {LR}, {EPOCHS} epochs, start (w, b) = ({THETA0[0]:g}, {THETA0[1]:g})")
    for name, run in runs.items():
        e = epoch_excess[name]
        print(
            f"{name:>12}: {updates_per_epoch[name]:4d} updates/epoch, L - L* after "
            f"epoch 1: {e[1]:.4f}, "
            f"after epoch {EPOCHS}: {e[-1]:.4f}, epochs whose loss rose: "
            f"{rises[name]}, "
            f"rms distance to theta* (last {TAIL_EPOCHS} epochs): "
            f"{tail_distance(run):.3f}"
        )

    colors = {"GD": "C0", f"MBGD (B={BATCH})": "C1", "SGD": "C2"}
    plt.rcParams["font.size"] = 13  # figure text at least as large as the page's text
    fig, ax = plt.subplots(figsize=(6, 4), num="loss_epoch")
    for name in runs:
        ax.semilogy(range(EPOCHS + 1), epoch_excess[name], "o-", ms=3,
                    color=colors[name], label=name)
    ax.set_xlabel("epoch")
    ax.set_ylabel(r"$L - L^*$")
    ax.grid(True, alpha=0.3)
    ax.legend()
    fig.tight_layout()

    fig, axes = plt.subplots(1, 3, figsize=(7, 2.9), sharey=True, num="loss_update")
    for ax, (name, run) in zip(axes, runs.items(), strict=True):
        # update t uses the parameters theta_{t-1}
        t = np.arange(1, len(run.batch_loss) + 1)
        ax.plot(t, run.batch_loss[:, 0], lw=0.5, alpha=0.5, color=colors[name],
                rasterized=True, label=r"$L_{\mathcal{B}_t}(\theta_{t-1})$")
        ax.plot(t, excess(run.path[:-1, 0]) + loss_star, color="k", lw=1.2,
                label=r"$L(\theta_{t-1})$")
        ax.axhline(loss_star, color="k", ls=":", lw=0.8)
        ax.set_yscale("log")
        ax.set_xscale("log")
        ax.set_ylim(LOSS_FLOOR, None)
        ax.set_xlabel("t")
        ax.set_title(name)
        ax.grid(True, alpha=0.3)
    axes[0].legend(loc="lower left")  # the colour of each panel: its method's batches
    axes[0].set_ylabel("L")
    fig.tight_layout()

    fig, (left, right) = plt.subplots(1, 2, figsize=(7, 3.4), num="paths")
    span = np.abs(THETA0 - theta_star).max() * 1.15
    for ax, half in ((left, span), (right, ZOOM)):
        w = np.linspace(theta_star[0] - half, theta_star[0] + half, 200)
        b = np.linspace(theta_star[1] - half, theta_star[1] + half, 200)
        grid = np.stack(np.meshgrid(w, b), axis=-1)
        levels = loss_star + np.geomspace(excess(grid).min() + 1e-3, excess(grid).max(),
                                          14)
        ax.contour(w, b, excess(grid) + loss_star, levels=levels, colors="0.75",
                   linewidths=0.7)
        ax.set_xlim(w[0], w[-1])
        ax.set_ylim(b[0], b[-1])
        ax.set_aspect("equal")
        ax.set_xlabel("w")
        ax.set_ylabel("b")
    # left: the whole paths; GD continued (dotted) to GD_LONG_EPOCHS epochs
    left.plot(gd_path[:, 0], gd_path[:, 1], ":", color=colors["GD"], lw=1)
    for name in ("SGD", f"MBGD (B={BATCH})", "GD"):
        p = runs[name].path[:, 0]
        left.plot(p[:, 0], p[:, 1], "-", color=colors[name],
                  lw=0.5 if name == "SGD" else 1.2,
                  marker="." if name == "GD" else None, ms=4, alpha=0.8,
                  rasterized=(name == "SGD"), label=name)
    # right: where each method is during the last TAIL_EPOCHS epochs (every update)
    for name in ("SGD", f"MBGD (B={BATCH})", "GD"):
        run = runs[name]
        tail = run.path[-TAIL_EPOCHS * updates_per_epoch[name]:, 0]
        right.plot(tail[:, 0], tail[:, 1], ".", color=colors[name],
                   ms=2 if name == "SGD" else 4, alpha=0.5 if name == "SGD" else 1,
                   rasterized=(name == "SGD"), label=name)
    for ax in (left, right):
        ax.plot(*THETA0, "ks", ms=6, label=r"$\theta_0$")
        ax.plot(*theta_star, "r*", ms=12, label=r"$\theta^*$")
    fig.tight_layout()
    fig.legend(*left.get_legend_handles_labels(), ncols=3, loc="upper center",
               bbox_to_anchor=(0.5, 0), frameon=False)

    TABLES = {
        "runs": {
            "columns": [
                "method",
                "B",
                "updates_per_epoch",
                "updates",
                "excess_epoch1",
                "excess_last",
                "rises",
                "tail_distance",
            ],
            "rows": [
                [
                    name,
                    METHODS[name],
                    updates_per_epoch[name],
                    len(run.batch_loss),
                    float(epoch_excess[name][1]),
                    float(epoch_excess[name][-1]),
                    rises[name],
                    tail_distance(run),
                ]
                for name, run in runs.items()
            ],
        }
    }
    mb, sgd, gd = runs[f"MBGD (B={BATCH})"], runs["SGD"], runs["GD"]
    VALUES = {"n": N, "lr": LR, "w_true": W_TRUE, "b_true": B_TRUE, "x_mean": X_MEAN,
              "x_std": X_STD, "noise_std": NOISE_STD, "epochs": EPOCHS, "batch": BATCH,
              "tail_epochs": TAIL_EPOCHS, "w0": THETA0[0], "b0": THETA0[1],
              "w_star": theta_star[0], "b_star": theta_star[1], "loss_star": loss_star,
              "updates_gd": len(gd.batch_loss), "updates_mbgd": len(mb.batch_loss),
              "updates_sgd": len(sgd.batch_loss),
              "excess_gd_last": epoch_excess["GD"][-1],
              "excess_mbgd_last": epoch_excess[f"MBGD (B={BATCH})"][-1],
              "excess_sgd_last": epoch_excess["SGD"][-1],
              "excess_gd_epoch1": epoch_excess["GD"][1],
              "excess_mbgd_epoch1": epoch_excess[f"MBGD (B={BATCH})"][1],
              "excess_sgd_epoch1": epoch_excess["SGD"][1],
              "excess_sgd_tail_max": float(epoch_excess["SGD"][-TAIL_EPOCHS:].max()),
              "excess_sgd_tail_min": float(epoch_excess["SGD"][-TAIL_EPOCHS:].min()),
              "rises_gd": rises["GD"], "rises_mbgd": rises[f"MBGD (B={BATCH})"],
              "rises_sgd": rises["SGD"], "dist_gd": tail_distance(gd),
              "dist_mbgd": tail_distance(mb), "dist_sgd": tail_distance(sgd),
              "dist_sgd_small_lr": tail_distance(sgd_small_lr),
              "lr_divisor": LR_DIVISOR, "sqrt_lr_divisor": float(np.sqrt(LR_DIVISOR)),
              "dist_ratio_lr": tail_distance(sgd) / tail_distance(sgd_small_lr),
              "spread_mbgd": batch_spread(mb), "spread_sgd": batch_spread(sgd),
              "whole_spread_mbgd": whole_spread(mb),
              "whole_spread_sgd": whole_spread(sgd), "gd_long_epochs": GD_LONG_EPOCHS,
              "excess_gd_long": float(gd_long.epoch_loss[-1, 0] - loss_star),
              "path_ratio": path_ratio, "first_step_angle": first_step_angle,
              "lambda_min": eigenvalues[0], "lambda_max": eigenvalues[-1],
              "condition": eigenvalues[-1] / eigenvalues[0],
              "reported_mbgd_epoch1": float(reported_epoch_loss(mb)[0]),
              "whole_mbgd_epoch1": float(mb.epoch_loss[1, 0]),
              "reported_gd_epoch1": float(reported_epoch_loss(gd)[0]),
              "whole_gd_epoch1": float(gd.epoch_loss[1, 0])}
