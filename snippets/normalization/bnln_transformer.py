"""Why Transformers avoid BatchNorm, measured on a tiny causal
language model (one attention block, random weights, random tokens):
the same model with BatchNorm over (B, T), LayerNorm or RMSNorm.

Measured: information leaking from a future token and from another
sequence of the batch, padding changing the outputs of the real
tokens, train()/eval() mismatch, and how much BatchNorm's batch
statistics vary between batches of sequences of different lengths.
"""

import math

import torch
from torch import nn

VOCAB, D, B, T = 64, 32, 8, 24  # vocabulary, width, sequences per batch, length
PAD = 0  # token id of the padding; its embedding is the zero vector
T_PADDED = 2 * T  # the same batch, padded further
POSITION, AHEAD = 8, 4  # output at POSITION, token changed at POSITION + AHEAD
BATCHES = 200  # batches drawn to measure the spread of the batch statistics
PROBE = 1  # the most frequent token: its normalized value, batch after batch
WARMUP = 50  # train() passes before comparing train() and eval()
KINDS = ("bn", "ln", "rms")


# %% model
class PerToken(nn.Module):
    """BatchNorm1d on (B, T, D): statistics over
    every token of every sequence, as (B*T, D)."""

    def __init__(self, d: int):
        super().__init__()
        self.norm = nn.BatchNorm1d(d)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.norm(x.reshape(-1, x.shape[-1])).reshape(x.shape)


def make_norm(kind: str, d: int) -> nn.Module:
    return {"bn": PerToken, "ln": nn.LayerNorm, "rms": nn.RMSNorm}[kind](d)


class TinyCausalLM(nn.Module):
    """Pre-norm block: h + attention(norm(h)), h + MLP(norm(h)), then norm and a
    linear head. The attention is causal: position t only reads positions <= t."""

    def __init__(self, kind: str):
        super().__init__()
        # the same weights for every kind (the norms draw no random numbers)
        torch.manual_seed(0)
        self.embed = nn.Embedding(VOCAB, D, padding_idx=PAD)
        self.qkv, self.proj = nn.Linear(D, 3 * D), nn.Linear(D, D)
        self.mlp = nn.Sequential(nn.Linear(D, 4 * D), nn.GELU(), nn.Linear(4 * D, D))
        self.head = nn.Linear(D, VOCAB)
        self.norms = nn.ModuleList(make_norm(kind, D) for _ in range(3))

    def attend(self, x: torch.Tensor) -> torch.Tensor:
        q, k, v = self.qkv(x).chunk(3, dim=-1)
        scores = q @ k.transpose(-2, -1) / math.sqrt(D)
        future = torch.ones(x.shape[1], x.shape[1], dtype=torch.bool).triu(1)
        return self.proj(scores.masked_fill(future, float("-inf")).softmax(-1) @ v)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        h = self.embed(tokens)
        h = h + self.attend(self.norms[0](h))
        h = h + self.mlp(self.norms[1](h))
        return self.head(self.norms[2](h))


# %% data
generator = torch.Generator().manual_seed(1)
zipf = 1.0 / torch.arange(1, VOCAB)  # token ids 1..VOCAB-1, frequent to rare


def sample_tokens(b: int, t: int) -> torch.Tensor:
    return (
        torch.multinomial(zipf, b * t, replacement=True, generator=generator).view(b, t)
        + 1
    )


def padded_batch(lengths: list[int], width: int) -> torch.Tensor:
    """Sequences of the given lengths, padded with PAD on the right up to ``width``."""
    tokens = sample_tokens(len(lengths), width)
    return tokens.masked_fill(torch.arange(width) >= torch.tensor(lengths).view(-1, 1),
                              PAD)


def random_lengths(b: int) -> list[int]:
    return torch.randint(1, T + 1, (b,), generator=generator).tolist()


# %% leakage
def leakage(model: nn.Module, tokens: torch.Tensor) -> dict[str, float]:
    """Largest change of the outputs of sequence 0 at positions <=
    POSITION when the token at POSITION + AHEAD (a future token)
    changes, and of all of sequence 0 when sequence 1 changes."""
    with torch.no_grad():
        base = model(tokens)
        future = tokens.clone()
        # another token
        future[0, POSITION + AHEAD] = tokens[0, POSITION + AHEAD] % (VOCAB - 1) + 1
        other = tokens.clone()
        other[1] = sample_tokens(1, tokens.shape[1])[0]
        return {
            "future": (model(future)[0, : POSITION + 1] - base[0, : POSITION + 1])
            .abs()
            .max()
            .item(),
            "other_sequence": (model(other)[0] - base[0]).abs().max().item(),
            "output_scale": base.abs().mean().item(),
        }


