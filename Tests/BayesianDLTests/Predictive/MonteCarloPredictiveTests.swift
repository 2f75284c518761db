import Foundation
import TestSupport
import Testing

@testable import BayesianDL

/// ``MonteCarloPredictive``: Welford's streaming mean and variance against a two-pass
/// computation on stored draws, and the predictive of a Bayesian layer against its
/// closed-form moments.
@Suite struct MonteCarloPredictiveTests {
  /// Summarises `draws` with the predictive and returns it with the draws it saw.
  static func summarise(_ draws: [Matrix]) -> MonteCarloPredictive {
    var k = 0
    return MonteCarloPredictive(samples: draws.count) {
      defer { k += 1 }
      return draws[k]
    }
  }

  /// Element-wise two-pass mean and unbiased variance of equally shaped matrices.
  static func twoPass(_ draws: [Matrix]) -> (mean: Matrix, variance: Matrix) {
    let (rows, columns) = (draws[0].rows, draws[0].columns)
    let n = Double(draws.count)
    let mean = makeMatrix(rows, columns) { i, j in draws.reduce(0) { $0 + $1[i, j] } / n }
    let variance = makeMatrix(rows, columns) { i, j in
      draws.reduce(0) { $0 + ($1[i, j] - mean[i, j]) * ($1[i, j] - mean[i, j]) } / (n - 1)
    }
    return (mean, variance)
  }

  @Test func welfordMatchesTwoPassMeanAndVariance() {
    var rng = Generator(seed: 151)
    let draws = (0..<57).map { _ in
      rng.normalMatrix(rows: 3, columns: 2, mean: 1.5, standardDeviation: 2)
    }
    let predictive = Self.summarise(draws)
    let reference = Self.twoPass(draws)
    #expect(predictive.samples == 57)
    expectClose(predictive.mean, reference.mean, tolerance: 1e-14)
    expectClose(predictive.variance, reference.variance, tolerance: 1e-13)
    expectClose(
      predictive.standardDeviation, reference.variance.map { $0.squareRoot() }, tolerance: 1e-13)
  }

  @Test func welfordStaysAccurateWithALargeOffset() {
    // Draws 1e9 + N(0, 1e-2): a naive Σx² − n·mean² would lose every digit of the variance.
    var rng = Generator(seed: 152)
    let draws = (0..<200).map { _ in
      rng.normalMatrix(rows: 1, columns: 3, mean: 1e9, standardDeviation: 0.1)
    }
    let predictive = Self.summarise(draws)
    let reference = Self.twoPass(draws)
    for k in 0..<3 {
      expectClose(
        predictive.variance.storage[k] / reference.variance.storage[k], 1, tolerance: 1e-6)
    }
  }

  @Test func varianceOfAHandExample() {
    // Draws 1, 2, 3, 6: mean 3, squared deviations 4 + 1 + 0 + 9 = 14, variance 14/3.
    let predictive = Self.summarise([1, 2, 3, 6].map { Matrix.scalar($0) })
    expectClose(predictive.mean.scalarValue, 3, tolerance: 1e-15)
    expectClose(predictive.variance.scalarValue, 14.0 / 3, tolerance: 1e-15)
  }

  @Test func oneSampleGivesTheDrawAndZeroVariance() {
    let draw = Matrix([[1, -2], [3.5, 0]])
    let predictive = Self.summarise([draw])
    #expect(predictive.mean == draw)
    #expect(predictive.variance == Matrix(rows: 2, columns: 2))
    #expect(predictive.standardDeviation == Matrix(rows: 2, columns: 2))
  }

  @Test func outputsOfABayesianLayerHaveTheClosedFormMoments() {
    // One Bayesian layer: output j ~ N(x μ_W + μ_b, Σ_i x_i² σ_ij² + σ_bj²).
    var rng = Generator(seed: 153)
    let layer = BayesianDense(inputs: 2, outputs: 2, initialStandardDeviation: 0.3, using: &rng)
    layer.biasMean.value = Matrix.row([0.2, -0.4])
    let network = MLP(layers: [layer], activation: .relu)
    let x = Matrix([[1, -2], [0.5, 0.5]])
    let samples = 4000
    let predictive = MonteCarloPredictive.outputs(of: network, at: x, samples: samples, using: &rng)
    for i in 0..<2 {
      for j in 0..<2 {
        let mean =
          layer.biasMean.value[0, j] + x[i, 0] * layer.weightMean.value[0, j] + x[i, 1]
          * layer.weightMean.value[1, j]
        let variance = 0.09 * (1 + x[i, 0] * x[i, 0] + x[i, 1] * x[i, 1])
        expectWithinStandardErrors(
          predictive.mean[i, j], mean, standardError: (variance / Double(samples)).squareRoot(),
          standardErrors: 5, "mean (\(i), \(j))")
        expectWithinStandardErrors(
          predictive.variance[i, j], variance,
          standardError: variance * (2 / Double(samples - 1)).squareRoot(), standardErrors: 5,
          "variance (\(i), \(j))")
      }
    }
  }

