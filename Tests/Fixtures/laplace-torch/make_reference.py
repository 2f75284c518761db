#!/usr/bin/env python3
"""Reference numbers from laplace-torch for the Swift Laplace-approximation code.

Builds two small fixed (untrained) MLPs and data sets from numpy seeds, fits
laplace-torch's Laplace approximations with the *exact* GGN (Curvlinops backend,
stochastic=False) for every (subset_of_weights, hessian_structure) combination,
plus an empirical-Fisher and an exact-Hessian variant, and writes everything to
reference.json next to this file.

Regenerate (from this folder, inside a virtualenv with laplace-torch installed):

    python make_reference.py            # writes ./reference.json

Every float is written with Python's repr (shortest round-tripping form), nothing
is rounded. All computations are float64. The script is deterministic: all
random numbers come from numpy.random.default_rng with fixed seeds and no
laplace-torch code path used here draws random numbers (no MC, no sampling).

Besides recording laplace-torch's outputs, the script independently recomputes
the key quantities with plain torch.autograd (Jacobians, GGN, EF, Hessian,
KFAC factors, marginal likelihood, GLM predictive) and asserts that they agree
with laplace-torch. The maximum absolute deviations are stored under
"independent_checks" so the conventions described in README.md are verified
facts, not assumptions.
"""

import copy
import json
import math
import os
import sys
from importlib.metadata import version

import numpy as np
import torch
from torch import nn
from torch.nn.utils import parameters_to_vector
from torch.utils.data import DataLoader, TensorDataset

from laplace import Laplace
from laplace.curvature import (
    AsdlEF,
    AsdlGGN,
    AsdlHessian,
    BackPackEF,
    BackPackGGN,
    CurvlinopsEF,
    CurvlinopsGGN,
    CurvlinopsHessian,
)

torch.set_default_dtype(torch.float64)
torch.use_deterministic_algorithms(True)

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "reference.json")

PRIOR_PRECISION = 2.0
SIGMA_NOISE = 0.3
ALT_PRIOR_PRECISION = 0.5
ALT_SIGMA_NOISE = 0.5
SUBSETS = ["all", "last_layer"]
STRUCTURES = ["full", "diag", "kron"]


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------
def tolist(t):
    """Tensor/array/number -> nested python lists of floats (exact values)."""
    if isinstance(t, torch.Tensor):
        t = t.detach().cpu().numpy()
    if isinstance(t, np.ndarray):
        return t.astype(np.float64).tolist()
    return float(t)


def maxabs(a, b):
    return float((torch.as_tensor(a) - torch.as_tensor(b)).abs().max())


def check(name, a, b, checks, rtol=1e-9, atol=1e-9):
    """Assert a ~= b and record the max abs deviation."""
    a = torch.as_tensor(a, dtype=torch.float64)
    b = torch.as_tensor(b, dtype=torch.float64)
    d = maxabs(a, b)
    checks[name] = d
    scale = float(max(a.abs().max(), b.abs().max(), 1.0))
    if not d <= atol + rtol * scale:
        raise AssertionError(f"check {name} failed: max abs diff {d} (scale {scale})")


def make_mlp(sizes, seed, std):
    """MLP Linear-Tanh-...-Linear with entries ~ N(0, std^2) from numpy.

    Draw order: for each Linear layer in network order, first the weight with
    shape [out, in] (torch layout, row-major fill), then the bias [out].
    """
    rng = np.random.default_rng(seed)
    mods = []
    for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        lin = nn.Linear(fan_in, fan_out)
        W = rng.normal(0.0, std, size=(fan_out, fan_in))
        b = rng.normal(0.0, std, size=(fan_out,))
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(W))
            lin.bias.copy_(torch.from_numpy(b))
        mods.append(lin)
        if i < len(sizes) - 2:
            mods.append(nn.Tanh())
    return nn.Sequential(*mods)


def layers_json(model):
    out = []
    for m in model:
        if isinstance(m, nn.Linear):
            out.append(
                {
                    "type": "Linear",
                    "in_features": m.in_features,
                    "out_features": m.out_features,
                    "weight": tolist(m.weight),  # [out][in]
                    "bias": tolist(m.bias),  # [out]
                }
            )
        else:
            out.append({"type": type(m).__name__})
    return out


