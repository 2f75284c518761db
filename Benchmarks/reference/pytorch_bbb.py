"""PyTorch's Bayes by Backprop on the job `make bench`'s `bbb-100-epochs` row times: the
reference beside it.

Run by hand (the course does not install PyTorch), from the repository's root:

    python -m venv /tmp/torch && /tmp/torch/bin/pip install torch numpy
    /tmp/torch/bin/python Benchmarks/reference/pytorch_bbb.py

The same job as the benchmark, written here in plain PyTorch the way the notes' code
does it: a 2-64-64-2 ReLU network of mean-field Gaussian layers stored as mean and
log-variance (as note 000), means drawn from N(0, 2/inputs), biases 0, every sigma
starting at 0.05, a N(0, 1) prior with the KL in closed form; one weight sample per
minibatch; the loss is the minibatch's mean cross-entropy plus KL / 1000; Adam at 10^-3;
1000 two-moons points (noise 0.1), minibatches of 64 reshuffled each epoch, 100 epochs.
Each run builds the model and trains it, as the benchmark does; one warm-up run, then
the median of seven. Two ways of running it:

- "float32, DataLoader": the notes' way (PyTorch's default dtype, a TensorDataset in a
  shuffling DataLoader), on PyTorch's default threads;
- "float64, one thread, index batches": the course's arithmetic (doubles) on one core,
  minibatches by indexing a permutation (no DataLoader).

Writes pytorch_bbb.json.
"""

import json
import math
import os
import platform
import time

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from provenance import machine, summary, today

HERE = os.path.dirname(os.path.abspath(__file__))


def two_moons(count, noise, rng):
    """Two interleaved half circles, half the points each, with Gaussian noise."""
    half = count // 2
    t = rng.uniform(0, math.pi, size=count)
    upper = np.stack([np.cos(t[:half]), np.sin(t[:half])], axis=1)
    lower = np.stack([1 - np.cos(t[half:]), 0.5 - np.sin(t[half:])], axis=1)
    x = np.concatenate([upper, lower]) + noise * rng.standard_normal((count, 2))
    y = np.concatenate([np.zeros(half, dtype=np.int64), np.ones(count - half, dtype=np.int64)])
    return x, y


class MeanFieldLinear(nn.Module):
    """A dense layer whose weights are independent Gaussians (mean, log-variance)."""

    def __init__(self, inputs, outputs, dtype):
        super().__init__()
        self.mean = nn.Parameter(torch.randn(inputs, outputs, dtype=dtype) * math.sqrt(2 / inputs))
        self.log_variance = nn.Parameter(torch.full((inputs, outputs), 2 * math.log(0.05), dtype=dtype))
        self.bias_mean = nn.Parameter(torch.zeros(outputs, dtype=dtype))
        self.bias_log_variance = nn.Parameter(torch.full((outputs,), 2 * math.log(0.05), dtype=dtype))

    def forward(self, x):
        w = self.mean + torch.exp(0.5 * self.log_variance) * torch.randn_like(self.mean)
        b = self.bias_mean + torch.exp(0.5 * self.bias_log_variance) * torch.randn_like(self.bias_mean)
        return x @ w + b

    def kl(self):
        """KL(q || N(0, 1)) in closed form, summed over the layer's weights and biases."""
        total = 0
        for m, lv in ((self.mean, self.log_variance), (self.bias_mean, self.bias_log_variance)):
            total = total + 0.5 * torch.sum(torch.exp(lv) + m * m - 1 - lv)
        return total


class Network(nn.Module):
    def __init__(self, dtype):
        super().__init__()
        self.layers = nn.ModuleList(
            [MeanFieldLinear(2, 64, dtype), MeanFieldLinear(64, 64, dtype), MeanFieldLinear(64, 2, dtype)])

    def forward(self, x):
        for layer in self.layers[:-1]:
            x = torch.relu(layer(x))
        return self.layers[-1](x)

    def kl(self):
        return sum(layer.kl() for layer in self.layers)


def train(x, y, dtype, data_loader):
    model = Network(dtype)
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-3)
    n = x.shape[0]

    def step(xb, yb):
        optimiser.zero_grad()
        loss = nn.functional.cross_entropy(model(xb), yb) + model.kl() / n
        loss.backward()
        optimiser.step()

    if data_loader:
        loader = DataLoader(TensorDataset(x, y), batch_size=64, shuffle=True)
        for _ in range(100):
            for xb, yb in loader:
                step(xb, yb)
    else:
        for _ in range(100):
            order = torch.randperm(n)
            for start in range(0, n, 64):
                batch = order[start:start + 64]
                step(x[batch], y[batch])


def measure(dtype, threads, data_loader, runs=7):
    torch.set_num_threads(threads)
    torch.manual_seed(2)
    x_np, y_np = two_moons(1000, 0.1, np.random.default_rng(1))
    x, y = torch.tensor(x_np, dtype=dtype), torch.tensor(y_np)
    train(x, y, dtype, data_loader)  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        train(x, y, dtype, data_loader)
        times.append(time.perf_counter() - start)
    return summary(times)


def main():
    load_start = os.getloadavg()[0]
    default_threads = torch.get_num_threads()
    variants = [
        (f"float32, DataLoader, {default_threads} threads (as the notes)", torch.float32,
         default_threads, True),
        ("float64, one thread, index batches", torch.float64, 1, False),
    ]
    measurements = []
    for label, dtype, threads, data_loader in variants:
        numbers = measure(dtype, threads, data_loader)
        print(label, numbers)
        measurements.append({"benchmark": "bbb-100-epochs", "label": label, "unit": "s", **numbers})
    record = {
        "tool": "PyTorch",
        "versions": {"torch": torch.__version__, "numpy": np.__version__,
                     "python": platform.python_version()},
        "script": "Benchmarks/reference/pytorch_bbb.py",
        "date": today(),
        "machine": machine(load_start),
        "measurements": measurements,
    }
    with open(os.path.join(HERE, "pytorch_bbb.json"), "w") as f:
        json.dump(record, f, indent=2, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
