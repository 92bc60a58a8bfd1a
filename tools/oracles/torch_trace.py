#!/usr/bin/env python3
"""Records GAN training traces with PyTorch (any version >= 1.13), in the format of docs/parity.md.

    python3 tools/oracles/torch_trace.py NAME [--out tests/data/golden] [--steps N] [--batch N] [--seed N]
    python3 tools/oracles/torch_trace.py all

NAME is one of the cases at the bottom of this file (dcgan28, hinge_sn, lsgan, ns_r1, rmsprop, sgd_momentum, ema).
Each case is a Sequential generator and discriminator described by the same layer list that Gan.Keras builds
(`generator`/`discriminator` metadata, Keras layer names and layouts), trained by the standard PyTorch loop:
one discriminator update on real MNIST t10k images (tests/data/mnist) and detached fakes, then one generator update.
Everything the replay needs is stored: initial weights, every batch and latent vector, every loss, the final weights
(and the generator's EMA and one inference-mode generator output where the case has them).
"""
import argparse
import gzip
import json
import os
import struct
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def mnist_images():
    path = os.path.join(ROOT, "tests", "data", "mnist", "t10k-images-idx3-ubyte.gz")
    with gzip.open(path, "rb") as f:
        magic, n, h, w = struct.unpack(">IIII", f.read(16))
        data = np.frombuffer(f.read(), dtype=np.uint8).reshape(n, 1, h, w)
    return torch.from_numpy(data.astype(np.float32) / 127.5 - 1.0)


# ---- the layers: one PyTorch module per Gan.Keras layer spec, and the spec's weights in Gan.Keras's names/layouts ----