# --------------------------------------------------------------------------
# data and networks
# --------------------------------------------------------------------------
def regression_problem():
    model = make_mlp([1, 8, 8, 1], seed=1, std=0.5)
    x = np.linspace(-3.0, 3.0, 30)
    rng = np.random.default_rng(2)
    y = np.sin(x) + 0.3 * rng.standard_normal(30)
    X = torch.from_numpy(x).reshape(-1, 1)
    Y = torch.from_numpy(y).reshape(-1, 1)  # laplace-torch wants y.ndim == f.ndim
    X_test = torch.tensor([[-4.5], [-2.0], [0.0], [1.3], [4.5]])
    return model, X, Y, X_test


def label_rule(X):
    """label = argmax over (x1, x2, -x1-x2); ties impossible a.s."""
    scores = np.stack([X[:, 0], X[:, 1], -X[:, 0] - X[:, 1]], axis=1)
    return np.argmax(scores, axis=1)


def classification_problem():
    model = make_mlp([2, 8, 8, 3], seed=3, std=0.7)
    rng = np.random.default_rng(4)
    x = rng.standard_normal((40, 2))
    y = label_rule(x)
    X = torch.from_numpy(x)
    Y = torch.from_numpy(y).long()
    X_test = torch.tensor(
        [[0.0, 0.0], [1.0, -0.5], [-1.5, 2.0], [6.0, -5.0], [-7.0, -7.0]]
    )
    return model, X, Y, X_test


# --------------------------------------------------------------------------
# independent (plain torch.autograd) computations
# --------------------------------------------------------------------------
def param_list(model, subset):
    if subset == "all":
        return list(model.parameters())
    last = [m for m in model if isinstance(m, nn.Linear)][-1]
    return list(last.parameters())


def jacobians(model, params, X):
    """J[n, c, p] = d f_c(x_n) / d theta_p, theta = cat of flattened params."""
    theta0 = parameters_to_vector(params).detach()
    shapes = [p.shape for p in params]
    names = {id(p): n for n, p in model.named_parameters()}
    pnames = [names[id(p)] for p in params]

    def f(theta):
        d, i = {}, 0
        for n, s in zip(pnames, shapes):
            k = int(np.prod(s))
            d[n] = theta[i : i + k].reshape(s)
            i += k
        full = {n: p for n, p in model.named_parameters()}
        full.update(d)
        return torch.func.functional_call(model, full, (X,))

    J = torch.autograd.functional.jacobian(f, theta0)  # [N, C, P]
    return J, f(theta0).detach(), f, theta0


def softmax_hess(F):
    p = torch.softmax(F, dim=-1)
    return torch.diag_embed(p) - torch.einsum("nc,nk->nck", p, p)


def linear_inputs_and_output_grads(model, X):
    """For every Linear layer: its inputs a_n [N, in] and the Jacobian of the
    network output w.r.t. the layer's pre-activation output, Js[n, c, out]."""
    lins = [m for m in model if isinstance(m, nn.Linear)]
    res = []
    for lin in lins:
        idx = list(model).index(lin)
        a = model[:idx](X).detach()
        s = lin(a).detach()
        rest = model[idx + 1 :]
        # Jacobian of f w.r.t. s per sample (rest applied row-wise)
        Js = torch.stack(
            [torch.autograd.functional.jacobian(rest, s[n]) for n in range(len(s))]
        )  # [N, C, out]
        res.append((a, Js))
    return res


def kfac_reference(model, X, F, lik, subset):
    """Exact-GGN KFAC factors exactly as laplace-torch stores them (la.H_facs):
    with Bt = sum_n Js_n^T Lambda_n Js_n (Js = d f / d layer output) and
    At = (1/N) sum_n a_n a_n^T (a = layer input), Lambda = I (regression) or
    diag(p) - p p^T (classification):
      classification: weight block [Bt, At],               bias block [Bt]
      regression:     weight block [sqrt(2) Bt, At/sqrt(2)], bias block [Bt]
    The sqrt(2) comes from curvlinops' MSELoss(sum) Hessian 2*I times
    laplace-torch's factor 0.5, which Kron.__mul__ spreads as sqrt(0.5) over the
    two factors. In all cases Kronecker product = (1/N) Bt (x) (sum a a^T)."""
    N = X.shape[0]
    blocks = []
    pairs = linear_inputs_and_output_grads(model, X)
    if subset == "last_layer":
        pairs = pairs[-1:]
    Lam = (
        torch.eye(F.shape[1]).expand(N, -1, -1)
        if lik == "regression"
        else softmax_hess(F)
    )
    for a, Js in pairs:
        B = torch.einsum("nco,nck,nkq->oq", Js, Lam, Js).contiguous()
        A = (a.T @ a / N).contiguous()
        c = math.sqrt(2.0) if lik == "regression" else 1.0
        blocks.append([c * B, A / c])
        blocks.append([B])
    return blocks


