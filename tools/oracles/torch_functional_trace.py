#!/usr/bin/env python3
"""Records PyTorch traces of GAN steps on functional graphs, for Gan.Keras's functional parity tests.

Cases (written as tests/data/golden/torch_functional_<case>_seed<seed>.safetensors):
  acgan    -- an AC-GAN-style step: generator G([z, y]) = Dense(4, tanh)(Dense(8, relu)(z * Flatten(Embedding(3, 6)(y))));
              discriminator D(x) = [Dense(1)(h), Dense(3)(h)], h = leaky_relu(Dense(8)(x), 0.2). Discriminator loss:
              BCE-with-logits(D(x)[0], 1) + BCE-with-logits(D(G)[0], 0) + CE(D(x)[1], y_real) + CE(D(G)[1], y_fake);
              generator loss: BCE-with-logits(D(G)[0], 1) + CE(D(G)[1], y_fake). One Adam update each per step.
  residual -- a residual generator: h = tanh(Dense(6)(z)); r = z + Dense(6)(h); G(z) = Dense(4, tanh)(r);
              D(x) = Dense(1)(leaky_relu(Dense(8)(x), 0.2)); the non-saturating BCE-with-logits losses; Adam.

Data and noise are drawn here from torch.manual_seed(seed) and stored in the trace, so the replay needs no random numbers:
weights (Keras layout: Dense kernels [in, out]), per step the real batch x, its labels y_real, the discriminator's latent
z_d and the generator's z_g (and labels y_fake), the losses, and the final weights.

Usage: /usr/bin/python3 tools/oracles/torch_functional_trace.py acgan|residual|all [--out DIR] [--steps N] [--seed S]
"""
import argparse
import json
import os

import torch
import torch.nn.functional as F

from torch_trace import ROOT, save

LATENT, CLASSES, FEATURES, HIDDEN = 6, 3, 4, 8


def linear(inputs, outputs):
    layer = torch.nn.Linear(inputs, outputs)
    with torch.no_grad():
        layer.bias.uniform_(-0.2, 0.2)  # non-zero biases, so a dropped bias shows
    return layer


