import Foundation
import TestSupport
import Testing

@testable import BayesianDL

/// Closed-form Gaussian KL divergences against Monte Carlo estimates of
/// $\mathbb E_q[\log q - \log p]$ and hand values, the tape version against the array
/// version, and the note-000 erratum.
@Suite struct KLDivergenceTests {
  /// A Monte Carlo estimate of $\sum_k \mathrm{KL}(q_k\,\|\,p_k)$ for diagonal Gaussians,
  /// with its standard error, from `n` joint draws $x \sim q$ and log densities written
  /// out by hand.
  static func monteCarloKL(
    meanQ: [Double], sdQ: [Double], meanP: [Double], sdP: [Double], n: Int, seed: UInt64
  ) -> (estimate: Double, standardError: Double) {
    var rng = Generator(seed: seed)
    let values = (0..<n).map { _ in
      meanQ.indices.reduce(0.0) { total, k in
        let x = meanQ[k] + sdQ[k] * rng.normal()
        return total + normalLogDensity(x, mean: meanQ[k], standardDeviation: sdQ[k])
          - normalLogDensity(x, mean: meanP[k], standardDeviation: sdP[k])
      }
    }
    let m = sampleMoments(values)
    return (m.mean, m.standardError)
  }

  @Test(arguments: [
    (0.3, 0.7, -0.5, 1.3), (0.0, 0.1, 0.0, 1.0), (2.0, 1.5, 0.0, 0.5), (-1.0, 1.0, -1.0, 2.0),
  ])
  func gaussianKLMatchesMonteCarlo(meanQ: Double, sdQ: Double, meanP: Double, sdP: Double) {
    let closed = KLDivergence.gaussian(
      Gaussian(mean: meanQ, standardDeviation: sdQ), Gaussian(mean: meanP, standardDeviation: sdP))
    let mc = Self.monteCarloKL(
      meanQ: [meanQ], sdQ: [sdQ], meanP: [meanP], sdP: [sdP], n: 100_000, seed: 71)
    expectWithinStandardErrors(
      closed, mc.estimate, standardError: mc.standardError, standardErrors: 5)
  }

  @Test func diagonalKLMatchesMonteCarlo() {
    let meanQ = [0.5, -1, 0, 2]
    let sdQ = [0.3, 1.2, 0.05, 0.8]
    let meanP = [0, 0.5, -0.2, 1]
    let sdP = [1, 0.7, 0.2, 2]
    let closed = KLDivergence.diagonal(
      meanQ: meanQ, varianceQ: sdQ.map { $0 * $0 }, meanP: meanP, varianceP: sdP.map { $0 * $0 })
    let mc = Self.monteCarloKL(
      meanQ: meanQ, sdQ: sdQ, meanP: meanP, sdP: sdP, n: 100_000, seed: 72)
    expectWithinStandardErrors(
      closed, mc.estimate, standardError: mc.standardError, standardErrors: 5)
  }

  @Test func toZeroMeanPriorMatchesMonteCarlo() {
    let mean = [0.4, -0.3, 1.1]
    let sd = [0.2, 0.9, 1.5]
    let priorSD = 0.8
    let closed = KLDivergence.toZeroMeanPrior(
      mean: mean, logVariance: sd.map { 2 * Foundation.log($0) }, priorStandardDeviation: priorSD)
    let mc = Self.monteCarloKL(
      meanQ: mean, sdQ: sd, meanP: [0, 0, 0], sdP: [priorSD, priorSD, priorSD], n: 100_000,
      seed: 73)
    expectWithinStandardErrors(
      closed, mc.estimate, standardError: mc.standardError, standardErrors: 5)
  }