# --------------------------------------------------------------------------
# one laplace-torch fit
# --------------------------------------------------------------------------
def fit(model, lik, subset, structure, loader, backend, sigma):
    kw = dict(prior_precision=PRIOR_PRECISION, backend=backend)
    if lik == "regression":
        kw["sigma_noise"] = sigma
    # deepcopy: BackPack's extend() (used only in the cross-backend checks)
    # modifies modules in place and would break later Curvlinops fits.
    model = copy.deepcopy(model)
    la = Laplace(model, lik, subset_of_weights=subset, hessian_structure=structure, **kw)
    la.fit(loader)
    return la


def record(la, lik, structure, X_test, dense_kron_posterior=False):
    r = {
        "laplace_class": type(la).__name__,
        "backend_class": la._backend_cls.__name__,
        "n_params": int(la.n_params),
        "n_data": int(la.n_data),
        "n_outputs": int(la.n_outputs),
        "loss": float(la.loss),
        "log_likelihood": float(la.log_likelihood),
        "H_factor": float(la._H_factor),
        "mean": tolist(la.mean),
    }
    r["log_marginal_likelihood"] = float(la.log_marginal_likelihood())
    r["log_det_posterior_precision"] = float(la.log_det_posterior_precision)
    r["log_det_prior_precision"] = float(la.log_det_prior_precision)
    r["scatter"] = float(la.scatter)

    if lik == "regression":
        f_mu, f_var = la(X_test, pred_type="glm")
        r["predictive_glm"] = {"f_mu": tolist(f_mu), "f_var": tolist(f_var)}
    else:
        f_mu, f_var = la._glm_predictive_distribution(X_test)
        probs = la(X_test, pred_type="glm", link_approx="probit")
        r["predictive_glm"] = {
            "f_mu": tolist(f_mu),
            "f_var": tolist(f_var),
            "probit_probs": tolist(probs),
        }

    P = la.posterior_precision
    if structure == "full":
        r["posterior_precision"] = tolist(P)
        r["posterior_precision_diag"] = tolist(torch.diagonal(P))
        r["H"] = tolist(la.H)
    elif structure == "diag":
        r["posterior_precision_diag"] = tolist(P)
        r["H"] = tolist(la.H)
    else:  # kron
        r["posterior_precision_diag"] = tolist(P.diag())
        r["kron_factors"] = [[tolist(M) for M in F] for F in la.H_facs.kfacs]
        if dense_kron_posterior:
            r["posterior_precision"] = tolist(P.to_matrix())
    return r


def alt_lml(la, lik):
    """Evaluated last: this call overwrites la's prior_precision / sigma_noise."""
    if lik == "regression":
        v = la.log_marginal_likelihood(
            prior_precision=torch.tensor(ALT_PRIOR_PRECISION),
            sigma_noise=torch.tensor(ALT_SIGMA_NOISE),
        )
        return {
            "prior_precision": ALT_PRIOR_PRECISION,
            "sigma_noise": ALT_SIGMA_NOISE,
            "value": float(v),
        }
    v = la.log_marginal_likelihood(prior_precision=torch.tensor(ALT_PRIOR_PRECISION))
    return {"prior_precision": ALT_PRIOR_PRECISION, "value": float(v)}


# --------------------------------------------------------------------------
# independent verification of laplace-torch's conventions
# --------------------------------------------------------------------------
def manual_lml(H, kind, mean, lik, loss, N, C, prior, sigma):
    """log p(D) ~= log_lik - 1/2 (log det P - log det P0 + delta theta^T theta).
    H is laplace-torch's raw curvature (dense matrix, diagonal vector, or list of
    Kron blocks); P = H / sigma^2 + prior * I."""
    s2 = sigma**2 if lik == "regression" else 1.0
    P_count = mean.numel()
    if kind == "full":
        logdetP = torch.logdet(H / s2 + prior * torch.eye(P_count))
    elif kind == "diag":
        logdetP = torch.log(H / s2 + prior).sum()
    else:
        logdetP = torch.logdet(dense_kron(H) / s2 + prior * torch.eye(P_count))
    if lik == "regression":
        ll = -loss / s2 - N * C * math.log(sigma * math.sqrt(2 * math.pi))
    else:
        ll = -loss
    return ll - 0.5 * (logdetP - P_count * math.log(prior) + prior * float(mean @ mean))


