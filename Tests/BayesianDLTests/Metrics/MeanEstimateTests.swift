import BayesianDL
import Testing

@Suite struct MeanEstimateTests {
  @Test func meanAndStandardErrorMatchAHandComputation() {
    // 1, 2, 3, 6: mean 3, s² = (4 + 1 + 0 + 9) / 3 = 14/3, se = sqrt(14/3) / 2.
    let estimate = MeanEstimate(of: [1, 2, 3, 6])
    #expect(estimate.mean == 3)
    #expect(abs(estimate.standardError - (14.0 / 3).squareRoot() / 2) < 1e-15)
    #expect(abs(estimate.zScore(against: 2) - 2 / (14.0 / 3).squareRoot()) < 1e-15)
  }

  @Test func aSingleValueHasNoStandardError() {
    #expect(MeanEstimate(of: [4.5]) == MeanEstimate(mean: 4.5, standardError: 0))
  }
}