  @Test func gaussianKLOfHandExamples() {
    // KL(N(1, 1) ‖ N(0, 1)) = ½·1² = ½.
    expectClose(
      KLDivergence.gaussian(
        Gaussian(mean: 1, standardDeviation: 1), Gaussian(mean: 0, standardDeviation: 1)), 0.5,
      tolerance: 1e-15)
    // KL(N(0, 1) ‖ N(0, 2²)) = ½[log 4 + ¼ − 1].
    expectClose(
      KLDivergence.gaussian(
        Gaussian(mean: 0, standardDeviation: 1), Gaussian(mean: 0, standardDeviation: 2)),
      0.5 * (Foundation.log(4) - 0.75), tolerance: 1e-15)
    // Sums over coordinates.
    expectClose(
      KLDivergence.diagonal(meanQ: [1, 0], varianceQ: [1, 1], meanP: [0, 0], varianceP: [1, 4]),
      0.5 + 0.5 * (Foundation.log(4) - 0.75), tolerance: 1e-15)
  }

  @Test func klOfIdenticalGaussiansIsZero() {
    let p = Gaussian(mean: -0.7, standardDeviation: 2.3)
    #expect(abs(KLDivergence.gaussian(p, p)) < 1e-15)
    #expect(
      abs(
        KLDivergence.diagonal(
          meanQ: [1, 2], varianceQ: [0.5, 3], meanP: [1, 2], varianceP: [0.5, 3]))
        < 1e-15)
    // q equal to the prior N(0, σp²): mean 0, log σ² = log σp².
    #expect(
      abs(
        KLDivergence.toZeroMeanPrior(
          mean: [0, 0, 0], logVariance: Array(repeating: Foundation.log(0.09), count: 3),
          priorStandardDeviation: 0.3))
        < 1e-15)
  }

  @Test func klIsNonNegativeOnRandomCases() {
    var rng = Generator(seed: 74)
    for _ in 0..<500 {
      let q = Gaussian(
        mean: rng.normal(mean: 0, standardDeviation: 3),
        standardDeviation: Foundation.exp(rng.uniform(-4, 3)))
      let p = Gaussian(
        mean: rng.normal(mean: 0, standardDeviation: 3),
        standardDeviation: Foundation.exp(rng.uniform(-4, 3)))
      let kl = KLDivergence.gaussian(q, p)
      #expect(kl >= 0, "KL(\(q) ‖ \(p)) = \(kl)")
      expectClose(
        kl,
        handKL(meanQ: q.mean, sdQ: q.standardDeviation, meanP: p.mean, sdP: p.standardDeviation),
        tolerance: 1e-12)
    }
    for _ in 0..<100 {
      let mean = (0..<6).map { _ in rng.normal() }
      let logVariance = (0..<6).map { _ in rng.uniform(-8, 4) }
      #expect(
        KLDivergence.toZeroMeanPrior(
          mean: mean, logVariance: logVariance, priorStandardDeviation: rng.uniform(0.05, 5)) >= 0)
    }
  }

  // MARK: The tape version

  @Test func tapeVersionEqualsArrayVersion() {
    var rng = Generator(seed: 75)
    let mean = rng.normalMatrix(rows: 3, columns: 4)
    let logVariance = rng.uniformMatrix(rows: 3, columns: 4, -6, 1)
    let tape = Tape()
    let onTape = KLDivergence.toZeroMeanPrior(
      mean: tape.variable(mean), logVariance: tape.variable(logVariance),
      priorStandardDeviation: 0.7)
    #expect(onTape.value.shape == (rows: 1, columns: 1))
    let array = KLDivergence.toZeroMeanPrior(
      mean: mean.storage, logVariance: logVariance.storage, priorStandardDeviation: 0.7)
    expectClose(onTape.value.scalarValue, array, tolerance: 1e-13)
    // And both equal the sum of per-weight KLs written out by hand.
    let hand = (0..<12).reduce(0.0) {
      $0
        + handKL(
          meanQ: mean.storage[$1], sdQ: Foundation.exp(logVariance.storage[$1] / 2), meanP: 0,
          sdP: 0.7)
    }
    expectClose(array, hand, tolerance: 1e-13)
  }

  @Test func tapeVersionGradientMatchesFiniteDifferencesAndClosedForm() {
    var rng = Generator(seed: 76)
    let mean = rng.normalMatrix(rows: 2, columns: 3)
    let logVariance = rng.uniformMatrix(rows: 2, columns: 3, -3, 1)
    let priorSD = 1.3
    expectGradientsMatchFiniteDifferences([mean, logVariance]) { v in
      KLDivergence.toZeroMeanPrior(mean: v[0], logVariance: v[1], priorStandardDeviation: priorSD)
    }
    // ∂KL/∂μ = μ/σp² and ∂KL/∂s = ½(eˢ/σp² − 1).
    let tape = Tape()
    let mu = tape.variable(mean)
    let s = tape.variable(logVariance)
    tape.backward(
      from: KLDivergence.toZeroMeanPrior(mean: mu, logVariance: s, priorStandardDeviation: priorSD))
    expectClose(tape.gradient(of: mu)!, mean.map { $0 / (priorSD * priorSD) }, tolerance: 1e-14)
    expectClose(
      tape.gradient(of: s)!,
      logVariance.map { 0.5 * (Foundation.exp($0) / (priorSD * priorSD) - 1) },
      tolerance: 1e-14)
  }

  // MARK: Erratum of note 000

  @Test func note000KLToPriorGoesNegativeWhereTheTrueKLIsPositive() {
    // μ = 0, σ = 0.1, σp = 1:
    //   true KL = ½[log 1 − log 0.01 + 0.01 − 1] = ½[4.60517 − 0.99] ≈ +1.8076,
    //   erratum = ½[log 0.01 − log 1 + 0.01 − 1] = ½[−4.60517 − 0.99] ≈ −2.7976.
    let logVariance = 2 * Foundation.log(0.1)
    let wrong = Errata.note000KLToPrior(
      mean: [0], logVariance: [logVariance], priorStandardDeviation: 1)
    let right = KLDivergence.toZeroMeanPrior(
      mean: [0], logVariance: [logVariance], priorStandardDeviation: 1)
    expectClose(wrong, 0.5 * (Foundation.log(0.01) + 0.01 - 1), tolerance: 1e-14)
    expectClose(right, 0.5 * (-Foundation.log(0.01) + 0.01 - 1), tolerance: 1e-14)
    #expect(wrong < 0)
    #expect(right > 0)
  }

  @Test func note000KLToPriorIsTheTrueKLPlusTheLogVarianceRatio() {
    // Identity: erratum = KL + Σ_k (log σ_k² − log σp²), because the erratum flips the sign
    // of both log terms: ½[(s − log σp²) − (log σp² − s)] = s − log σp² per weight.
    var rng = Generator(seed: 77)
    for _ in 0..<50 {
      let mean = (0..<5).map { _ in rng.normal() }
      let logVariance = (0..<5).map { _ in rng.uniform(-7, 2) }
      let priorSD = rng.uniform(0.1, 3)
      let wrong = Errata.note000KLToPrior(
        mean: mean, logVariance: logVariance, priorStandardDeviation: priorSD)
      let trueKL = (0..<5).reduce(0.0) {
        $0
          + handKL(
            meanQ: mean[$1], sdQ: Foundation.exp(logVariance[$1] / 2), meanP: 0, sdP: priorSD)
      }
      let shift = logVariance.reduce(0) { $0 + $1 - Foundation.log(priorSD * priorSD) }
      expectClose(wrong, trueKL + shift, tolerance: 1e-12)
    }
  }

  @Test func note000KLToPriorIsUnboundedBelowAsSigmaShrinks() {
    // Its derivative in s = log σ² is ½(1 + eˢ/σp²) > 0, so shrinking σ always lowers it.
    let values = [1e-1, 1e-3, 1e-6, 1e-12].map { sigma in
      Errata.note000KLToPrior(
        mean: [0], logVariance: [2 * Foundation.log(sigma)], priorStandardDeviation: 1)
    }
    for k in 1..<values.count { #expect(values[k] < values[k - 1]) }
    #expect(values.last! < -20)
  }
}
