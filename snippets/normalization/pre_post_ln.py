"""Post-LN vs pre-LN Transformer blocks
(nn.TransformerEncoderLayer's norm_first), at initialisation.

Post-LN (the 2017 Transformer):  x = LayerNorm(x + Sublayer(x)) Pre-LN  (GPT-2
and most LLMs):   x = x + Sublayer(LayerNorm(x)), plus one final LayerNorm

Everything here is measured on freshly initialised layers: no training step is taken.
"""

from functools import cache

import torch
from torch import nn

D_MODEL, HEADS, DEPTH, SEQ, BATCH = 64, 4, 12, 16, 8
# seeds of the layers' initial weights; the input and the target stay the same
SEEDS = (0, 1, 2)
DEPTHS = (3, 6, 12, 24)


# %% blocks
def encoder(norm_first: bool, depth: int = DEPTH, seed: int = 0) -> nn.ModuleList:
    """A stack of freshly initialised encoder layers; norm_first=True is pre-LN."""
    torch.manual_seed(seed)
    return nn.ModuleList(
        nn.TransformerEncoderLayer(D_MODEL, HEADS, dim_feedforward=4 * D_MODEL,
                                   dropout=0.0, batch_first=True, norm_first=norm_first)
        for _ in range(depth)
    )


# %% measure
def residual_stream_std(norm_first: bool, seed: int = 0) -> list[float]:
    """Std of the hidden states after each layer, at initialisation."""
    layers = encoder(norm_first, seed=seed)
    torch.manual_seed(1)
    h = torch.randn(BATCH, SEQ, D_MODEL)
    stds = []
    with torch.no_grad():
        for layer in layers:
            h = layer(h)
            stds.append(float(h.std()))
    return stds


def gradient_norms(
    norm_first: bool, depth: int = DEPTH, seed: int = 0, params: str = "ffn"
) -> list[float]:
    """Per layer, the norm of the gradient of one loss, at initialisation.

    The loss: MSE between the stack's output (after a final LayerNorm for
    pre-LN, as GPT-2's ln_f) and a random target, on one batch of random
    inputs. params picks what is measured per layer: "ffn" the FFN's second
    weight matrix W2 (linear2.weight), "all" every parameter of the layer,
    "no_norm" every parameter except the LayerNorms' gamma and beta.
    """
    layers = encoder(norm_first, depth, seed)
    torch.manual_seed(1)
    h = torch.randn(BATCH, SEQ, D_MODEL)
    for layer in layers:
        h = layer(h)
    if norm_first:
        h = nn.functional.layer_norm(h, (D_MODEL,))
    torch.manual_seed(2)
    target = torch.randn_like(h)
    nn.functional.mse_loss(h, target).backward()

    def chosen(layer: nn.Module) -> list[torch.Tensor]:
        if params == "ffn":
            return [layer.linear2.weight.grad]
        return [
            p.grad
            for name, p in layer.named_parameters()
            if params == "all" or "norm" not in name
        ]

    return [
        float(torch.cat([g.flatten() for g in chosen(layer)]).norm())
        for layer in layers
    ]


def first_over_last(grads) -> float:
    return grads[0] / grads[-1]


# %% run
@cache
def ffn(norm_first: bool, depth: int, seed: int) -> tuple[float, ...]:
    """The W2 gradient norms of every layer,
    computed once per (norm_first, depth, seed)."""
    return tuple(gradient_norms(norm_first, depth, seed))


def last_layer_post_over_pre(depth: int, seed: int) -> float:
    """W2 gradient of the last layer: post-LN / pre-LN, same initial weights."""
    return ffn(False, depth, seed)[-1] / ffn(True, depth, seed)[-1]


