import Foundation
import TestSupport
import Testing

@testable import BayesianDL

/// The held-out scores of a regression predictive against hand computations.
@Suite struct RegressionPredictiveTests {
  let predictive = RegressionPredictive(
    mean: [0, 1, -2], aleatoric: [1, 0.25, 4], epistemic: [3, 0.75, 0])

  @Test func meanLogLikelihoodUsesTheTotalVariance() {
    // Total variances 4, 1, 4; residuals 1, 1, 2.
    let targets = [1.0, 2, 0]
    let byHand = [(1.0, 4.0), (1, 1), (2, 4)].map { r, v in
      -0.5 * log(2 * Double.pi * v) - r * r / (2 * v)
    }
    let expected = byHand.reduce(0, +) / 3
    #expect(abs(predictive.meanLogLikelihood(of: targets) - expected) < 1e-14)
  }

  @Test func coverageCountsTargetsInsideTheBandOfYOrOfF() {
    // Residuals 1.9, 1.5, 3.5 against total sd 2, 1, 2 and epistemic sd √3, √0.75, 0.
    let targets = [1.9, 2.5, 1.5]
    #expect(predictive.coverage(of: targets, within: 1) == 1.0 / 3)
    #expect(predictive.coverage(of: targets, within: 1.6) == 2.0 / 3)
    #expect(predictive.coverage(of: targets, within: 1, includingNoise: false) == 0)
    #expect(predictive.coverage(of: targets, within: 2, includingNoise: false) == 2.0 / 3)
  }

  @Test func wassersteinDistanceIsTheGaussianClosedFormAndAMonteCarloCheckAgrees() {
    let other = RegressionPredictive(
      mean: [0.5, 1, 0], aleatoric: [1, 1, 1], epistemic: [8, 0, 0])
    // Totals 4, 1, 4 against 9, 1, 1: sd 2, 1, 2 against 3, 1, 1; means differ by 0.5, 0, 2.
    let d = predictive.wassersteinDistances(to: other)
    #expect(abs(d[0] - (0.25 + 1.0).squareRoot()) < 1e-14)
    #expect(d[1] == 0)
    #expect(abs(d[2] - (4 + 1.0).squareRoot()) < 1e-14)
    // Independent check of the first: in one dimension the optimal coupling pairs the
    // sorted samples, so W2 of two large independent samples approaches the closed form.
    var rng = Generator(seed: 5)
    let x = (0..<100_000).map { _ in 0 + 2 * rng.normal() }.sorted()
    let y = (0..<100_000).map { _ in 0.5 + 3 * rng.normal() }.sorted()
    let empirical = SampleSummary.mean(zip(x, y).map { ($0 - $1) * ($0 - $1) }).squareRoot()
    #expect(abs(empirical - d[0]) < 0.02, "\(empirical) vs \(d[0])")
  }
}
