"""BatchNorm, LayerNorm, GroupNorm and RMSNorm measured side by
side, on a CNN-shaped input (N, C, H, W) and a Transformer-shaped
input (B, T, D). Every cell of the card's table is computed here.
"""

import statistics
import sys
import time

import torch
from torch import nn

torch.manual_seed(0)
CNN_SHAPE = (8, 32, 16, 16)  # N, C, H, W
SEQ_SHAPE = (8, 64, 128)  # B, T, D
GROUPS = 8
TIMING_CNN_SHAPE = (32, 64, 32, 32)
TIMING_SEQ_SHAPE = (32, 128, 512)
REPEATS = 50
WARMUP = 100  # training passes before the train/eval comparison
SHIFT = 3.0  # added to the input to see which methods subtract the mean


# %% modules
def cnn_norms(c: int, h: int, w: int) -> dict[str, nn.Module]:
    """One of each, configured as it would sit after a convolution with C channels."""
    return {"bn": nn.BatchNorm2d(c), "ln": nn.LayerNorm([c, h, w]),
            "gn": nn.GroupNorm(GROUPS, c), "rms": nn.RMSNorm([c, h, w])}


class PerToken(nn.Module):
    """Apply a (N, C) normalization to every token:
    (B, T, D) -> (B*T, D) -> back to (B, T, D)."""

    def __init__(self, norm: nn.Module):
        super().__init__()
        self.norm = norm

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.norm(x.reshape(-1, x.shape[-1])).reshape(x.shape)


def seq_norms(d: int) -> dict[str, nn.Module]:
    """BatchNorm1d pools over every token of every
    sequence; GroupNorm over groups of one token's D."""
    return {"bn": PerToken(nn.BatchNorm1d(d)), "ln": nn.LayerNorm(d),
            "gn": PerToken(nn.GroupNorm(GROUPS, d)), "rms": nn.RMSNorm(d)}