def build(specs, input_shape):
    """Returns (nn.Sequential, list of (spec, module))."""
    modules = []
    shape = list(input_shape)
    for spec in specs:
        c = spec["class"]
        if c == "Dense":
            m = nn.Linear(shape[-1], spec["units"], bias=spec.get("use_bias", True))
            shape = [spec["units"]]
        elif c == "Conv2D":
            m = nn.Conv2d(shape[0], spec["filters"], spec["kernel_size"], spec["strides"], padding=spec["torch_padding"], bias=spec.get("use_bias", True))
            shape = [spec["filters"], (shape[1] + 2 * spec["torch_padding"] - spec["kernel_size"]) // spec["strides"] + 1,
                     (shape[2] + 2 * spec["torch_padding"] - spec["kernel_size"]) // spec["strides"] + 1]
        elif c == "Conv2DTranspose":
            m = nn.ConvTranspose2d(shape[0], spec["filters"], spec["kernel_size"], spec["strides"], padding=spec["torch_padding"], bias=spec.get("use_bias", True))
            shape = [spec["filters"], (shape[1] - 1) * spec["strides"] - 2 * spec["torch_padding"] + spec["kernel_size"],
                     (shape[2] - 1) * spec["strides"] - 2 * spec["torch_padding"] + spec["kernel_size"]]
        elif c == "BatchNormalization":
            # Keras momentum m is PyTorch momentum 1 - m; PyTorch keeps the unbiased batch variance.
            cls = nn.BatchNorm1d if len(shape) == 1 else nn.BatchNorm2d
            m = cls(shape[0], eps=spec["epsilon"], momentum=1 - spec["momentum"])
        elif c == "LeakyReLU":
            m = nn.LeakyReLU(spec["alpha"])
        elif c == "Activation":
            m = {"tanh": nn.Tanh(), "sigmoid": nn.Sigmoid(), "relu": nn.ReLU()}[spec["activation"]]
        elif c == "Reshape":
            m = nn.Unflatten(1, tuple(spec["target_shape"]))
            shape = list(spec["target_shape"])
        elif c == "Flatten":
            m = nn.Flatten()
            shape = [int(np.prod(shape))]
        elif c == "SpectralNormalization":
            inner = spec["layer"]
            assert inner["class"] == "Dense", "this oracle wraps Dense layers only (the u orientation of convolutions differs)"
            m = nn.utils.spectral_norm(nn.Linear(shape[-1], inner["units"]), n_power_iterations=spec.get("power_iterations", 1))
            shape = [inner["units"]]
        else:
            raise ValueError(c)
        modules.append((spec, m))
    return nn.Sequential(*[m for _, m in modules]), modules


def keras_weights(modules, prefix):
    """The module's weights under Gan.Keras's names: Dense kernel [in, out]; convolutions in libtorch's layout."""
    out = {}
    for spec, m in modules:
        name = f"{prefix}.{spec['name']}"
        c = spec["class"]
        if c == "Dense":
            out[f"{name}.kernel"] = m.weight.detach().t()
            if m.bias is not None:
                out[f"{name}.bias"] = m.bias.detach()
        elif c in ("Conv2D", "Conv2DTranspose"):
            out[f"{name}.kernel"] = m.weight.detach()
            if m.bias is not None:
                out[f"{name}.bias"] = m.bias.detach()
        elif c == "BatchNormalization":
            out[f"{name}.gamma"] = m.weight.detach()
            out[f"{name}.beta"] = m.bias.detach()
            out[f"{name}.moving_mean"] = m.running_mean.detach()
            out[f"{name}.moving_variance"] = m.running_var.detach()
        elif c == "SpectralNormalization":
            inner = f"{name}.layer"
            out[f"{inner}.kernel"] = m.weight_orig.detach().t()
            out[f"{inner}.bias"] = m.bias.detach()
            out[f"{name}.vector_u"] = m.weight_u.detach().reshape(1, -1)
    return {k: v.clone().contiguous().float() for k, v in out.items()}


# ---- losses (PyTorch formulations; the metadata names the Gan.Keras loss that replays each) ----

def d_loss_fn(loss, real_out, fake_out):
    if loss.startswith("non-saturating"):
        return F.binary_cross_entropy_with_logits(real_out, torch.ones_like(real_out)) + \
            F.binary_cross_entropy_with_logits(fake_out, torch.zeros_like(fake_out))
    if loss == "lsgan":
        return 0.5 * ((real_out - 1) ** 2).mean() + 0.5 * (fake_out ** 2).mean()
    if loss == "hinge":
        return F.relu(1 - real_out).mean() + F.relu(1 + fake_out).mean()
    raise ValueError(loss)


def g_loss_fn(loss, fake_out):
    if loss.startswith("non-saturating"):
        return F.binary_cross_entropy_with_logits(fake_out, torch.ones_like(fake_out))
    if loss == "lsgan":
        return 0.5 * ((fake_out - 1) ** 2).mean()
    if loss == "hinge":
        return -fake_out.mean()
    raise ValueError(loss)


def make_optimizer(spec, params):
    c = spec["class"]
    if c == "Adam":
        return torch.optim.Adam(params, lr=spec["learning_rate"], betas=(spec["beta1"], spec["beta2"]), eps=spec["epsilon"])
    if c == "RMSprop":
        return torch.optim.RMSprop(params, lr=spec["learning_rate"], alpha=spec["rho"], eps=spec["epsilon"])
    if c == "SGD":
        return torch.optim.SGD(params, lr=spec["learning_rate"], momentum=spec["momentum"])
    raise ValueError(c)


def record(case, steps, batch, seed, out_dir):
    torch.manual_seed(seed)
    images = mnist_images()
    gen, gmods = build(case["generator"], case["generator_input_shape"])
    dis, dmods = build(case["discriminator"], case["discriminator_input_shape"])
    latent = case["generator_input_shape"][0]
    tensors = {}
    tensors.update({"init." + k: v for k, v in keras_weights(gmods, "generator").items()})
    tensors.update({"init." + k: v for k, v in keras_weights(dmods, "discriminator").items()})
    index = torch.randperm(images.shape[0])[: steps * batch]
    real = images[index].reshape(steps, batch, *case["discriminator_input_shape"])
    z_d = torch.randn(steps, batch, latent)
    z_g = torch.randn(steps, batch, latent)
    d_opt = make_optimizer(case["optimizer"], dis.parameters())
    g_opt = make_optimizer(case["optimizer"], gen.parameters())
    loss = case["loss"]
    r1_gamma = case.get("r1_gamma")
    ema_decay = case.get("ema_decay")
    ema = {k: v.detach().clone() for k, v in gen.state_dict().items()} if ema_decay else None
    trainable = {k for k, _ in gen.named_parameters()}
    d_losses, g_losses = [], []
    gen.train()
    dis.train()
    for k in range(steps):
        d_opt.zero_grad()
        x = real[k].clone().requires_grad_(r1_gamma is not None)
        fake = gen(z_d[k]).detach()
        real_out, fake_out = dis(x), dis(fake)
        d_loss = d_loss_fn(loss, real_out, fake_out)
        if r1_gamma is not None:
            (grad,) = torch.autograd.grad(real_out.sum(), x, create_graph=True)
            d_loss = d_loss + r1_gamma / 2 * grad.pow(2).reshape(batch, -1).sum(1).mean()
        d_loss.backward()
        d_opt.step()
        g_opt.zero_grad()
        g_loss = g_loss_fn(loss, dis(gen(z_g[k])))
        g_loss.backward()
        g_opt.step()
        if ema is not None:
            with torch.no_grad():
                for name, t in gen.state_dict().items():
                    if name in trainable:
                        ema[name].mul_(ema_decay).add_(t, alpha=1 - ema_decay)
                    else:
                        ema[name].copy_(t)
        d_losses.append(d_loss.item())
        g_losses.append(g_loss.item())
    tensors["batches.real"] = real
    tensors["batches.z_d"] = z_d
    tensors["batches.z_g"] = z_g
    tensors["losses.d"] = torch.tensor(d_losses)
    tensors["losses.g"] = torch.tensor(g_losses)
    tensors.update({"final." + k: v for k, v in keras_weights(gmods, "generator").items()})
    tensors.update({"final." + k: v for k, v in keras_weights(dmods, "discriminator").items()})
    if ema is not None:
        # Gan.Keras generates with the averaged weights when an average is kept, so the inference output below uses them.
        gen.load_state_dict(ema)
        tensors.update({"final.generator_ema." + k[len("generator."):]: v for k, v in keras_weights(gmods, "generator").items()})
    # One generator output in inference mode (BatchNormalization on its moving statistics).
    z_eval = torch.randn(batch, latent)
    gen.eval()
    with torch.no_grad():
        tensors["eval.z"] = z_eval
        tensors["eval.generator"] = gen(z_eval)
    metadata = {
        "format": "gan-keras-trace/2",
        "framework": f"pytorch-{torch.__version__}",
        "semantics": "torch",
        "case": case["name"],
        "description": case["description"],
        "loss": loss,
        "generator": json.dumps(case["generator"]),
        "discriminator": json.dumps(case["discriminator"]),
        "generator_input_shape": json.dumps(case["generator_input_shape"]),
        "discriminator_input_shape": json.dumps(case["discriminator_input_shape"]),
        "optimizer": json.dumps(case["optimizer"]),
        "steps": str(steps),
        "batch_size": str(batch),
        "latent_dim": str(latent),
        "seed": str(seed),
        "data": "MNIST t10k (tests/data/mnist), scaled to [-1, 1], torch.randperm(10000) under the seed",
        "order": "per step: d = loss_d(D(real[k]), D(G(z_d[k]).detach())) [+ r1]; d.backward(); opt_d.step(); "
                 "g = loss_g(D(G(z_g[k]))); g.backward(); opt_g.step() [; ema update]; both nets in train mode",
    }
    if r1_gamma is not None:
        metadata["r1_gamma"] = str(r1_gamma)
    if ema_decay is not None:
        metadata["ema_decay"] = str(ema_decay)
    path = os.path.join(out_dir, f"torch_{case['name']}_seed{seed}.safetensors")
    save(path, tensors, metadata)
    print(f"{path}: {os.path.getsize(path)} bytes; d {d_losses[0]:.6f} -> {d_losses[-1]:.6f}, g {g_losses[0]:.6f} -> {g_losses[-1]:.6f}")


def save(path, tensors, metadata):
    """safetensors writer (no dependency on the safetensors package): F32 only, sorted names."""
    header = {"__metadata__": metadata}
    offset = 0
    blobs = []
    for name in sorted(tensors):
        data = tensors[name].detach().to(torch.float32).contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensors[name].shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)
    os.replace(tmp, path)