def dense_kron(blocks):
    mats = [torch.kron(F[0], F[1]) if len(F) == 2 else F[0] for F in blocks]
    return torch.block_diag(*mats)


def verify(name, prob, la_by_struct, checks):
    lik, model, X, Y, X_test = prob["lik"], prob["model"], prob["X"], prob["Y"], prob["X_test"]
    N = X.shape[0]
    for subset in SUBSETS:
        params = param_list(model, subset)
        J, F, _, theta = jacobians(model, params, X)
        C = F.shape[1]
        Lam = torch.eye(C).expand(N, -1, -1) if lik == "regression" else softmax_hess(F)
        GGN = torch.einsum("ncp,nck,nkq->pq", J, Lam, J)
        if lik == "regression":
            loss = 0.5 * float(((F - Y) ** 2).sum())
        else:
            loss = float(nn.functional.cross_entropy(F, Y, reduction="sum"))
        tag = f"{name}/{subset}"
        for s in STRUCTURES:
            la = la_by_struct[(subset, s)]
            check(f"{tag}/{s}/mean_equals_parameters_to_vector", la.mean, theta, checks, 0, 0)
            check(f"{tag}/{s}/loss", la.loss, loss, checks)
            if s == "full":
                check(f"{tag}/full/H_vs_sum_JT_Lambda_J", la.H, GGN, checks)
                Hs = la.H
            elif s == "diag":
                check(f"{tag}/diag/H_vs_diag_of_GGN", la.H, torch.diagonal(GGN), checks)
                Hs = la.H
            else:
                ref = kfac_reference(model, X, F, lik, subset)
                for bi, (Fl, Fr) in enumerate(zip(la.H_facs.kfacs, ref)):
                    assert len(Fl) == len(Fr)
                    for fi, (Ml, Mr) in enumerate(zip(Fl, Fr)):
                        check(f"{tag}/kron/block{bi}_factor{fi}", Ml, Mr, checks)
                Hs = la.H_facs.kfacs
                # the bias blocks of KFAC are the exact GGN bias blocks
                if subset == "all":
                    # Kron.__add__ sums factors separately and curvlinops divides
                    # A by the batch size, laplace-torch rescales it by M/N:
                    # mini-batch fits give the same factors as one full batch.
                    mb = DataLoader(TensorDataset(X, Y), batch_size=10, shuffle=False)
                    la_mb = fit(model, lik, subset, s, mb, CurvlinopsGGN, SIGMA_NOISE if lik == "regression" else 1.0)
                    for bi, (Fl, Fm) in enumerate(zip(la.H_facs.kfacs, la_mb.H_facs.kfacs)):
                        for fi, (Ml, Mm) in enumerate(zip(Fl, Fm)):
                            check(f"{tag}/kron/minibatch10_block{bi}_factor{fi}", Mm, Ml, checks)
            sig = SIGMA_NOISE if lik == "regression" else 1.0
            lml = manual_lml(Hs, s, la.mean, lik, la.loss, N, C, PRIOR_PRECISION, sig)
            check(f"{tag}/{s}/lml_formula", la.log_marginal_likelihood(), lml, checks)
            # H does not depend on sigma: the alternative marglik only rescales it
            alt_sig = ALT_SIGMA_NOISE if lik == "regression" else 1.0
            lml_alt = manual_lml(Hs, s, la.mean, lik, la.loss, N, C, ALT_PRIOR_PRECISION, alt_sig)
            la_alt = fit(model, lik, subset, s, DataLoader(TensorDataset(X, Y), batch_size=N), CurvlinopsGGN, sig)
            check(f"{tag}/{s}/lml_alt_formula", alt_lml(la_alt, lik)["value"], lml_alt, checks)
            # GLM predictive: J* P^-1 J*^T with the structure's dense P
            Jt, Ft, _, _ = jacobians(model, params, X_test)
            s2 = sig**2
            if s == "full":
                Pd = la.H / s2 + PRIOR_PRECISION * torch.eye(theta.numel())
            elif s == "diag":
                Pd = torch.diag(la.H / s2 + PRIOR_PRECISION)
            else:
                Pd = dense_kron(la.H_facs.kfacs) / s2 + PRIOR_PRECISION * torch.eye(theta.numel())
            P_la = la.posterior_precision
            if s == "full":
                check(f"{tag}/full/posterior_precision", P_la, Pd, checks)
            elif s == "diag":
                check(f"{tag}/diag/posterior_precision_diag", P_la, torch.diagonal(Pd), checks)
            else:
                check(f"{tag}/kron/posterior_precision_diag", P_la.diag(), torch.diagonal(Pd), checks)
                check(f"{tag}/kron/posterior_precision_dense", P_la.to_matrix(), Pd, checks)
            fv = torch.einsum("ncp,pq,nkq->nck", Jt, torch.linalg.inv(Pd), Jt)
            mu, var = la._glm_predictive_distribution(X_test)
            check(f"{tag}/{s}/glm_f_mu", mu, Ft, checks)
            check(f"{tag}/{s}/glm_f_var", var, fv, checks)
            if lik == "classification":
                kappa = 1 / torch.sqrt(1 + math.pi / 8 * torch.diagonal(fv, dim1=1, dim2=2))
                check(f"{tag}/{s}/probit", la(X_test, pred_type="glm", link_approx="probit"),
                      torch.softmax(kappa * Ft, -1), checks)
    return


