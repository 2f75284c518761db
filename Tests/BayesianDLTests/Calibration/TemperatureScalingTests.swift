import Foundation
import TestSupport
import Testing

@testable import BayesianDL

/// ``TemperatureScaling``: the NLL against a hand cross-entropy, its derivatives in
/// $\beta = 1/T$ against central finite differences, the fitted temperature against the
/// true one of synthetic data (within standard errors from the Fisher information), the
/// fit as a minimiser of the NLL, accuracy unchanged by any temperature, and the range
/// edges for separable and uninformative logits.
@Suite struct TemperatureScalingTests {
  /// `n` rows of logits over `classes` classes, `scale·(m_a + ε)` with a random latent class
  /// `a`, Gaussian class means `m` and Gaussian noise `ε`, and labels drawn from
  /// softmax(z / T) (uniform labels, independent of the logits, when `temperature` is nil).
  static func synthetic(
    _ n: Int, classes: Int, scale: Double, temperature: Double?, seed: UInt64
  ) -> (logits: Matrix, labels: [Int]) {
    var rng = Generator(seed: seed)
    let means = (0..<classes).map { _ in (0..<classes).map { _ in rng.normal() } }
    var storage = [Double]()
    storage.reserveCapacity(n * classes)
    var labels = [Int]()
    for _ in 0..<n {
      let a = Int(rng.next() % UInt64(classes))
      let z = (0..<classes).map { scale * (means[a][$0] + rng.normal()) }
      storage += z
      if let t = temperature {
        labels.append(rng.categorical(handSoftmax(z.map { $0 / t })))
      } else {
        labels.append(Int(rng.next() % UInt64(classes)))
      }
    }
    return (Matrix(rows: n, columns: classes, storage: storage), labels)
  }

  /// softmax written out by hand, shifted by the maximum.
  static func handSoftmax(_ z: [Double]) -> [Double] {
    let m = z.max()!
    let e = z.map { exp($0 - m) }
    let s = e.reduce(0, +)
    return e.map { $0 / s }
  }

  /// The Fisher information per row of $\beta = 1/T$ written out by hand: the mean over
  /// rows of the variance of $z_i$ under softmax($\beta z_i$).
  static func fisherInformation(_ logits: Matrix, beta: Double) -> Double {
    var total = 0.0
    for i in 0..<logits.rows {
      let z = (0..<logits.columns).map { logits[i, $0] }
      let p = handSoftmax(z.map { beta * $0 })
      let mean = zip(p, z).reduce(0) { $0 + $1.0 * $1.1 }
      total += zip(p, z).reduce(0) { $0 + $1.0 * ($1.1 - mean) * ($1.1 - mean) }
    }
    return total / Double(logits.rows)
  }

  /// The mean NLL as a function of $\beta = 1/T$.
  static func nll(_ logits: Matrix, _ labels: [Int], beta: Double) -> Double {
    TemperatureScaling(temperature: 1 / beta).negativeLogLikelihood(logits: logits, labels: labels)
  }

  // MARK: - NLL, probabilities, derivatives

  @Test func negativeLogLikelihoodIsTheMeanHandCrossEntropyOfTheScaledLogits() {
    let (logits, labels) = Self.synthetic(50, classes: 4, scale: 3, temperature: 1.5, seed: 9201)
    for t in [0.01, 0.3, 1, 2.5, 100] {
      var hand = 0.0
      for i in 0..<logits.rows {
        hand += handCrossEntropy((0..<4).map { logits[i, $0] / t }, label: labels[i])
      }
      hand /= Double(logits.rows)
      let scaling = TemperatureScaling(temperature: t)
      expectClose(
        scaling.negativeLogLikelihood(logits: logits, labels: labels), hand, tolerance: 1e-13,
        "T = \(t):")
      // The same number through the probabilities (less stable, so only where they are
      // far from underflow).
      if t >= 0.3 {
        let p = scaling.probabilities(logits)
        expectClose(
          ClassificationMetrics.negativeLogLikelihood(p, labels: labels), hand, tolerance: 1e-12,
          "T = \(t):")
      }
    }
  }

