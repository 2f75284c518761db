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
}
