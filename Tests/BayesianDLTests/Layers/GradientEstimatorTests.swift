import Foundation
import TestSupport
import Testing

@testable import BayesianDL

/// The four training-time estimators of a mean-field layer: their gradients against
/// finite differences (with the noise held fixed), their output moments against the
/// exact Gaussian ones, and the correlation they leave between examples.
@Suite struct GradientEstimatorTests {
  /// A small softplus layer with non-trivial means and spreads.
  static func layer(_ estimator: GradientEstimator) -> BayesianDense {
    var rng = Generator(seed: 31)
    let layer = BayesianDense(
      inputs: 3, outputs: 2, parameterisation: .softplus, initialStandardDeviation: 0.4, using: &rng
    )
    layer.biasMean.value = Matrix.row([0.2, -0.1])
    layer.weightScale.value = layer.weightScale.value.map { $0 + 0.3 * rng.normal() }
    layer.estimator = estimator
    return layer
  }

  static let batch = Matrix([
    [0.5, -1.2, 0.3], [1.1, 0.4, -0.7], [-0.2, 0.9, 1.5], [0.8, -0.3, 0.1],
  ])

  @Test(arguments: GradientEstimator.allCases)
  func everyEstimatorsGradientMatchesFiniteDifferencesWithFixedNoise(_ estimator: GradientEstimator)
  {
    let layer = Self.layer(estimator)
    let weights = Matrix([[0.3, -1.0], [0.7, 0.2], [-0.4, 0.5], [1.0, 0.1]])
    expectParameterGradientsMatchFiniteDifferences(layer.parameters, tolerance: 1e-6) { tape in
      var rng = Generator(seed: 77)  // the same noise for every evaluation
      let out = layer.forward(tape.constant(Self.batch), mode: .sample, using: &rng)
      return (out * weights).sum() + square(out).sum() * 0.1
    }
  }

  @Test(arguments: GradientEstimator.allCases)
  func everyEstimatorGivesEachExampleTheExactGaussianMoments(_ estimator: GradientEstimator) {
    let layer = Self.layer(estimator)
    let sigmaW = layer.weightStandardDeviations
    let sigmaB = layer.biasStandardDeviations
    let mean = Self.batch.matmul(layer.weightMean.value) + layer.biasMean.value
    let variance = (Self.batch * Self.batch).matmul(sigmaW * sigmaW) + sigmaB * sigmaB
    var rng = Generator(seed: 32)
    let n = 20_000
    var draws = [[Double]](repeating: [], count: 8)
    for _ in 0..<n {
      let out = layer.forward(
        Tape(recordsGradients: false).constant(Self.batch), mode: .sample, using: &rng
      )
      .value
      for k in 0..<8 { draws[k].append(out.storage[k]) }
    }
    for k in 0..<8 {
      let m = sampleMoments(draws[k])
      expectWithinStandardErrors(
        m.mean, mean.storage[k], standardError: m.standardError, standardErrors: 5)
      // The sample variance of near-Gaussian draws has standard error about √(2/n)·σ².
      expectWithinStandardErrors(
        m.variance, variance.storage[k],
        standardError: (2 / Double(n)).squareRoot() * variance.storage[k],
        standardErrors: 5)
    }
  }

  @Test func onlyTheSharedSampleCorrelatesTwoExamples() {
    // Examples 0 and 1, output 0: with one shared W the covariance is Σ_k x_0k x_1k σ_k0² + σ_b0².
    for estimator in GradientEstimator.allCases {
      let layer = Self.layer(estimator)
      let sigmaW = layer.weightStandardDeviations
      let sigmaB = layer.biasStandardDeviations
      let x = Self.batch
      let sharedCovariance =
        (0..<3).reduce(0.0) { $0 + x[0, $1] * x[1, $1] * sigmaW[$1, 0] * sigmaW[$1, 0] }
        + sigmaB[0, 0] * sigmaB[0, 0]
      let expected = estimator == .sharedWeights ? sharedCovariance : 0
      var rng = Generator(seed: 33)
      let n = 20_000
      let mean = x.matmul(layer.weightMean.value) + layer.biasMean.value
      let products = (0..<n).map { _ -> Double in
        let out = layer.forward(
          Tape(recordsGradients: false).constant(x), mode: .sample, using: &rng
        ).value
        return (out[0, 0] - mean[0, 0]) * (out[1, 0] - mean[1, 0])
      }
      let m = sampleMoments(products)
      expectWithinStandardErrors(
        m.mean, expected, standardError: m.standardError, standardErrors: 5, "\(estimator)")
    }
  }

  @Test func perturbationAndVarianceNodesMatchFiniteDifferences() {
    let raw = Matrix([[-1.0, 0.3], [0.5, -2.0]])
    let noise = Matrix([[0.4, -1.1], [2.0, 0.7]])
    for parameterisation in ScaleParameterisation.allCases {
      expectGradientsMatchFiniteDifferences([raw]) { v in
        parameterisation.values(raw: v[0].value).perturbation(scale: v[0], noise: noise)
      }
      expectGradientsMatchFiniteDifferences([raw]) { v in
        parameterisation.values(raw: v[0].value).variance(scale: v[0])
      }
    }
  }
}
