"""NumPyro's NUTS on chapter 10's regression posterior: the reference for `make bench`'s
NUTS rows.

Run by hand (the course does not install JAX), from the repository's root:

    python -m venv /tmp/jax && /tmp/jax/bin/pip install numpyro jax
    .build/release/benchmarks --export-chapter10 Benchmarks/reference/chapter10-posterior.json
    /tmp/jax/bin/python Benchmarks/reference/numpyro_nuts.py

It samples the same density from the same points as the benchmark: the 40 points and the
two MAP starts exported by the benchmark program, a flat 151-vector theta with a N(0, 1)
prior in the course's layout, Gaussian likelihood with sigma = 0.2, float64. NUTS with
NumPyro's defaults (diagonal mass, target acceptance 0.8, max tree depth 10), 2 chains x
(500 warm-up + 500 draws) side by side on the two cores (chain_method="parallel"), as the
course's benchmark runs its two chains. Efficiency as the benchmark measures it: the
smallest ESS over the predictions f(-2), f(0), f(2), f(4.5), per second of wall clock
(warm-up included, compilation excluded: a first run compiles and is not counted) and per
1000 gradient evaluations (leapfrog steps, warm-up included). Writes numpyro_nuts.json.
"""

import json
import os
import platform
import time

os.environ.setdefault("XLA_FLAGS", "--xla_force_host_platform_device_count=2")

import jax  # noqa: E402

jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
import numpyro  # noqa: E402
import numpyro.distributions as dist  # noqa: E402
from numpyro.diagnostics import effective_sample_size  # noqa: E402
from numpyro.infer import MCMC, NUTS  # noqa: E402
from provenance import machine, summary, today  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SEEDS = [11, 12, 13]


def network(theta, x):
    """f(x) for the 1-50-1 tanh network whose weights are theta (the course's layout)."""
    w1, b1, w2, b2 = theta[0:50], theta[50:100], theta[100:150], theta[150]
    return jnp.tanh(x[:, None] * w1[None, :] + b1) @ w2 + b2


def model(x, y, noise, prior):
    theta = numpyro.sample("theta", dist.Normal(0.0, prior).expand([151]).to_event(1))
    numpyro.sample("y", dist.Normal(network(theta, x), noise), obs=y)


def one_run(problem, seed):
    x, y = jnp.array(problem["x"]), jnp.array(problem["y"])
    starts = jnp.array(problem["starts"])
    probes = jnp.array(problem["probes"])
    args = (x, y, problem["noiseStandardDeviation"], problem["priorStandardDeviation"])
    mcmc = MCMC(
        NUTS(model), num_warmup=500, num_samples=500, num_chains=2,
        chain_method="parallel", progress_bar=False)
    key = jax.random.PRNGKey(seed)
    start = time.perf_counter()
    mcmc.warmup(key, *args, init_params={"theta": starts}, collect_warmup=True,
                extra_fields=("num_steps",))
    warm_steps = int(np.sum(mcmc.get_extra_fields(group_by_chain=True)["num_steps"]))
    mcmc.run(mcmc.post_warmup_state.rng_key, *args, extra_fields=("num_steps", "diverging"))
    theta = mcmc.get_samples(group_by_chain=True)["theta"]
    theta.block_until_ready()
    seconds = time.perf_counter() - start
    extra = mcmc.get_extra_fields(group_by_chain=True)
    steps = warm_steps + int(np.sum(extra["num_steps"]))
    predictions = jax.vmap(jax.vmap(lambda t: network(t, probes)))(theta)  # [chains, draws, 4]
    ess = min(float(effective_sample_size(np.asarray(predictions[:, :, j]))) for j in range(4))
    depth = np.log2(np.asarray(extra["num_steps"]) + 1)
    return {
        "seed": seed, "seconds": seconds, "ess": ess, "gradients": steps,
        "meanTreeDepth": float(depth.mean()), "divergences": int(np.sum(extra["diverging"])),
    }


def main():
    load_start = os.getloadavg()[0]
    with open(os.path.join(HERE, "chapter10-posterior.json")) as f:
        problem = json.load(f)
    first = one_run(problem, 0)  # compiles; not counted
    print("first run (compilation included):", first)
    runs = []
    for seed in SEEDS:
        run = one_run(problem, seed)
        print(run)
        runs.append(run)
    label = "NUTS defaults, float64, 2 parallel chains, compilation excluded"
    rate = summary([r["ess"] / r["seconds"] for r in runs])
    per_gradient = summary([1000 * r["ess"] / r["gradients"] for r in runs])
    record = {
        "tool": "NumPyro",
        "versions": {"numpyro": numpyro.__version__, "jax": jax.__version__,
                     "python": platform.python_version()},
        "script": "Benchmarks/reference/numpyro_nuts.py",
        "date": today(),
        "machine": machine(load_start),
        "measurements": [
            {"benchmark": "nuts-ess-per-second", "label": label, "unit": "ESS/s",
             **rate},
            {"benchmark": "nuts-ess-per-1000-gradients", "label": label,
             "unit": "per 1000 gradients",
             **per_gradient},
        ],
        "runs": runs,
    }
    with open(os.path.join(HERE, "numpyro_nuts.json"), "w") as f:
        json.dump(record, f, indent=2, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
