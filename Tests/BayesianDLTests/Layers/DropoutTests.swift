import Foundation
import TestSupport
import Testing

@testable import BayesianDL

/// Inverted dropout: its masks against the Bernoulli law, its gradient against finite
/// differences, and its place in an MLP (no activation after it; off in `.mean` passes).
@Suite struct DropoutTests {
  @Test func masksKeepTheExpectedValueAndDropTheRightFraction() {
    let p = 0.3
    let layer = Dropout(width: 50, rate: p)
    var rng = Generator(seed: 71)
    let x = Matrix(rows: 40, columns: 50, repeating: 2)
    let n = 200
    var zeros = 0.0
    var values = [Double]()
    for _ in 0..<n {
      let out = layer.apply(x, using: &rng)
      zeros += Double(out.storage.filter { $0 == 0 }.count)
      values.append(out.mean())
    }
    let total = Double(n * x.count)
    // The zero fraction is Binomial(total, p)/total: standard error √(p(1−p)/total).
    expectWithinStandardErrors(
      zeros / total, p, standardError: (p * (1 - p) / total).squareRoot(), standardErrors: 5)
    let m = sampleMoments(values)
    expectWithinStandardErrors(m.mean, 2, standardError: m.standardError, standardErrors: 5)
    // Kept entries are scaled by 1/(1 − p).
    let out = layer.apply(x, using: &rng)
    #expect(out.storage.allSatisfy { $0 == 0 || abs($0 - 2 / (1 - p)) < 1e-12 })
  }

  @Test func meanPassAndZeroRateAreTheIdentity() {
    var rng = Generator(seed: 72)
    let x = rng.normalMatrix(rows: 5, columns: 4)
    let tape = Tape()
    #expect(
      Dropout(width: 4, rate: 0.5).forward(tape.constant(x), mode: .mean, using: &rng).value == x)
    #expect(Dropout(width: 4, rate: 0).apply(x, using: &rng) == x)
    #expect(
      Dropout(width: 4, rate: 0.5).frozen(mode: .mean, using: &rng).apply(x, using: &rng) == x)
  }

  @Test func gradientThroughAFixedMaskMatchesFiniteDifferences() {
    var rng = Generator(seed: 73)
    let x = rng.normalMatrix(rows: 3, columns: 4)
    let layer = Dropout(width: 4, rate: 0.4)
    expectGradientsMatchFiniteDifferences([x]) { v in
      var same = Generator(seed: 74)  // the same mask on every evaluation
      return layer.forward(v[0], mode: .sample, using: &same)
    }
  }

  @Test func mlpPutsDropoutBeforeEachLaterWeightLayerAndNoActivationAfterIt() {
    var rng = Generator(seed: 75)
    let withDropout = MLP(sizes: [2, 6, 5, 3], activation: .tanh, dropout: 0.5, using: &rng)
    #expect(withDropout.layers.map { $0 is Dropout } == [false, true, false, true, false])
    #expect(withDropout.parameterCount == 2 * 6 + 6 + 6 * 5 + 5 + 5 * 3 + 3)
    // The same dense layers without dropout: the mean pass must agree exactly, which fails
    // if tanh were applied a second time after a dropout layer.
    let plain = MLP(layers: withDropout.layers.filter { !($0 is Dropout) }, activation: .tanh)
    let x = rng.normalMatrix(rows: 7, columns: 2)
    #expect(withDropout.predict(x, mode: .mean, using: &rng) == plain.predict(x, using: &rng))
    let tape = Tape()
    let forward = withDropout.forward(tape.constant(x), mode: .mean, using: &rng).value
    #expect(forward.maxAbsDifference(plain.predict(x, using: &rng)) < 1e-14)
    // Sampled passes differ from each other.
    let a = withDropout.predict(x, mode: .sample, using: &rng)
    let b = withDropout.predict(x, mode: .sample, using: &rng)
    #expect(a != b)
  }

  @Test func trainingWithDropoutLowersTheLoss() throws {
    var rng = Generator(seed: 76)
    let data = SyntheticData.twoMoons(count: 200, noise: 0.1, using: &rng)
    let model = MLP(sizes: [2, 32, 32, 2], dropout: 0.2, using: &rng)
    var adam = Adam(parameters: model.parameters, learningRate: 0.01)
    let history = try MAPEstimation(
      model: model, likelihood: .categorical, priorStandardDeviation: 1
    )
    .train(on: data, epochs: 15, batchSize: 32, optimiser: &adam, using: &rng)
    #expect(history.last!.loss < 0.5 * history.first!.loss)
    let p = MonteCarloPredictive.probabilities(of: model, at: data.inputs, samples: 20, using: &rng)
      .mean
    #expect(ClassificationMetrics.accuracy(p, labels: data.targets.labels) > 0.9)
  }

  /// One 64-bit draw decides two neighbouring entries: they must still be independent,
  /// and an odd count must mask its last entry too.
  @Test func neighbouringEntriesAreIndependentAndOddWidthsAreMasked() {
    let p = 0.5
    let layer = Dropout(width: 7, rate: p)
    var rng = Generator(seed: 77)
    let x = Matrix(rows: 1, columns: 7, repeating: 1)
    let n = 40_000
    var bothDropped = 0.0
    var lastDropped = 0.0
    for _ in 0..<n {
      let m = layer.apply(x, using: &rng).storage
      if m[0] == 0 && m[1] == 0 { bothDropped += 1 }
      if m[6] == 0 { lastDropped += 1 }
      #expect(m.allSatisfy { $0 == 0 || $0 == 2 })
    }
    let pairs = bothDropped / Double(n)
    expectWithinStandardErrors(
      pairs, p * p, standardError: (p * p * (1 - p * p) / Double(n)).squareRoot(),
      standardErrors: 5)
    expectWithinStandardErrors(
      lastDropped / Double(n), p, standardError: (p * (1 - p) / Double(n)).squareRoot(),
      standardErrors: 5)
  }

  @Test func aSmallRateDropsItsFractionToo() {
    let p = 0.01
    let layer = Dropout(width: 64, rate: p)
    var rng = Generator(seed: 78)
    let x = Matrix(rows: 100, columns: 64, repeating: 1)
    var zeros = 0.0
    let passes = 100
    for _ in 0..<passes {
      zeros += Double(layer.apply(x, using: &rng).storage.filter { $0 == 0 }.count)
    }
    let total = Double(passes * x.count)
    expectWithinStandardErrors(
      zeros / total, p, standardError: (p * (1 - p) / total).squareRoot(), standardErrors: 5)
  }
}