  @Test func probabilitiesAreTheSoftmaxOfTheScaledLogitsAndRowsSumToOne() {
    let (logits, _) = Self.synthetic(40, classes: 5, scale: 10, temperature: nil, seed: 9202)
    for t in [1e-3, 0.2, 1, 3, 1e3] {
      let p = TemperatureScaling(temperature: t).probabilities(logits)
      #expect(p.rows == 40 && p.columns == 5)
      for i in 0..<p.rows {
        let row = (0..<5).map { p[i, $0] }
        expectClose(row.reduce(0, +), 1, tolerance: 1e-14, "T = \(t), row \(i):")
        #expect(row.allSatisfy { $0 >= 0 && $0.isFinite })
        let hand = Self.handSoftmax((0..<5).map { logits[i, $0] / t })
        for k in 0..<5 { expectClose(row[k], hand[k], tolerance: 1e-13, "T = \(t), row \(i):") }
      }
    }
  }

  @Test(arguments: [0.05, 0.5, 1, 2, 7])
  func derivativesInBetaMatchFiniteDifferencesOfTheNLL(beta: Double) {
    let (logits, labels) = Self.synthetic(200, classes: 6, scale: 2, temperature: 1.3, seed: 9203)
    let d = TemperatureScaling.derivatives(logits, labels, beta: beta)
    // f′ from a central difference with step h (truncation h²f‴/6, rounding ~ε/h, together
    // below 10⁻⁹ here), f″ from the second central difference with a larger step
    // (rounding ~ε/h², below 10⁻⁶ here).
    let h1 = 1e-5 * beta
    let first =
      (Self.nll(logits, labels, beta: beta + h1) - Self.nll(logits, labels, beta: beta - h1))
      / (2 * h1)
    expectClose(d.first, first, tolerance: 1e-8, "f′(\(beta)):")
    let h2 = 1e-3 * beta
    let second =
      (Self.nll(logits, labels, beta: beta + h2) - 2 * Self.nll(logits, labels, beta: beta)
        + Self.nll(logits, labels, beta: beta - h2)) / (h2 * h2)
    expectClose(d.second, second, tolerance: 1e-5, "f″(\(beta)):")
    // And f″ against the hand Fisher information.
    expectClose(d.second, Self.fisherInformation(logits, beta: beta), tolerance: 1e-12)
    #expect(d.second >= 0)
  }

  // MARK: - Fitting

  @Test(arguments: [0.5, 2, 3])
  func fitRecoversTheTemperatureThatGeneratedTheLabels(truth: Double) {
    // The model p(y | z) = softmax(z / T) is exactly right, so β̂ = 1/T̂ is a maximum-
    // likelihood estimate with variance ≈ 1/(n I(β)), where the Fisher information per row
    // I(β) = f″(β) is the mean variance of z under softmax(βz); by the delta method
    // SE(T̂) ≈ T² SE(β̂).
    let n = 20_000
    let (logits, labels) = Self.synthetic(
      n, classes: 5, scale: 2, temperature: truth, seed: 9204 + UInt64(truth * 10))
    let fitted = TemperatureScaling.fit(logits: logits, labels: labels).temperature
    let information = Self.fisherInformation(logits, beta: 1 / truth)
    let standardError = truth * truth / (Double(n) * information).squareRoot()
    expectWithinStandardErrors(
      fitted, truth, standardError: standardError, "T̂ for T = \(truth):")
    // A check that the test has power: the SE is a small fraction of T.
    #expect(standardError < 0.05 * truth)
  }

  @Test(arguments: [0.5, 2, 3])
  func fittedTemperatureMinimisesTheNLL(truth: Double) {
    let (logits, labels) = Self.synthetic(
      5_000, classes: 4, scale: 1.5, temperature: truth, seed: 9205 + UInt64(truth * 10))
    let fitted = TemperatureScaling.fit(logits: logits, labels: labels)
    let t = fitted.temperature
    let best = fitted.negativeLogLikelihood(logits: logits, labels: labels)
    func nll(_ t: Double) -> Double {
      TemperatureScaling(temperature: t).negativeLogLikelihood(logits: logits, labels: labels)
    }
    #expect(best <= nll(t * (1 + 1e-3)))
    #expect(best <= nll(t * (1 - 1e-3)))
    #expect(best < nll(1), "the data were made with T = \(truth)")
    // Stationary: a central difference of the NLL in β at β̂ is zero to rounding.
    let beta = 1 / t
    let h = 1e-5 * beta
    let slope =
      (Self.nll(logits, labels, beta: beta + h) - Self.nll(logits, labels, beta: beta - h))
      / (2 * h)
    #expect(abs(slope) < 1e-7, "slope \(slope) at β̂ = \(beta)")
    // A coarse grid over log T never does better.
    for k in -40...40 {
      #expect(best <= nll(t * exp(Double(k) / 20)))
    }
  }

