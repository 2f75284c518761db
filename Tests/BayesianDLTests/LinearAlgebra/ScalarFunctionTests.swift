import Foundation
import TestSupport
import Testing

@testable import BayesianDL

/// The stable scalar helpers: softplus, its inverse, the sigmoid and log-sum-exp.
@Suite struct ScalarFunctionTests {
  @Test func softplusMatchesTheNaiveFormulaWhereThatIsAccurate() {
    for x in stride(from: -20.0, through: 20, by: 0.5) {
      expectClose(softplus(x), Foundation.log(1 + Foundation.exp(x)), tolerance: 1e-13)
    }
    #expect(softplus(0) == Foundation.log(2))
  }

  @Test func softplusIsFiniteAndAccurateForExtremeArguments() {
    #expect(softplus(1000) == 1000)
    #expect(softplus(-1000) >= 0 && softplus(-1000) < 1e-300)
    // log(1 + e^{−50}) = e^{−50}(1 − e^{−50}/2 + …): the naive formula would give 0.
    expectClose(softplus(-50) / Foundation.exp(-50), 1, tolerance: 1e-15)
  }

  @Test func inverseSoftplusInvertsSoftplus() {
    for x in stride(from: -30.0, through: 30, by: 0.25) {
      let roundTrip = inverseSoftplus(softplus(x))
      #expect(abs(roundTrip - x) <= 1e-9 * Swift.max(1, abs(x)), "x = \(x) → \(roundTrip)")
    }
    for sigma in [1e-8, 1e-3, 0.05, 1, 7, 50, 700] {
      expectClose(softplus(inverseSoftplus(sigma)) / sigma, 1, tolerance: 1e-12)
    }
    // ρ with softplus(ρ) = 1 is log(e − 1).
    expectClose(inverseSoftplus(1), Foundation.log(Foundation.exp(1) - 1), tolerance: 1e-15)
  }

  @Test func sigmoidMatchesTheFormulaAndIsFiniteForBothSigns() {
    for x in stride(from: -30.0, through: 30, by: 0.5) {
      expectClose(sigmoid(x), 1 / (1 + Foundation.exp(-x)), tolerance: 1e-15)
      expectClose(sigmoid(x) + sigmoid(-x), 1, tolerance: 1e-15)
    }
    #expect(sigmoid(-1000) == 0)
    #expect(sigmoid(1000) == 1)
    #expect(sigmoid(0) == 0.5)
  }

  @Test func logSumExpMatchesTheNaiveFormulaAndIsStable() {
    let values = [0.5, -1, 2, 3.25]
    expectClose(
      logSumExp(values), Foundation.log(values.reduce(0) { $0 + Foundation.exp($1) }),
      tolerance: 1e-15)
    // log(e^{1000} + e^{1000}) = 1000 + log 2.
    expectClose(logSumExp([1000, 1000]), 1000 + Foundation.log(2), tolerance: 1e-15)
    expectClose(logSumExp([-1000, -1000]), -1000 + Foundation.log(2), tolerance: 1e-15)
    #expect(logSumExp([]) == -.infinity)
    #expect(logSumExp([-.infinity, -.infinity]) == -.infinity)
    #expect(logSumExp([.infinity, 0]) == .infinity)
  }
}