# --------------------------------------------------------------------------
def run_problem(name, lik, model, X, Y, X_test):
    N = X.shape[0]
    # One batch containing all N points (verify() shows batch size 10 gives the
    # same numbers).
    loader = DataLoader(TensorDataset(X, Y), batch_size=N, shuffle=False)
    out = {
        "likelihood": lik,
        "architecture": layers_json(model),
        "parameter_vector": tolist(parameters_to_vector(model.parameters())),
        "X_train": tolist(X),
        "y_train": tolist(Y) if lik == "regression" else [int(v) for v in Y],
        "X_test": tolist(X_test),
        "prior_precision": PRIOR_PRECISION,
        "configs": {},
    }
    if lik == "regression":
        out["sigma_noise"] = SIGMA_NOISE
    sig = SIGMA_NOISE if lik == "regression" else 1.0

    la_by = {}
    for subset in SUBSETS:
        for s in STRUCTURES:
            la = fit(model, lik, subset, s, loader, CurvlinopsGGN, sig)
            rec = record(la, lik, s, X_test, dense_kron_posterior=(subset == "last_layer"))
            la_by[(subset, s)] = la
            out["configs"][f"{subset}/{s}"] = rec

    checks = {}
    verify(name, dict(lik=lik, model=model, X=X, Y=Y, X_test=X_test), la_by, checks)
    for key, la in la_by.items():
        out["configs"][f"{key[0]}/{key[1]}"]["log_marginal_likelihood_alt"] = alt_lml(la, lik)

    # ---- empirical Fisher, all/full
    la = fit(model, lik, "all", "full", loader, CurvlinopsEF, sig)
    params = param_list(model, "all")
    J, F, _, theta = jacobians(model, params, X)
    if lik == "regression":
        r = (F - Y)  # [N, 1]
        # laplace-torch EF for regression: 0.5 * sum_n grad(r_n^2) grad(r_n^2)^T
        # = 2 * sum_n r_n^2 J_n^T J_n
        EF = 2.0 * torch.einsum("nc,ncp,nk,nkq->pq", r, J, r, J)
    else:
        g = torch.softmax(F, -1) - nn.functional.one_hot(Y, F.shape[1]).to(F.dtype)
        EF = torch.einsum("nc,ncp,nk,nkq->pq", g, J, g, J)
    check(f"{name}/ef/H_vs_formula", la.H, EF, checks)
    lml = manual_lml(la.H, "full", la.mean, lik, la.loss, N, F.shape[1], PRIOR_PRECISION, sig)
    check(f"{name}/ef/lml_formula", la.log_marginal_likelihood(), lml, checks)
    ef = {
        "laplace_class": type(la).__name__,
        "backend_class": la._backend_cls.__name__,
        "n_params": int(la.n_params),
        "loss": float(la.loss),
        "log_likelihood": float(la.log_likelihood),
        "H": tolist(la.H),
        "log_marginal_likelihood": float(la.log_marginal_likelihood()),
    }
    ef["log_marginal_likelihood_alt"] = alt_lml(la, lik)
    out["configs"]["all/full/empirical_fisher"] = ef

    # ---- exact Hessian, regression all/full
    if lik == "regression":
        la = fit(model, lik, "all", "full", loader, CurvlinopsHessian, sig)
        _, _, f, theta = jacobians(model, params, X)
        Hex = torch.autograd.functional.hessian(
            lambda t: 0.5 * ((f(t) - Y) ** 2).sum(), theta
        )
        check(f"{name}/hessian/H_vs_autograd_hessian_of_half_SSE", la.H, Hex, checks)
        evals = torch.linalg.eigvalsh(la.posterior_precision)
        lml = la.log_marginal_likelihood()
        hs = {
            "laplace_class": type(la).__name__,
            "backend_class": la._backend_cls.__name__,
            "n_params": int(la.n_params),
            "loss": float(la.loss),
            "H": tolist(la.H),
            "min_eigenvalue_H": float(torch.linalg.eigvalsh(la.H).min()),
            "min_eigenvalue_posterior_precision": float(evals.min()),
            # P = H/sigma^2 + prior*I is indefinite at these untrained weights,
            # so laplace-torch's logdet (and hence the marglik) is NaN -> null.
            "log_marginal_likelihood": float(lml) if torch.isfinite(lml) else None,
            "log_marginal_likelihood_laplace_torch_repr": repr(float(lml)),
            "n_negative_eigenvalues_posterior_precision": int((evals < 0).sum()),
        }
        out["configs"]["all/full/exact_hessian"] = hs
    out["independent_checks_max_abs_diff"] = checks
    out["cross_backend_max_abs_diff"] = cross_backend(lik, model, loader, X_test, sig)
    return out


