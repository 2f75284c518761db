import Foundation
import Testing

import BayesianDL

// Shared helpers for every suite: independent references (naive loops, central finite
// differences, Monte Carlo moments) and comparisons with explicit tolerances.

// MARK: - Comparisons

/// The error of `actual` relative to `expected`, measured as
/// $|a - e| / \max(1, |a|, |e|)$: absolute near zero, relative for large values.
public func mixedError(_ actual: Double, _ expected: Double) -> Double {
  abs(actual - expected) / Swift.max(1, abs(actual), abs(expected))
}

/// Expects `actual` within `tolerance` of `expected` in the sense of ``mixedError(_:_:)``.
public func expectClose(
  _ actual: Double, _ expected: Double, tolerance: Double = 1e-12, _ what: String = "",
  sourceLocation: SourceLocation = #_sourceLocation
) {
  #expect(
    mixedError(actual, expected) <= tolerance,
    "\(what) \(actual) differs from \(expected) by more than \(tolerance)",
    sourceLocation: sourceLocation)
}

/// Expects equal shapes and every element within `tolerance` (see ``mixedError(_:_:)``).
public func expectClose(
  _ actual: Matrix, _ expected: Matrix, tolerance: Double = 1e-12, _ what: String = "",
  sourceLocation: SourceLocation = #_sourceLocation
) {
  guard actual.rows == expected.rows && actual.columns == expected.columns else {
    Issue.record(
      "\(what) shape [\(actual.rows), \(actual.columns)] differs from [\(expected.rows), \(expected.columns)]",
      sourceLocation: sourceLocation)
    return
  }
  var worst = 0.0
  var worstIndex = 0
  for k in 0..<actual.count {
    let e = mixedError(actual.storage[k], expected.storage[k])
    if !(e <= worst) {
      worst = e
      worstIndex = k
    }
  }
  #expect(
    worst <= tolerance,
    "\(what) element \(worstIndex) is \(actual.count > 0 ? actual.storage[worstIndex] : 0), expected \(expected.count > 0 ? expected.storage[worstIndex] : 0) (error \(worst) > \(tolerance))",
    sourceLocation: sourceLocation)
}

/// Expects `estimate` within `standardErrors` standard errors of `truth`.
public func expectWithinStandardErrors(
  _ estimate: Double, _ truth: Double, standardError: Double, standardErrors: Double = 4.5,
  _ what: String = "", sourceLocation: SourceLocation = #_sourceLocation
) {
  #expect(
    abs(estimate - truth) <= standardErrors * standardError,
    "\(what) estimate \(estimate) is \(abs(estimate - truth) / standardError) standard errors from \(truth) (SE \(standardError))",
    sourceLocation: sourceLocation)
}

// MARK: - Naive references

/// $AB$ by the textbook triple loop.
public func naiveProduct(_ a: Matrix, _ b: Matrix) -> Matrix {
  precondition(a.columns == b.rows)
  var out = Matrix(rows: a.rows, columns: b.columns)
  for i in 0..<a.rows {
    for j in 0..<b.columns {
      var s = 0.0
      for k in 0..<a.columns { s += a.storage[i * a.columns + k] * b.storage[k * b.columns + j] }
      out.storage[i * b.columns + j] = s
    }
  }
  return out
}

/// $A^\top$ by explicit indexing.
public func naiveTranspose(_ a: Matrix) -> Matrix {
  var out = Matrix(rows: a.columns, columns: a.rows)
  for i in 0..<a.rows {
    for j in 0..<a.columns { out.storage[j * a.rows + i] = a.storage[i * a.columns + j] }
  }
  return out
}

/// $\sum_{ij} A_{ij} R_{ij}$ by a plain loop.
public func weightedSum(_ a: Matrix, _ r: Matrix) -> Double {
  precondition(a.rows == r.rows && a.columns == r.columns)
  var s = 0.0
  for k in 0..<a.count { s += a.storage[k] * r.storage[k] }
  return s
}

/// A matrix built from a closure, without going through ``Matrix`` arithmetic.
public func makeMatrix(_ rows: Int, _ columns: Int, _ f: (Int, Int) -> Double) -> Matrix {
  var storage = [Double]()
  for i in 0..<rows {
    for j in 0..<columns { storage.append(f(i, j)) }
  }
  return Matrix(rows: rows, columns: columns, storage: storage)
}

/// A random symmetric positive-definite matrix $BB^\top + nI$.
public func randomSPD(_ n: Int, using rng: inout Generator) -> Matrix {
  let b = rng.normalMatrix(rows: n, columns: n)
  var a = naiveProduct(b, naiveTranspose(b))
  for i in 0..<n { a.storage[i * n + i] += Double(n) }
  return a
}

/// A matrix of uniform draws from `[lo, hi)` with a random sign, so every entry stays at
/// least `lo` away from zero (for divisors and kinks).
public func awayFromZero(
  rows: Int, columns: Int, _ lo: Double, _ hi: Double, using rng: inout Generator
)
  -> Matrix
{
  makeMatrix(rows, columns) { _, _ in
    let magnitude = rng.uniform(lo, hi)
    return rng.bernoulli(0.5) ? magnitude : -magnitude
  }
}

