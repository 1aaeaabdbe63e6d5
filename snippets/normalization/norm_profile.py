"""Which ATen operations one forward pass of LayerNorm, RMSNorm and BatchNorm
calls on the CPU, recorded with torch.profiler: names, nesting and input shapes
only (no time is measured here, so the result is the same on every run)."""

import torch
from torch import nn
from torch.profiler import ProfilerActivity, profile

torch.manual_seed(0)
SHAPE = (8, 64, 128)  # B, T, D: a Transformer-shaped input
# operations that allocate, view, cast or fill: they do no arithmetic on the values
BOOKKEEPING = {"aten::empty", "aten::empty_like", "aten::empty_strided", "aten::view",
               "aten::zeros", "aten::zero_", "aten::to", "aten::_to_copy",
               "aten::copy_", "aten::result_type", "aten::type_as", "aten::fill_"}


# %% profile
def aten_calls(module: nn.Module, x: torch.Tensor) -> list:
    """Every ATen call of one forward pass (after
    one unrecorded warm-up pass), in call order."""
    with torch.no_grad():
        module(x)
        with profile(activities=[ProfilerActivity.CPU], record_shapes=True) as prof:
            module(x)
    return [event for event in prof.events() if event.name.startswith("aten::")]


def kernels(events: list) -> list:
    """The calls that do arithmetic themselves: not
    bookkeeping, and calling no other arithmetic op."""
    return [e for e in events if e.name not in BOOKKEEPING
            and all(child.name in BOOKKEEPING for child in e.cpu_children)]


def reads_full_tensor(event, shape: tuple[int, ...]) -> bool:
    return list(shape) in event.input_shapes


def depth(event) -> int:
    return 0 if event.cpu_parent is None else 1 + depth(event.cpu_parent)


x = torch.randn(*SHAPE)
d = SHAPE[-1]
modules = {"ln": (nn.LayerNorm(d), x), "rms": (nn.RMSNorm(d), x),
           "bn_train": (nn.BatchNorm1d(d).train(), x.reshape(-1, d)),
           "bn_eval": (nn.BatchNorm1d(d).eval(), x.reshape(-1, d))}
calls = {kind: aten_calls(module, inp) for kind, (module, inp) in modules.items()}
summary = {}
for kind, events in calls.items():
    found = kernels(events)
    shape = list(modules[kind][1].shape)
    # the op, then what it runs
    summary[kind] = {
        "entry": " → ".join(e.name for e in events if depth(e) <= 1),
        "calls": len(events), "kernels": len(found),
        "kernel_names": ", ".join(e.name.removeprefix("aten::") for e in found),
        "full_reads": sum(reads_full_tensor(e, shape) for e in found),
    }

# %% report
if __name__ == "__main__":
    LABELS = {
        "ln": "nn.LayerNorm", "rms": "nn.RMSNorm",
        "bn_train": "nn.BatchNorm1d, train()", "bn_eval": "nn.BatchNorm1d, eval()",
    }
    for kind, events in calls.items():
        print(f"{LABELS[kind]} forward on {tuple(modules[kind][1].shape)}:")
        for e in events:
            mark = "  *" if e in kernels(events) else ""
            print(
                f"  {'  ' * depth(e)}{e.name}  "
                f"{e.input_shapes[0] if e.input_shapes else ''}{mark}"
            )
    print(
        "* = arithmetic kernel (not allocation, view, cast or fill; calls no other "
        "arithmetic op)"
    )
    TABLES = {
        "ops": {
            "columns": [
                "module",
                "entry",
                "calls",
                "kernels",
                "kernel_names",
                "full_reads",
            ],
            "rows": [
                [
                    LABELS[kind],
                    s["entry"],
                    s["calls"],
                    s["kernels"],
                    s["kernel_names"],
                    s["full_reads"],
                ]
                for kind, s in summary.items()
                if kind in ("rms", "ln")
            ],
        },
        "ops_all": {
            "columns": ["module", "kernels", "calls", "kernel_names"],
            "rows": [
                [LABELS[kind], s["kernels"], s["calls"], s["kernel_names"]]
                for kind, s in summary.items()
            ],
        },
    }
    VALUES = {"shape": str(SHAPE), "torch_version": torch.__version__}
    for kind, s in summary.items():
        for field, value in s.items():
            VALUES[f"{kind}_{field}"] = value