# %% statistics
def pooled_view(kind: str, x: torch.Tensor) -> tuple[torch.Tensor, tuple[int, ...]]:
    """``x`` viewed so that each method's statistics
    are a reduction over the returned dims."""
    if x.dim() == 4:  # N, C, H, W
        n = x.shape[0]
        return {"bn": (x, (0, 2, 3)), "ln": (x, (1, 2, 3)), "rms": (x, (1, 2, 3)),
                "gn": (x.reshape(n, GROUPS, -1), (2,))}[kind]
    b, t, d = x.shape  # B, T, D
    return {"bn": (x, (0, 1)), "ln": (x, (2,)), "rms": (x, (2,)),
            "gn": (x.reshape(b, t, GROUPS, d // GROUPS), (3,))}[kind]


def reference(
    kind: str, x: torch.Tensor, eps: float
) -> tuple[torch.Tensor, tuple[int, ...]]:
    """Each method written out with explicit reductions (gamma
    = 1, beta = 0), and the shape of its statistics: one
    mean/variance (or mean square) per entry of that shape."""
    view, dims = pooled_view(kind, x)
    if kind == "rms":
        scale = view.pow(2).mean(dim=dims, keepdim=True)
        out = view / torch.sqrt(scale + eps)
    else:
        scale = view.var(dim=dims, unbiased=False, keepdim=True)
        out = (view - view.mean(dim=dims, keepdim=True)) / torch.sqrt(scale + eps)
    shape = tuple(size for i, size in enumerate(scale.shape) if i not in dims)
    return out.reshape(x.shape), shape


# %% measure
def measure(norms: dict[str, nn.Module], x: torch.Tensor) -> dict[str, dict]:
    """The qualitative rows of the comparison, as numbers."""
    rows: dict[str, dict] = {}
    for kind, module in norms.items():
        module.train()
        # RMSNorm's default eps=None
        eps = 1e-5 if kind != "rms" else torch.finfo(x.dtype).eps
        with torch.no_grad():
            # let BatchNorm's running statistics settle on this distribution
            for _ in range(WARMUP):
                module(torch.randn_like(x))
            y = module(x)
            module.eval()  # running statistics vs this batch's statistics
            y_eval = module(x)
            train_eval_gap = (y_eval - y).abs().max().item()
            # in eval() (inference, text generation), the same two checks
            # as below: one image/sequence alone, one token alone,
            # against the same rows inside the full batch, all in eval()
            alone_eval = difference_or_error(module, x[:1], y_eval[:1])
            one_token_eval = (
                difference_or_error(module, x[:1, :1], y_eval[:1, :1])
                if x.dim() == 3
                else None
            )
            module.train()
            other = x.clone()
            # replace every sample but the first
            other[1:] = torch.randn_like(x[1:]) * 2 + 1
            batch_dependence = (module(other)[0] - y[0]).abs().max().item()
            shifted = module(x + SHIFT)  # inputs whose mean is SHIFT
            alone = difference_or_error(module, x[:1], y[:1])
            one_token = (
                difference_or_error(module, x[:1, :1], y[:1, :1])
                if x.dim() == 3
                else None
            )
        expected, stats_shape = reference(kind, x, eps)
        rows[kind] = {
            "stats_shape": stats_shape,
            "matches_reference": (y - expected).abs().max().item(),
            "output_mean_of_shifted": shifted.mean().item(),
            "output_rms_of_shifted": shifted.pow(2).mean().sqrt().item(),
            "batch_dependence": batch_dependence,
            "train_eval_gap": train_eval_gap,
            "buffers": len(list(module.buffers())),
            "parameters": sum(p.numel() for p in module.parameters()),
            "batch_of_one": alone,
            "one_token": one_token,
            "batch_of_one_eval": alone_eval,
            "one_token_eval": one_token_eval,
        }
    return rows


def difference_or_error(
    module: nn.Module, part: torch.Tensor, in_batch: torch.Tensor
) -> float | str:
    """How far ``part`` alone comes out from the same
    rows inside the full batch, or the error."""
    try:
        return (module(part) - in_batch).abs().max().item()
    except ValueError:  # BatchNorm refuses a single value per channel in training mode
        return "ValueError"


x_cnn = torch.randn(*CNN_SHAPE)
x_seq = torch.randn(*SEQ_SHAPE)
cnn = measure(cnn_norms(*CNN_SHAPE[1:]), x_cnn)
seq = measure(seq_norms(SEQ_SHAPE[-1]), x_seq)


# %% timing
def median_ms(
    modules: dict[str, nn.Module], x: torch.Tensor, repeats: int = REPEATS
) -> dict[str, float]:
    """Median wall time of one training-mode forward pass per module, in milliseconds.

    The modules take turns (round robin) after 3 warm-up passes each, so
    a passing load on the machine slows all of them alike instead of one.
    """
    times: dict[str, list[float]] = {kind: [] for kind in modules}
    with torch.no_grad():
        for i in range(repeats + 3):
            for kind, module in modules.items():
                module.train()
                start = time.perf_counter()
                module(x)
                if i >= 3:
                    times[kind].append((time.perf_counter() - start) * 1000)
    return {kind: statistics.median(t) for kind, t in times.items()}


timing_cnn = median_ms(cnn_norms(*TIMING_CNN_SHAPE[1:]), torch.randn(*TIMING_CNN_SHAPE))
timing_seq = median_ms(seq_norms(TIMING_SEQ_SHAPE[-1]), torch.randn(*TIMING_SEQ_SHAPE))

# %% report
if __name__ == "__main__":
    for shape_name, rows in (("CNN", cnn), ("Transformer", seq)):
        for kind, row in rows.items():
            print(
                f"{shape_name:>11} {kind:>3}: "
                + ", ".join(
                    f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}"
                    for k, v in row.items()
                )
            )
    print(f"threads: {torch.get_num_threads()}")
    VALUES = {"groups": GROUPS, "repeats": REPEATS, "warmup": WARMUP,
              "threads": torch.get_num_threads(), "shift": SHIFT,
              "cnn_shape": str(CNN_SHAPE), "seq_shape": str(SEQ_SHAPE),
              "timing_cnn_shape": str(TIMING_CNN_SHAPE),
              "timing_seq_shape": str(TIMING_SEQ_SHAPE)}
    for shape_name, rows in (("cnn", cnn), ("seq", seq)):
        for kind, row in rows.items():
            for field, value in row.items():
                if value is not None:
                    VALUES[f"{shape_name}_{kind}_{field}"] = (
                        str(value) if isinstance(value, tuple) else value
                    )
    for kind in cnn:
        VALUES[f"ms_cnn_{kind}"] = timing_cnn[kind]
        VALUES[f"ms_seq_{kind}"] = timing_seq[kind]
        VALUES[f"ratio_cnn_{kind}"] = timing_cnn[kind] / timing_cnn["bn"]
        VALUES[f"ratio_seq_{kind}"] = timing_seq[kind] / timing_seq["bn"]
    VALUES["rms_over_ln_seq"] = timing_seq["rms"] / timing_seq["ln"]
    # which was faster, as a symbol the prose of
    # both languages can quote: "<" means faster
    VALUES["ln_vs_bn_cnn"] = "<" if timing_cnn["ln"] < timing_cnn["bn"] else ">"
    VALUES["rms_vs_ln_seq"] = "<" if timing_seq["rms"] < timing_seq["ln"] else ">"
    TIMINGS = [
        name
        for name in VALUES
        if name.startswith(("ms_", "ratio_", "rms_over_")) or "_vs_" in name
    ]
    for name in TIMINGS:  # on stderr: the printed output must be the same on every run
        print(
            f"{name}: {VALUES[name]:.3f}"
            if isinstance(VALUES[name], float)
            else f"{name}: {VALUES[name]}",
            file=sys.stderr,
        )