class AcganGenerator(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = torch.nn.Embedding(CLASSES, LATENT)
        self.hidden = linear(LATENT, HIDDEN)
        self.out = linear(HIDDEN, FEATURES)

    def forward(self, z, y):
        joined = z * self.embedding(y.reshape(-1, 1)).flatten(1)
        return torch.tanh(self.out(F.relu(self.hidden(joined))))

    def keras(self):
        return {"embedding.embeddings": self.embedding.weight, "hidden.kernel": self.hidden.weight.t(), "hidden.bias": self.hidden.bias,
                "out.kernel": self.out.weight.t(), "out.bias": self.out.bias}


class TwoHeadDiscriminator(torch.nn.Module):
    def __init__(self, heads):
        super().__init__()
        self.features = linear(FEATURES, HIDDEN)
        self.validity = linear(HIDDEN, 1)
        self.heads = heads
        if heads > 1:
            self.classes = linear(HIDDEN, CLASSES)

    def forward(self, x):
        h = F.leaky_relu(self.features(x), 0.2)
        return (self.validity(h), self.classes(h)) if self.heads > 1 else (self.validity(h),)

    def keras(self):
        weights = {"features.kernel": self.features.weight.t(), "features.bias": self.features.bias,
                   "validity.kernel": self.validity.weight.t(), "validity.bias": self.validity.bias}
        if self.heads > 1:
            weights.update({"classes.kernel": self.classes.weight.t(), "classes.bias": self.classes.bias})
        return weights


class ResidualGenerator(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.first = linear(LATENT, LATENT)
        self.branch = linear(LATENT, LATENT)
        self.out = linear(LATENT, FEATURES)

    def forward(self, z, y=None):
        residual = z + self.branch(torch.tanh(self.first(z)))
        return torch.tanh(self.out(residual))

    def keras(self):
        return {"first.kernel": self.first.weight.t(), "first.bias": self.first.bias, "branch.kernel": self.branch.weight.t(),
                "branch.bias": self.branch.bias, "out.kernel": self.out.weight.t(), "out.bias": self.out.bias}


def bce(logits, target):
    return F.binary_cross_entropy_with_logits(logits, torch.full_like(logits, target))


def record(case, steps, batch, seed, out_dir):
    torch.manual_seed(seed)
    generator = AcganGenerator() if case == "acgan" else ResidualGenerator()
    discriminator = TwoHeadDiscriminator(2 if case == "acgan" else 1)
    tensors = {}
    for prefix, net in (("generator", generator), ("discriminator", discriminator)):
        for name, value in net.keras().items():
            tensors[f"initial.{prefix}.{name}"] = value.detach().clone()
    d_opt = torch.optim.Adam(discriminator.parameters(), lr=1e-2, betas=(0.5, 0.999), eps=1e-8)
    g_opt = torch.optim.Adam(generator.parameters(), lr=1e-2, betas=(0.5, 0.999), eps=1e-8)
    d_losses, g_losses = [], []
    for step in range(steps):
        y_real = torch.randint(0, CLASSES, (batch,))
        x = torch.randn(batch, FEATURES) * 0.3 + (y_real.float().unsqueeze(1) * 0.5 - 0.5)
        z_d, z_g = torch.randn(batch, LATENT), torch.randn(batch, LATENT)
        y_fake = torch.randint(0, CLASSES, (batch,))
        tensors.update({f"step{step}.x": x, f"step{step}.y_real": y_real.float(), f"step{step}.z_d": z_d, f"step{step}.z_g": z_g,
                        f"step{step}.y_fake": y_fake.float()})
        # The discriminator sees the real batch with its labels, and the generator's samples of y_fake (AC-GAN).
        fake = generator(z_d, y_fake).detach()
        real_out, fake_out = discriminator(x), discriminator(fake)
        d_loss = bce(real_out[0], 1.0) + bce(fake_out[0], 0.0)
        if case == "acgan":
            d_loss = d_loss + F.cross_entropy(real_out[1], y_real) + F.cross_entropy(fake_out[1], y_fake)
        d_opt.zero_grad()
        d_loss.backward()
        d_opt.step()
        fake_out = discriminator(generator(z_g, y_fake))
        g_loss = bce(fake_out[0], 1.0)
        if case == "acgan":
            g_loss = g_loss + F.cross_entropy(fake_out[1], y_fake)
        g_opt.zero_grad()
        g_loss.backward()
        g_opt.step()
        d_losses.append(d_loss.item())
        g_losses.append(g_loss.item())
    tensors["d_loss"] = torch.tensor(d_losses)
    tensors["g_loss"] = torch.tensor(g_losses)
    for prefix, net in (("generator", generator), ("discriminator", discriminator)):
        for name, value in net.keras().items():
            tensors[f"final.{prefix}.{name}"] = value.detach().clone()
    metadata = {"format": "gan-keras-functional-trace/1", "framework": f"pytorch-{torch.__version__}", "case": case,
                "steps": str(steps), "batch_size": str(batch), "seed": str(seed),
                "optimizer": json.dumps({"class": "Adam", "learning_rate": 1e-2, "beta1": 0.5, "beta2": 0.999, "epsilon": 1e-8, "rule": "algorithm1"}),
                "description": __doc__.split("Cases")[1].split("Data and noise")[0].strip()}
    path = os.path.join(out_dir, f"torch_functional_{case}_seed{seed}.safetensors")
    save(path, tensors, metadata)
    print(f"wrote {path}: d_loss {d_losses[0]:.6f} .. {d_losses[-1]:.6f}, g_loss {g_losses[0]:.6f} .. {g_losses[-1]:.6f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("name", choices=["acgan", "residual", "all"])
    parser.add_argument("--out", default=os.path.join(ROOT, "tests", "data", "golden"))
    parser.add_argument("--steps", type=int, default=12)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(1)
    for case in ("acgan", "residual"):
        if args.name in ("all", case):
            record(case, args.steps, args.batch, args.seed, args.out)


if __name__ == "__main__":
    main()
