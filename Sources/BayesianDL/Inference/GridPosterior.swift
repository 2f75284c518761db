import Foundation

/// The exact posterior of a model with two parameters, by quadrature on a regular grid.
///
/// With $\theta = (a, b)$ on an $n_a \times n_b$ grid of cell area $\Delta$, the
/// unnormalised log posterior $\ell(\theta) = \log p(D \mid \theta) + \log p(\theta)$ is
/// evaluated at every node, and
/// $$p(D) \approx \Delta\sum_k e^{\ell(\theta_k)}, \qquad
///   P_k = \frac{e^{\ell(\theta_k)}}{\sum_j e^{\ell(\theta_j)}}$$
/// give the evidence and the probability mass of each cell. Expectations under the
/// posterior become weighted sums $\sum_k P_k\,g(\theta_k)$. This is exact up to the
/// quadrature error, which shrinks as the grid is refined — feasible only because the
/// parameter space has two dimensions.
public struct GridPosterior: Sendable {
  /// The grid values of the first parameter $a$.
  public let first: [Double]
  /// The grid values of the second parameter $b$.
  public let second: [Double]
  /// The probability mass of every node, `[second.count, first.count]` (row $j$ holds
  /// $b_j$), summing to 1.
  public let mass: Matrix
  /// $\log p(D)$ by the quadrature above.
  public let logEvidence: Double

  /// Evaluates and normalises a log posterior on a grid.
  ///
  /// - Parameters:
  ///   - first: the range of $a$.
  ///   - second: the range of $b$.
  ///   - points: nodes per axis (≥ 2).
  ///   - logJoint: $\log p(D \mid a, b) + \log p(a, b)$.
  public init(
    first: ClosedRange<Double>, second: ClosedRange<Double>, points: Int,
    logJoint: (Double, Double) -> Double
  ) {
    self.first = SyntheticData.linspace(first.lowerBound, first.upperBound, count: points).storage
    self.second =
      SyntheticData.linspace(second.lowerBound, second.upperBound, count: points).storage
    var logValues = Matrix(rows: points, columns: points)
    for (j, b) in self.second.enumerated() {
      for (i, a) in self.first.enumerated() { logValues[j, i] = logJoint(a, b) }
    }
    let logTotal = logSumExp(logValues.storage)
    let cellArea =
      (first.upperBound - first.lowerBound) * (second.upperBound - second.lowerBound)
      / Double((points - 1) * (points - 1))
    logEvidence = logTotal + log(cellArea)
    mass = logValues.map { exp($0 - logTotal) }
  }

  /// The posterior density $p(a, b \mid D)$ at every node (mass divided by cell area),
  /// `[second.count, first.count]`.
  public var density: Matrix {
    let cellArea = (first[1] - first[0]) * (second[1] - second[0])
    return mass / cellArea
  }

  /// The density at every `step`-th node along each axis: a lighter grid for a figure
  /// (the quadrature keeps the full grid).
  ///
  /// - Parameter step: keep nodes 0, step, 2·step, … (≥ 1).
  public func coarseDensity(step: Int) -> (first: [Double], second: [Double], density: Matrix) {
    precondition(step >= 1, "GridPosterior.coarseDensity: step must be at least 1")
    let keepFirst = Array(stride(from: 0, to: first.count, by: step))
    let keepSecond = Array(stride(from: 0, to: second.count, by: step))
    let full = density
    let coarse = Matrix(rows: keepSecond.count, columns: keepFirst.count) { j, i in
      full[keepSecond[j], keepFirst[i]]
    }
    return (keepFirst.map { first[$0] }, keepSecond.map { second[$0] }, coarse)
  }

  /// $\mathbb E[g(a, b) \mid D] \approx \sum_k P_k\,g(\theta_k)$.
  ///
  /// - Parameter g: the function to average.
  public func expectation(_ g: (Double, Double) -> Double) -> Double {
    var total = 0.0
    for (j, b) in second.enumerated() {
      for (i, a) in first.enumerated() where mass[j, i] > 0 { total += mass[j, i] * g(a, b) }
    }
    return total
  }

  /// The posterior mean and variance of $g(a, b)$ in one pass over the grid:
  /// $\mathbb E[g]$ and $\mathbb E[g^2] - \mathbb E[g]^2$.
  ///
  /// - Parameter g: the function whose moments are wanted.
  public func moments(_ g: (Double, Double) -> Double) -> (mean: Double, variance: Double) {
    var first = 0.0
    var second = 0.0
    for (j, b) in self.second.enumerated() {
      for (i, a) in self.first.enumerated() where mass[j, i] > 0 {
        let value = g(a, b)
        first += mass[j, i] * value
        second += mass[j, i] * value * value
      }
    }
    return (first, Swift.max(second - first * first, 0))
  }

  /// The node with the largest posterior mass (the grid MAP).
  public var mode: (first: Double, second: Double) {
    let k = mass.storage.indices.max { mass.storage[$0] < mass.storage[$1] }!
    return (first[k % first.count], second[k / first.count])
  }

  /// A draw of $(a, b)$ from the grid posterior: a node chosen with probability $P_k$.
  ///
  /// - Parameter rng: the generator.
  public func sample(using rng: inout Generator) -> (first: Double, second: Double) {
    let k = rng.categorical(mass.storage)
    return (first[k % first.count], second[k / first.count])
  }
}