# %% report
if __name__ == "__main__":
    stds = {norm_first: residual_stream_std(norm_first) for norm_first in (False, True)}
    for depth in DEPTHS:
        ratios = [last_layer_post_over_pre(depth, seed) for seed in SEEDS]
        post = [first_over_last(ffn(False, depth, seed)) for seed in SEEDS]
        pre = [first_over_last(ffn(True, depth, seed)) for seed in SEEDS]
        print(
            f"L={depth:>2}: last-layer |grad W2| post/pre = "
            f"{', '.join(f'{r:.2f}' for r in ratios)};"
            f" first/last post-LN = {', '.join(f'{r:.2f}' for r in post)};"
            f" first/last pre-LN = {', '.join(f'{r:.2f}' for r in pre)}  "
            f"(seeds {SEEDS})"
        )
    print(
        f"L={DEPTH}, seed 0: hidden std after the last layer: post-LN "
        f"{stds[False][-1]:.3f},"
        f" pre-LN {stds[True][-1]:.3f}"
    )

    def spread(values: list[float]) -> tuple[float, float]:
        return min(values), max(values)

    by_depth = []
    for depth in DEPTHS:
        by_depth.append(
            [
                depth,
                *spread([last_layer_post_over_pre(depth, seed) for seed in SEEDS]),
                *spread([first_over_last(ffn(False, depth, seed)) for seed in SEEDS]),
                *spread([first_over_last(ffn(True, depth, seed)) for seed in SEEDS]),
            ]
        )
    rows = [
        [
            layer + 1,
            stds[False][layer],
            stds[True][layer],
            ffn(False, DEPTH, 0)[layer],
            ffn(True, DEPTH, 0)[layer],
        ]
        for layer in range(DEPTH)
    ]
    TABLES = {
        "depth": {"columns": ["layer", "std_post", "std_pre", "grad_w2_post",
                              "grad_w2_pre"], "rows": rows},
        "by_depth": {"columns": ["depth", "last_post_over_pre_min",
                                 "last_post_over_pre_max", "first_over_last_post_min",
                                 "first_over_last_post_max", "first_over_last_pre_min",
                                 "first_over_last_pre_max"], "rows": by_depth},
    }
    at_depth = by_depth[DEPTHS.index(DEPTH)]
    all_params = gradient_norms(False, params="all")
    no_norm = gradient_norms(False, params="no_norm")
    VALUES = {
        "depth": DEPTH,
        "d_model": D_MODEL,
        "heads": HEADS,
        "seeds": len(SEEDS),
        "depth_min": DEPTHS[0],
        "depth_max": DEPTHS[-1],
        "std_pre_last": stds[True][-1],
        "std_post_last": stds[False][-1],
        "grad_ratio_post": first_over_last(ffn(False, DEPTH, 0)),
        "grad_ratio_pre": first_over_last(ffn(True, DEPTH, 0)),
        "grad_ratio_post_all": first_over_last(all_params),
        "grad_ratio_post_no_norm": first_over_last(no_norm),
        "last_ratio_min": at_depth[1],
        "last_ratio_max": at_depth[2],
        "post_first_last_min": at_depth[3],
        "post_first_last_max": at_depth[4],
        "pre_first_last_min": at_depth[5],
        "pre_first_last_max": at_depth[6],
        "last_ratio_shallow_min": by_depth[0][1],
        "last_ratio_shallow_max": by_depth[0][2],
        "last_ratio_deep_min": by_depth[-1][1],
        "last_ratio_deep_max": by_depth[-1][2],
        # the last layer's W2 gradient itself, over every depth
        # and seed (post-LN) and at the two ends (pre-LN)
        "post_last_min": min(
            ffn(False, depth, seed)[-1] for depth in DEPTHS for seed in SEEDS
        ),
        "post_last_max": max(
            ffn(False, depth, seed)[-1] for depth in DEPTHS for seed in SEEDS
        ),
        "pre_last_shallow_min": min(ffn(True, DEPTHS[0], seed)[-1] for seed in SEEDS),
        "pre_last_shallow_max": max(ffn(True, DEPTHS[0], seed)[-1] for seed in SEEDS),
        "pre_last_deep_min": min(ffn(True, DEPTHS[-1], seed)[-1] for seed in SEEDS),
        "pre_last_deep_max": max(ffn(True, DEPTHS[-1], seed)[-1] for seed in SEEDS),
    }