# ---- the cases ----

def dense(name, units):
    return {"class": "Dense", "name": name, "units": units}


def leaky(name, alpha=0.2):
    return {"class": "LeakyReLU", "name": name, "alpha": alpha}


MLP_G = [dense("dense_0", 16), leaky("leaky_re_lu_0"), dense("dense_1", 784), {"class": "Activation", "name": "tanh", "activation": "tanh"},
         {"class": "Reshape", "name": "reshape", "target_shape": [1, 28, 28]}]
MLP_D = [{"class": "Flatten", "name": "flatten"}, dense("dense_0", 16), leaky("leaky_re_lu_0"), dense("dense_1", 1)]
ADAM = {"class": "Adam", "learning_rate": 2e-4, "beta1": 0.5, "beta2": 0.999, "epsilon": 1e-8, "rule": "algorithm1"}


def bn(name):
    # PyTorch's defaults in Keras terms: momentum 0.9 (PyTorch 0.1), epsilon 1e-5, unbiased moving variance.
    return {"class": "BatchNormalization", "name": name, "momentum": 0.9, "epsilon": 1e-5, "moving_variance": "unbiased"}


CASES = [
    {"name": "dcgan28", "description": "DCGAN 28x28: Dense, BatchNormalization (training updates and inference), LeakyReLU, Conv2DTranspose, Conv2D, tanh; non-saturating BCE on logits; Adam",
     "generator_input_shape": [16], "discriminator_input_shape": [1, 28, 28],
     "generator": [{**dense("dense_0", 8 * 7 * 7), "use_bias": False}, bn("batch_normalization_0"), leaky("leaky_re_lu_0"),
                   {"class": "Reshape", "name": "reshape", "target_shape": [8, 7, 7]},
                   {"class": "Conv2DTranspose", "name": "conv2d_transpose_0", "filters": 4, "kernel_size": 4, "strides": 2, "padding": "same", "torch_padding": 1, "use_bias": False},
                   bn("batch_normalization_1"), leaky("leaky_re_lu_1"),
                   {"class": "Conv2DTranspose", "name": "conv2d_transpose_1", "filters": 1, "kernel_size": 4, "strides": 2, "padding": "same", "torch_padding": 1},
                   {"class": "Activation", "name": "tanh", "activation": "tanh"}],
     "discriminator": [{"class": "Conv2D", "name": "conv2d_0", "filters": 4, "kernel_size": 4, "strides": 2, "padding": "same", "torch_padding": 1},
                       leaky("leaky_re_lu_0"),
                       {"class": "Conv2D", "name": "conv2d_1", "filters": 8, "kernel_size": 4, "strides": 2, "padding": "same", "torch_padding": 1, "use_bias": False},
                       bn("batch_normalization_0"), leaky("leaky_re_lu_1"), {"class": "Flatten", "name": "flatten"}, dense("dense_0", 1)],
     "loss": "non-saturating", "optimizer": ADAM},
    {"name": "hinge_sn", "description": "hinge loss; discriminator Dense layers under torch.nn.utils.spectral_norm (one power iteration per call); Adam",
     "generator_input_shape": [16], "discriminator_input_shape": [1, 28, 28], "generator": MLP_G,
     "discriminator": [{"class": "Flatten", "name": "flatten"},
                       {"class": "SpectralNormalization", "name": "spectral_normalization_0", "layer": dense("dense_0", 16)}, leaky("leaky_re_lu_0"),
                       {"class": "SpectralNormalization", "name": "spectral_normalization_1", "layer": dense("dense_1", 1)}],
     "loss": "hinge", "optimizer": {**ADAM, "beta1": 0.0, "beta2": 0.9}},
    {"name": "lsgan", "description": "least-squares GAN loss (Mao et al. 2017, a=0, b=c=1, halves); MLPs; Adam",
     "generator_input_shape": [16], "discriminator_input_shape": [1, 28, 28], "generator": MLP_G, "discriminator": MLP_D,
     "loss": "lsgan", "optimizer": ADAM},
    {"name": "ns_r1", "description": "non-saturating loss on logits + R1 penalty gamma/2 * E||grad D(x)||^2 (gamma 10); MLPs; Adam",
     "generator_input_shape": [16], "discriminator_input_shape": [1, 28, 28], "generator": MLP_G, "discriminator": MLP_D,
     "loss": "non-saturating-r1", "r1_gamma": 10.0, "optimizer": ADAM},
    {"name": "rmsprop", "description": "torch.optim.RMSprop (eps added outside the square root); non-saturating loss; MLPs",
     "generator_input_shape": [16], "discriminator_input_shape": [1, 28, 28], "generator": MLP_G, "discriminator": MLP_D,
     "loss": "non-saturating", "optimizer": {"class": "RMSprop", "learning_rate": 1e-3, "rho": 0.99, "epsilon": 1e-8, "epsilon_placement": "outside_sqrt"}},
    {"name": "sgd_momentum", "description": "torch.optim.SGD with momentum 0.9 (v = m*v + g; w -= lr*v); non-saturating loss; MLPs",
     "generator_input_shape": [16], "discriminator_input_shape": [1, 28, 28], "generator": MLP_G, "discriminator": MLP_D,
     "loss": "non-saturating", "optimizer": {"class": "SGD", "learning_rate": 0.05, "momentum": 0.9, "momentum_form": "torch"}},
    {"name": "ema", "description": "exponential moving average of the generator's weights (decay 0.9, updated after every generator step); non-saturating loss; MLPs; Adam",
     "generator_input_shape": [16], "discriminator_input_shape": [1, 28, 28], "generator": MLP_G, "discriminator": MLP_D,
     "loss": "non-saturating", "ema_decay": 0.9, "optimizer": ADAM},
]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("name", help="a case name, or 'all'")
    parser.add_argument("--out", default=os.path.join(ROOT, "tests", "data", "golden"))
    parser.add_argument("--steps", type=int, default=6)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(1)
    names = [c["name"] for c in CASES]
    if args.name != "all" and args.name not in names:
        sys.exit(f"unknown case {args.name!r}; expected one of {', '.join(names)} or all")
    os.makedirs(args.out, exist_ok=True)
    for case in CASES:
        if args.name in ("all", case["name"]):
            record(case, args.steps, args.batch, args.seed, args.out)


if __name__ == "__main__":
    main()
