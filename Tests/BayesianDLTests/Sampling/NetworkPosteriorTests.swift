import Foundation
import TestSupport
import Testing

@testable import BayesianDL

/// The network log posterior against a direct computation and central differences, and
/// its minibatch estimate against the full value.
@Suite struct NetworkPosteriorTests {
  static func regression(using rng: inout Generator) -> NetworkPosterior {
    let x = rng.uniformMatrix(rows: 7, columns: 1, -2, 2)
    let data = Dataset(inputs: x, targets: .values(x.map { sin($0) + 0.1 * rng.normal() }))
    return NetworkPosterior(
      sizes: [1, 4, 1], activation: .tanh, data: data,
      likelihood: .gaussian(noiseStandardDeviation: 0.3), priorStandardDeviation: 0.8)
  }

  static func classification(using rng: inout Generator) -> NetworkPosterior {
    let data = SyntheticData.twoMoons(count: 9, noise: 0.2, using: &rng)
    return NetworkPosterior(
      sizes: [2, 3, 3, 2], activation: .relu, data: data, likelihood: .categorical,
      priorStandardDeviation: 1.5)
  }

  @Test func valueIsTheLogLikelihoodPlusTheLogPriorByHand() {
    var rng = Generator(seed: 101)
    let posterior = Self.regression(using: &rng)
    let theta = (0..<posterior.dimension).map { _ in rng.normal() }
    var unused = Generator(seed: 0)
    let f = posterior.network(theta).predict(posterior.data.inputs, using: &unused)
    let y = posterior.data.targets.values
    let logLikelihood = (0..<y.rows).reduce(0.0) {
      $0 + Gaussian(mean: f[$1, 0], standardDeviation: 0.3).logDensity(y[$1, 0])
    }
    let logPrior = theta.reduce(0.0) { $0 - $1 * $1 / (2 * 0.64) }
    #expect(abs(posterior.logDensityAndGradient(theta).value - (logLikelihood + logPrior)) < 1e-10)
  }

  @Test func gradientMatchesCentralDifferences() {
    var rng = Generator(seed: 102)
    for posterior in [Self.regression(using: &rng), Self.classification(using: &rng)] {
      let theta = (0..<posterior.dimension).map { _ in 0.7 * rng.normal() }
      let gradient = posterior.logDensityAndGradient(theta).gradient
      let h = 1e-6
      for i in theta.indices {
        var plus = theta
        var minus = theta
        plus[i] += h
        minus[i] -= h
        let numeric =
          (posterior.logDensityAndGradient(plus).value
            - posterior.logDensityAndGradient(minus).value) / (2 * h)
        #expect(abs(numeric - gradient[i]) < 1e-5 * (1 + abs(numeric)), "θ[\(i)]")
      }
    }
  }

  @Test func theNetworkOfItsParametersIsTheNetwork() {
    var rng = Generator(seed: 103)
    let model = MLP(sizes: [2, 3, 3, 2], activation: .relu, using: &rng)
    let posterior = Self.classification(using: &rng)
    let rebuilt = posterior.network(NetworkPosterior.parameters(of: model))
    var unused = Generator(seed: 0)
    let x = rng.normalMatrix(rows: 5, columns: 2)
    #expect(rebuilt.predict(x, using: &unused) == model.predict(x, using: &unused))
  }

  @Test func minibatchEstimatesAverageToTheFullValue() {
    var rng = Generator(seed: 104)
    let posterior = Self.classification(using: &rng)
    let theta = (0..<posterior.dimension).map { _ in rng.normal() }
    let full = posterior.logDensityAndGradient(theta)
    // Every batch of one example: the mean of the N estimates is the full value.
    let estimates = (0..<posterior.data.count).map {
      posterior.logDensityAndGradient(theta, batch: [$0])
    }
    let meanValue = SampleSummary.mean(estimates.map(\.value))
    #expect(abs(meanValue - full.value) < 1e-10)
    for i in theta.indices {
      #expect(abs(SampleSummary.mean(estimates.map { $0.gradient[i] }) - full.gradient[i]) < 1e-10)
    }
  }
}