/// $\log\mathcal N(x \mid \mu, \sigma^2)$ written out by hand.
public func normalLogDensity(_ x: Double, mean: Double, standardDeviation s: Double) -> Double {
  -0.5 * Foundation.log(2 * Double.pi * s * s) - (x - mean) * (x - mean) / (2 * s * s)
}

/// $\mathrm{KL}(\mathcal N(\mu_q,\sigma_q^2)\,\|\,\mathcal N(\mu_p,\sigma_p^2))$ written out by hand.
public func handKL(meanQ: Double, sdQ: Double, meanP: Double, sdP: Double) -> Double {
  Foundation.log(sdP / sdQ) + (sdQ * sdQ + (meanQ - meanP) * (meanQ - meanP)) / (2 * sdP * sdP)
    - 0.5
}

/// $-\log\operatorname{softmax}(z)_y$ for one row of logits, written out by hand (shifted
/// by the maximum).
public func handCrossEntropy(_ logits: [Double], label: Int) -> Double {
  let m = logits.max()!
  let s = logits.reduce(0) { $0 + Foundation.exp($1 - m) }
  return -(logits[label] - m - Foundation.log(s))
}

// MARK: - Monte Carlo summaries

/// Mean, unbiased variance and the standard error of the mean of a sample, by two passes.
public func sampleMoments(_ xs: [Double]) -> (mean: Double, variance: Double, standardError: Double)
{
  let n = Double(xs.count)
  let mean = xs.reduce(0, +) / n
  let variance = xs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
  return (mean, variance, (variance / n).squareRoot())
}

// MARK: - Finite differences

/// The central-difference gradient $(f(x + h e_k) - f(x - h e_k)) / 2h$ of a scalar
/// function at every entry of `point`.
public func centralDifference(at point: Matrix, step h: Double, _ f: (Matrix) -> Double) -> Matrix {
  var gradient = Matrix(rows: point.rows, columns: point.columns)
  for k in 0..<point.count {
    var plus = point
    plus.storage[k] += h
    var minus = point
    minus.storage[k] -= h
    gradient.storage[k] = (f(plus) - f(minus)) / (2 * h)
  }
  return gradient
}

/// Checks every input's tape gradient of `f` against central finite differences.
///
/// The output $Y = f(X_1, \dots)$ may have any shape; the scalar tested is
/// $L = \sum_{ij} Y_{ij} R_{ij}$ with a fixed random $R$, so the whole Jacobian is probed.
/// The tape side back-propagates $R$ as the seed of `backward(from:seed:)`; the numeric
/// side evaluates $L$ with a plain loop at $X \pm h e_k$ for every entry.
///
/// - Parameters:
///   - inputs: the points $X_1, \dots$ at which to check.
///   - step: the finite-difference step $h$.
///   - tolerance: the largest ``mixedError(_:_:)`` allowed per entry.
///   - f: builds the output from one differentiable variable per input.
public func expectGradientsMatchFiniteDifferences(
  _ inputs: [Matrix], step: Double = 1e-5, tolerance: Double = 1e-6, seed: UInt64 = 4242,
  sourceLocation: SourceLocation = #_sourceLocation, _ f: ([Variable]) -> Variable
) {
  let tape = Tape()
  let variables = inputs.map { tape.variable($0) }
  let output = f(variables)
  var rng = Generator(seed: seed)
  let r = rng.normalMatrix(rows: output.rows, columns: output.columns)
  tape.backward(from: output, seed: r)
  for (index, input) in inputs.enumerated() {
    let numeric = centralDifference(at: input, step: step) { perturbed in
      var moved = inputs
      moved[index] = perturbed
      let t = Tape(recordsGradients: false)
      return weightedSum(f(moved.map { t.variable($0) }).value, r)
    }
    let analytic =
      tape.gradient(of: variables[index]) ?? Matrix(rows: input.rows, columns: input.columns)
    expectClose(
      analytic, numeric, tolerance: tolerance, "gradient of input \(index):",
      sourceLocation: sourceLocation)
  }
}

/// Checks the gradient a backward pass leaves in every ``Parameter`` against central
/// finite differences of the same scalar loss.
///
/// `loss` records on the tape it is given (or on a tape of its own) and must be
/// deterministic given the parameter values (re-seed any generator inside it), because it
/// is evaluated once per perturbed entry.
public func expectParameterGradientsMatchFiniteDifferences(
  _ parameters: [Parameter], step: Double = 1e-5, tolerance: Double = 1e-6,
  sourceLocation: SourceLocation = #_sourceLocation, _ loss: (Tape) -> Variable
) {
  for p in parameters { p.zeroGradient() }
  let value = loss(Tape())
  value.tape.backward(from: value)
  for p in parameters {
    let saved = p.value
    let numeric = centralDifference(at: saved, step: step) { perturbed in
      p.value = perturbed
      return loss(Tape(recordsGradients: false)).value.scalarValue
    }
    p.value = saved
    expectClose(
      p.gradient, numeric, tolerance: tolerance, "gradient of \(p.name):",
      sourceLocation: sourceLocation)
  }
}
