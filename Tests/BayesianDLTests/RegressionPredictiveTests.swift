import Foundation
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
}