# %% padding
def padding_effect(model: nn.Module, lengths: list[int]) -> float:
    """The same real tokens padded to T and to T_PADDED:
    largest change of the outputs at real positions."""
    short = padded_batch(lengths, T)
    long = torch.full((len(lengths), T_PADDED), PAD)
    long[:, :T] = short
    real = short != PAD
    with torch.no_grad():
        return (model(short)[real] - model(long)[:, :T][real]).abs().max().item()


# %% spread
def batch_statistics(
    embed: nn.Embedding, tokens: torch.Tensor, count_padding: bool
) -> tuple[torch.Tensor, ...]:
    """The mean and (biased) variance per feature that BatchNorm over (B,
    T) would use on this batch, with or without the padding positions."""
    h = embed(tokens)
    rows = h.reshape(-1, D) if count_padding else h[tokens != PAD]
    return rows.mean(0), rows.var(0, unbiased=False)


def spread(
    embed: nn.Embedding, make_batch, count_padding: bool = True
) -> dict[str, float]:
    """Over BATCHES batches: the standard deviation of each feature's
    batch mean and variance, and of the normalized value (x - mean) /
    sqrt(var + eps) of one fixed token PROBE, averaged over the
    features; and the fewest and most real tokens in a batch."""
    means, variances, probes, counts = [], [], [], []
    with torch.no_grad():
        probe = embed(torch.tensor(PROBE))
        for _ in range(BATCHES):
            tokens = make_batch()
            mean, var = batch_statistics(embed, tokens, count_padding)
            means.append(mean)
            variances.append(var)
            probes.append((probe - mean) / torch.sqrt(var + 1e-5))
            counts.append(int((tokens != PAD).sum()))
    return {"sd_mean": torch.stack(means).std(0).mean().item(),
            "sd_var": torch.stack(variances).std(0).mean().item(),
            "sd_probe": torch.stack(probes).std(0).mean().item(),
            "fewest_tokens": min(counts), "most_tokens": max(counts)}


# %% measure
models = {kind: TinyCausalLM(kind) for kind in KINDS}
tokens = sample_tokens(B, T)
lengths = random_lengths(B)
results: dict[str, dict[str, float]] = {}
for kind, model in models.items():
    model.train()
    results[kind] = {
        **leakage(model, tokens),
        "padding": padding_effect(model, lengths),
    }
bn_model = models["bn"]
# BatchNorm in eval(): running statistics, nothing shared between tokens
bn_model.eval()
results["bn_eval"] = {**leakage(bn_model, tokens), "padding": padding_effect(bn_model,
                                                                             lengths)}

# train() vs eval() on the same batch, after WARMUP
# train() passes on batches of varied lengths
bn_model.train()
with torch.no_grad():
    for _ in range(WARMUP):
        bn_model(padded_batch(random_lengths(B), T))
    probe = padded_batch(random_lengths(B), T)
    in_train = bn_model(probe)
    bn_model.eval()
    in_eval = bn_model(probe)
real = probe != PAD
gap = (in_train - in_eval)[real].abs()
train_eval = {"max": gap.max().item(), "mean": gap.mean().item(),
              "output_scale": in_eval[real].abs().mean().item()}

embed = bn_model.embed
spreads = {
    # every sequence T tokens long: no padding
    "fixed": spread(embed, lambda: sample_tokens(B, T)),
    # lengths 1..T, padded to T
    "varied": spread(embed, lambda: padded_batch(random_lengths(B), T)),
    "varied_masked": spread(embed, lambda: padded_batch(random_lengths(B), T),
                            count_padding=False),
}

# %% report
if __name__ == "__main__":
    for kind, row in results.items():
        print(f"{kind:>7}: " + ", ".join(f"{k}={v:.3g}" for k, v in row.items()))
    print(
        "BN train() vs eval(), same batch: "
        + ", ".join(f"{k}={v:.3g}" for k, v in train_eval.items())
    )
    for name, row in spreads.items():
        print(
            f"spread over batches, {name:>13}: "
            + ", ".join(f"{k}={v:.3g}" for k, v in row.items())
        )
    VALUES = {"vocab": VOCAB, "d": D, "b": B, "t": T, "t_padded": T_PADDED,
              "position": POSITION, "ahead": AHEAD, "future_position": POSITION + AHEAD,
              "batches": BATCHES, "warmup": WARMUP, "lengths": str(lengths)}
    for kind, row in results.items():
        for field, value in row.items():
            VALUES[f"{kind}_{field}"] = value
    for field, value in train_eval.items():
        VALUES[f"train_eval_{field}"] = value
    VALUES["train_eval_relative"] = train_eval["mean"] / train_eval["output_scale"]
    for name, row in spreads.items():
        for field, value in row.items():
            VALUES[f"{name}_{field}"] = value
    for name in ("varied", "varied_masked"):
        for field in ("sd_mean", "sd_var", "sd_probe"):
            VALUES[f"{name}_{field}_ratio"] = (
                spreads[name][field] / spreads["fixed"][field]
            )
