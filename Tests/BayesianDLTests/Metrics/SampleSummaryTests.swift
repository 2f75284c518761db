import Foundation
import TestSupport
import Testing

@testable import BayesianDL

/// The sample mean and standard deviation against hand computations.
@Suite struct SampleSummaryTests {
  @Test func meanAndStandardDeviationOfAHandExample() {
    // Mean 5; squared deviations 9, 1, 1, 9 sum to 20; s = √(20/3).
    let s = SampleSummary.meanAndStandardDeviation([2, 4, 6, 8])
    #expect(s.mean == 5)
    #expect(abs(s.sd - (20.0 / 3).squareRoot()) < 1e-15)
    #expect(SampleSummary.mean([1.5]) == 1.5)
    #expect(SampleSummary.meanAndStandardDeviation([3]).sd == 0)
  }

  @Test func aRegionsMeanTakesOnlyTheValuesAtTheInputsItKeeps() {
    // Inputs −3…3; |x| in [1, 2] keeps −2, −1, 1, 2, whose values 20, 30, 50, 60 average 40.
    let inputs: [Double] = [-3, -2, -1, 0, 1, 2, 3]
    let values: [Double] = [10, 20, 30, 40, 50, 60, 70]
    #expect(SampleSummary.mean(values, at: inputs) { (1...2).contains(abs($0)) } == 40)
    #expect(SampleSummary.mean(values, at: inputs) { $0 > 2.5 } == 70)
  }
}
