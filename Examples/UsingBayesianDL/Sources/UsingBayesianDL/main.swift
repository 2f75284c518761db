// Bayesian linear regression and a last-layer Laplace check, from another package.
import BayesianDL

ProcessTuning.apply()
var rng = Generator(seed: 1)
let xs = (0..<20).map { _ in rng.uniform(-1, 1) }
let ys = xs.map { 0.5 + 2 * $0 + 0.1 * rng.normal() }
let features = Matrix(rows: xs.count, columns: 2) { i, j in j == 0 ? 1 : xs[i] }
let model = try BayesianLinearRegression(
  features: features, targets: .column(ys), priorPrecision: 1, noiseVariance: 0.01)
let mean = model.posterior.mean
print("posterior mean: intercept \(mean[0, 0]), slope \(mean[1, 0])")
print("log evidence: \(model.logEvidence)")
