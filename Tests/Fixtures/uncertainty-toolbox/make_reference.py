"""Regression calibration metrics from Uncertainty Toolbox (Chung et al. 2021), for the
Swift tests of `RegressionCalibration` and `bdl regression`.

Writes predictions.csv (a header row, columns in the order target,std,mean so that the
reader's "any order" is exercised) and reference.json (the toolbox's numbers). Our own
code; the toolbox only computes the metrics.
"""
import json
import sys

import numpy as np
import scipy
import uncertainty_toolbox as uct
from uncertainty_toolbox.metrics_calibration import get_proportion_in_interval

rng = np.random.default_rng(20261205)
n = 500
mean = rng.normal(0.0, 2.0, n)
# A model that is over-confident on half the points and under-confident on the rest, so
# that the calibration curve crosses the diagonal.
std = np.exp(rng.normal(-0.5, 0.4, n))
scale = np.where(np.arange(n) % 2 == 0, 1.6, 0.6)
target = mean + scale * std * rng.standard_normal(n)

with open("predictions.csv", "w") as f:
    f.write("target,std,mean\n")
    for t, s, m in zip(target, std, mean):
        f.write(f"{float(t)!r},{float(s)!r},{float(m)!r}\n")

metrics = uct.metrics.get_all_metrics(mean, std, target, num_bins=100, verbose=False)
reference = {
    "rows": n,
    "rmse": float(metrics["accuracy"]["rmse"]),
    "nll": float(metrics["scoring_rule"]["nll"]),
    "crps": float(metrics["scoring_rule"]["crps"]),
    "sharpness": float(metrics["sharpness"]["sharp"]),
    "mace": float(metrics["avg_calibration"]["ma_cal"]),
    "rmsce": float(metrics["avg_calibration"]["rms_cal"]),
    "miscalibration_area": float(metrics["avg_calibration"]["miscal_area"]),
    "coverage_50": float(get_proportion_in_interval(mean, std, target, 0.5)),
    "coverage_90": float(get_proportion_in_interval(mean, std, target, 0.9)),
    "coverage_95": float(get_proportion_in_interval(mean, std, target, 0.95)),
    "versions": {
        "python": sys.version.split()[0],
        "uncertainty-toolbox": "0.1.1",
        "numpy": np.__version__,
        "scipy": scipy.__version__,
    },
}
with open("reference.json", "w") as f:
    json.dump(reference, f, indent=2)
    f.write("\n")
print(json.dumps(reference, indent=2))