def cross_backend(lik, model, loader, X_test, sig):
    """The same exact quantities from laplace-torch's two other backends
    (BackPack: DiagGGNExact/KFLR/exact per-output Jacobians; ASDL: FISHER_EXACT)
    must agree with the recorded Curvlinops numbers. Asserted (1e-9 relative)
    and stored as max abs differences."""
    res = {}
    pairs = [((sub, s), CurvlinopsGGN, [BackPackGGN, AsdlGGN]) for sub in SUBSETS for s in STRUCTURES]
    pairs.append((("all", "full/empirical_fisher"), CurvlinopsEF, [BackPackEF, AsdlEF]))
    if lik == "regression":
        pairs.append((("all", "full/exact_hessian"), CurvlinopsHessian, [AsdlHessian]))
    for (sub, s), ref_be, others in pairs:
        struct = s.split("/")[0]
        ref = fit(model, lik, sub, struct, loader, ref_be, sig)
        for be in others:
            la = fit(model, lik, sub, struct, loader, be, sig)
            key = f"{sub}/{s}/{be.__name__}"
            if struct == "kron":
                # backends split the scale between the two factors differently,
                # so compare the Kronecker products, not the factors
                d = {"kron_dense": maxabs(dense_kron(la.H_facs.kfacs), dense_kron(ref.H_facs.kfacs))}
            else:
                d = {"H": maxabs(la.H, ref.H)}
            if "exact_hessian" not in s:
                d["log_marginal_likelihood"] = abs(float(la.log_marginal_likelihood() - ref.log_marginal_likelihood()))
                if "empirical" not in s:
                    d["glm_f_var"] = maxabs(la._glm_predictive_distribution(X_test)[1], ref._glm_predictive_distribution(X_test)[1])
            for k, v in d.items():
                if not v <= 1e-9 * 1e3:  # values are O(1e3) at most
                    raise AssertionError(f"cross-backend {key} {k}: {v}")
            res[key] = d
    return res


def main():
    versions = {"python": sys.version.split()[0]}
    for pkg in ["torch", "laplace-torch", "curvlinops-for-pytorch",
                "backpack-for-pytorch", "asdfghjkl", "numpy"]:
        versions[pkg] = version(pkg)

    ref = {
        "description": "laplace-torch reference values; see README.md for every field",
        "generator": "make_reference.py",
        "versions": versions,
        "dtype": "float64",
        "parameter_order": "layer by layer in network order; for each Linear: "
        "weight [out, in] row-major, then bias [out] (torch parameters_to_vector)",
    }
    ref["regression"] = run_problem("regression", "regression", *regression_problem())
    ref["classification"] = run_problem(
        "classification", "classification", *classification_problem()
    )
    with open(OUT, "w") as fh:
        json.dump(ref, fh, separators=(",", ":"), allow_nan=False)
        fh.write("\n")
    print(f"wrote {OUT} ({os.path.getsize(OUT)} bytes)")


if __name__ == "__main__":
    main()
