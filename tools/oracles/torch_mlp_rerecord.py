#!/usr/bin/env python3
"""Re-records the seed article's PyTorch MLP trace (tests/data/golden/torch_mlp_gan_seed1) with the PyTorch installed
here, from the committed trace's own initial weights, batches and noise (the original was recorded with PyTorch 2.11
elsewhere; its sampling of the data and initial weights is not reproducible from a seed across versions, so the
inputs are taken from the trace and only the training is re-run).

    python3 tools/oracles/torch_mlp_rerecord.py tests/data/golden/torch_mlp_gan_seed1.safetensors OUT.safetensors
    python3 tools/oracles/compare_traces.py tests/data/golden/torch_mlp_gan_seed1.safetensors OUT.safetensors \
        --final tests/data/golden/torch_mlp_gan_seed1_final.safetensors OUT.safetensors

Section 4.1's networks as the trace's metadata states them: G = 4 x (Linear, LeakyReLU 0.2) + Linear(1024, 784);
D = Linear 784-512-256-1 with LeakyReLU 0.2 and a final Sigmoid; nn.BCELoss; Adam(lr, betas, eps from metadata).
"""
import os
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(__file__))
from compare_traces import load  # noqa: E402
from torch_trace import save  # noqa: E402


def mlp(weights, prefix, hidden_act, out_act):
    layers = []
    i = 0
    while f"{prefix}.dense_{i}.kernel" in weights:
        kernel = torch.from_numpy(weights[f"{prefix}.dense_{i}.kernel"].copy())
        linear = nn.Linear(kernel.shape[0], kernel.shape[1])
        with torch.no_grad():
            linear.weight.copy_(kernel.t())
            linear.bias.copy_(torch.from_numpy(weights[f"{prefix}.dense_{i}.bias"].copy()))
        layers.append(linear)
        if f"{prefix}.dense_{i + 1}.kernel" in weights:
            layers.append(hidden_act())
        elif out_act is not None:
            layers.append(out_act())
        i += 1
    return nn.Sequential(*layers), [m for m in layers if isinstance(m, nn.Linear)]


def main(source, out):
    torch.set_num_threads(1)
    t, meta = load(source)
    init = {k[len("init."):]: v for k, v in t.items() if k.startswith("init.")}
    g, g_lin = mlp(init, "generator", lambda: nn.LeakyReLU(0.2), None)
    d, d_lin = mlp(init, "discriminator", lambda: nn.LeakyReLU(0.2), nn.Sigmoid)
    lr, b1, b2, eps = (float(meta[k]) for k in ("lr", "beta1", "beta2", "epsilon"))
    g_opt = torch.optim.Adam(g.parameters(), lr=lr, betas=(b1, b2), eps=eps)
    d_opt = torch.optim.Adam(d.parameters(), lr=lr, betas=(b1, b2), eps=eps)
    bce = nn.BCELoss()
    real, z_d, z_g = (torch.from_numpy(t[k].copy()) for k in ("batches.real", "batches.z_d", "batches.z_g"))
    d_losses, g_losses = [], []
    for k in range(real.shape[0]):
        d_opt.zero_grad()
        real_out = d(real[k])
        fake_out = d(g(z_d[k]).detach())
        d_loss = bce(real_out, torch.ones_like(real_out)) + bce(fake_out, torch.zeros_like(fake_out))
        d_loss.backward()
        d_opt.step()
        g_opt.zero_grad()
        out_g = d(g(z_g[k]))
        g_loss = bce(out_g, torch.ones_like(out_g))
        g_loss.backward()
        g_opt.step()
        d_losses.append(d_loss.item())
        g_losses.append(g_loss.item())
    tensors = {k: torch.from_numpy(v.copy()) for k, v in t.items() if k.startswith(("init.", "batches."))}
    tensors["losses.d"] = torch.tensor(d_losses)
    tensors["losses.g"] = torch.tensor(g_losses)
    for prefix, linears in (("generator", g_lin), ("discriminator", d_lin)):
        for i, linear in enumerate(linears):
            tensors[f"final.{prefix}.dense_{i}.kernel"] = linear.weight.detach().t()
            tensors[f"final.{prefix}.dense_{i}.bias"] = linear.bias.detach()
    meta = dict(meta, framework=f"pytorch-{torch.__version__}", rerecorded_from=os.path.basename(source))
    save(out, tensors, meta)
    print(f"{out}: d {d_losses[0]:.6f} -> {d_losses[-1]:.6f}, g {g_losses[0]:.6f} -> {g_losses[-1]:.6f}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
