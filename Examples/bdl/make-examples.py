"""Writes the example files of the README's `bdl` section (run once; the files are committed).

    python3 make-examples.py      # numpy; the README's outputs are checked by BDLReadmeTests
"""
import numpy as np

def write(name, text):
    with open(name, "w") as f:
        f.write(text)

# Eight predictions over three classes, and their labels.
P = [[0.92, 0.05, 0.03], [0.10, 0.85, 0.05], [0.30, 0.30, 0.40], [0.25, 0.50, 0.25],
     [0.05, 0.05, 0.90], [0.70, 0.20, 0.10], [0.15, 0.15, 0.70], [0.60, 0.30, 0.10]]
Y = [0, 1, 0, 2, 2, 0, 1, 1]
write("P.csv", "".join(",".join(f"{p:.2f}" for p in row) + "\n" for row in P))
write("Y.csv", "".join(f"{y}\n" for y in Y))
# The same predictions as logits: log p, to four decimals.
write("Z.csv", "".join(",".join(f"{np.log(p):.4f}" for p in row) + "\n" for row in P))

# Malformed files for the Errors section.
write("ragged.csv", "0.92,0.05,0.03\n0.10,0.90\n")
write("sum.csv", "0.92,0.05,0.03\n0.10,0.80,0.05\n")
write("Y-bad.csv", "0\n1\n0\n3\n2\n0\n1\n1\n")
write("Y-short.csv", "0\n1\n0\n2\n")
write("zero.csv", "1.00,0.00,0.00\n0.20,0.70,0.10\n")
write("Yz.csv", "1\n1\n")

# Fit on validation, score test: a four-class model whose logits are 2.5 times too large.
rng = np.random.default_rng(20)
def split(n):
    u = rng.normal(0, 1.5, (n, 4))
    q = np.exp(u - u.max(1, keepdims=True))
    q /= q.sum(1, keepdims=True)
    y = np.array([rng.choice(4, p=row) for row in q])
    z = 2.5 * u
    return "".join(",".join(f"{v:.4f}" for v in row) + "\n" for row in z), "".join(f"{k}\n" for k in y)
for name in ("VAL", "TEST"):
    z, y = split(600)
    write(f"{name}.csv", z)
    write(f"{name}_Y.csv", y)

# Regression: Gaussian predictions whose standard deviations are 0.6 times the true noise.
n = 400
mean = rng.normal(0, 2, n)
noise = 0.3 + 0.2 * np.abs(mean)
target = mean + noise * rng.normal(0, 1, n)
std = 0.6 * noise
write("regression.csv", "target,mean,std\n" + "".join(
    f"{t:.4f},{m:.4f},{s:.4f}\n" for t, m, s in zip(target, mean, std)))