  @Test func probabilitiesOfADeterministicNetworkAreItsSoftmax() {
    var rng = Generator(seed: 154)
    let network = MLP(sizes: [2, 4, 3], using: &rng)
    let x = rng.normalMatrix(rows: 5, columns: 2)
    let predictive = MonteCarloPredictive.probabilities(of: network, at: x, samples: 4, using: &rng)
    let logits = network.predict(x, using: &rng)
    let expected = makeMatrix(5, 3) { i, j in
      Foundation.exp(-handCrossEntropy((0..<3).map { logits[i, $0] }, label: j))
    }
    expectClose(predictive.mean, expected, tolerance: 1e-14)
    #expect(predictive.variance.storage.allSatisfy { abs($0) < 1e-30 })
  }

  @Test func predictiveProbabilitiesOfABayesianNetworkAreDistributions() {
    var rng = Generator(seed: 155)
    let network = MLP.bayesian(sizes: [2, 6, 3], initialStandardDeviation: 0.5, using: &rng)
    let x = rng.normalMatrix(rows: 4, columns: 2)
    let predictive = MonteCarloPredictive.probabilities(
      of: network, at: x, samples: 30, using: &rng)
    expectClose(predictive.mean.sum(over: .columns), Matrix.column([1, 1, 1, 1]), tolerance: 1e-14)
    #expect(predictive.mean.storage.allSatisfy { $0 > 0 && $0 < 1 })
    #expect(predictive.variance.storage.contains { $0 > 0 })
  }

  @Test func mergingTwoSummariesEqualsSummarisingAllTheDraws() {
    var rng = Generator(seed: 156)
    let draws = (0..<23).map { _ in
      rng.normalMatrix(rows: 3, columns: 2, mean: 1, standardDeviation: 2)
    }
    var first = draws[0..<9].makeIterator()
    var second = draws[9...].makeIterator()
    let a = MonteCarloPredictive(samples: 9) { first.next()! }
    let b = MonteCarloPredictive(samples: 14) { second.next()! }
    let merged = MonteCarloPredictive.merged(a, b)
    // The two-pass mean and unbiased variance of all 23 draws, entry by entry.
    let mean = draws.dropFirst().reduce(draws[0], +) / 23
    let variance =
      draws.map { ($0 - mean) * ($0 - mean) }.dropFirst()
      .reduce((draws[0] - mean) * (draws[0] - mean), +) / 22
    #expect(merged.samples == 23)
    expectClose(merged.mean, mean, tolerance: 1e-13)
    expectClose(merged.variance, variance, tolerance: 1e-12)
  }

  @Test func theTwoCorePredictiveIsDeterministicAndMatchesASerialRunOfTheSameDraws() {
    var setup = Generator(seed: 157)
    let network = MLP.bayesian(sizes: [2, 8, 2], initialStandardDeviation: 0.3, using: &setup)
    let x = setup.normalMatrix(rows: 5, columns: 2)
    var rng1 = Generator(seed: 158)
    var rng2 = Generator(seed: 158)
    let once = MonteCarloPredictive.outputs(of: network, at: x, samples: 41, using: &rng1)
    let again = MonteCarloPredictive.outputs(of: network, at: x, samples: 41, using: &rng2)
    #expect(once.mean == again.mean && once.variance == again.variance)
    // The same split done by hand, serially: 20 draws from the first fork, 21 from the second.
    var rng3 = Generator(seed: 158)
    var first = rng3.fork()
    var second = rng3.fork()
    let a = MonteCarloPredictive(samples: 20) { network.predict(x, mode: .sample, using: &first) }
    let b = MonteCarloPredictive(samples: 21) { network.predict(x, mode: .sample, using: &second) }
    let serial = MonteCarloPredictive.merged(a, b)
    expectClose(once.mean, serial.mean, tolerance: 0)
    expectClose(once.variance, serial.variance, tolerance: 0)
  }

  @Test func probabilitySamplesAreDistributionsWhoseMeanMatchesThePredictive() {
    var rng = Generator(seed: 131)
    let model = MLP(sizes: [2, 8, 3], dropout: 0, using: &rng)
    let withDropout = MLP(
      layers: [model.layers[0], Dropout(width: 8, rate: 0.3), model.layers[1]],
      activation: model.activation)
    let x = rng.normalMatrix(rows: 5, columns: 2)
    var a = Generator(seed: 132)
    var b = Generator(seed: 132)
    let samples = MonteCarloPredictive.probabilitySamples(
      of: withDropout, at: x, samples: 50, using: &a)
    #expect(samples.count == 50)
    for p in samples {
      #expect(p.shape == (5, 3))
      for i in 0..<5 { #expect(abs((0..<3).reduce(0) { $0 + p[i, $1] } - 1) < 1e-12) }
    }
    // The same generator state gives the same draws.
    let again = MonteCarloPredictive.probabilitySamples(
      of: withDropout, at: x, samples: 50, using: &b)
    #expect(zip(samples, again).allSatisfy { $0 == $1 })
    // Their average is a Monte Carlo predictive of the same network: close to a
    // separate long-run estimate, within sampling error.
    let mean = samples.dropFirst().reduce(samples[0], +) / 50
    let long = MonteCarloPredictive.probabilities(
      of: withDropout, at: x, samples: 20_000, using: &a)
    for k in 0..<mean.count {
      let se = (long.variance.storage[k] / 50).squareRoot()
      #expect(abs(mean.storage[k] - long.mean.storage[k]) <= 5 * se + 1e-12)
    }
  }
}