  @Test func fitIsUnchangedByAddingAConstantToEachRowOfLogits() {
    // softmax is invariant to a shift of each row, so the NLL and its minimiser are too.
    let (logits, labels) = Self.synthetic(3_000, classes: 4, scale: 2, temperature: 1.7, seed: 9206)
    var rng = Generator(seed: 9207)
    var shifted = logits
    for i in 0..<logits.rows {
      let s = rng.uniform(-1000, 1000)
      for k in 0..<logits.columns { shifted[i, k] += s }
    }
    let a = TemperatureScaling.fit(logits: logits, labels: labels).temperature
    let b = TemperatureScaling.fit(logits: shifted, labels: labels).temperature
    expectClose(a, b, tolerance: 1e-9)
  }

  @Test func noTemperatureChangesThePredictedClass() {
    let (logits, _) = Self.synthetic(500, classes: 7, scale: 1, temperature: nil, seed: 9208)
    // The first largest logit of each row, by hand.
    let predicted = (0..<logits.rows).map { i in
      var best = 0
      for k in 1..<7 where logits[i, k] > logits[i, best] { best = k }
      return best
    }
    for t in [1e-3, 0.1, 0.9, 1, 4, 1e3] {
      let p = TemperatureScaling(temperature: t).probabilities(logits)
      #expect(p.argmaxPerRow() == predicted, "T = \(t)")
    }
  }

  // MARK: - Range edges

  @Test func separableDataDriveTheFitToTheSmallestTemperature() {
    // The label's logit beats every other by at least 1: the NLL falls all the way to
    // T → 0, so the fit stops at T = 1/β₊ = 10⁻³.
    var rng = Generator(seed: 9209)
    let (n, classes) = (300, 3)
    var storage = [Double]()
    var labels = [Int]()
    for _ in 0..<n {
      let y = Int(rng.next() % UInt64(classes))
      storage += (0..<classes).map { $0 == y ? 2 + rng.uniform() : rng.uniform(-1, 1) }
      labels.append(y)
    }
    let logits = Matrix(rows: n, columns: classes, storage: storage)
    let t = TemperatureScaling.fit(logits: logits, labels: labels).temperature
    #expect(t == 1 / TemperatureScaling.inverseTemperatureRange.upperBound)
    #expect(t == 1e-3)
    // The reverse — the label's logit always the smallest — wants β < 0: T = 10³.
    let reversed = Matrix(rows: n, columns: classes, storage: storage.map { -$0 })
    #expect(TemperatureScaling.fit(logits: reversed, labels: labels).temperature == 1e3)
  }

  @Test func uninformativeLogitsGiveALargeTemperature() {
    // Labels independent of the logits: the best β is 0 (uniform predictions), so β̂ is 0
    // up to noise, or clamped at 10⁻³ if the noise pushes it below. Its standard error is
    // about 1/√(n I(0)) with I(0) the mean variance of a row of logits, so β̂ < 5 SE, i.e.
    // T̂ > 1/(5 SE) — about 25 here.
    let n = 20_000
    let (logits, labels) = Self.synthetic(n, classes: 5, scale: 1, temperature: nil, seed: 9210)
    let t = TemperatureScaling.fit(logits: logits, labels: labels).temperature
    let standardError = 1 / (Double(n) * Self.fisherInformation(logits, beta: 0)).squareRoot()
    #expect(t > 1 / (5 * standardError), "T̂ = \(t), SE(β̂) = \(standardError)")
    #expect(t <= 1e3)
    // Constant logits carry no information at any β: the NLL is flat and the fit returns
    // the largest temperature.
    let flat = Matrix(rows: 10, columns: 3, repeating: 0.5)
    #expect(
      TemperatureScaling.fit(logits: flat, labels: Array(repeating: 1, count: 10)).temperature
        == 1e3)
  }
}
