import BayesianDL
import Foundation
import TestSupport
import Weaving
import Testing

/// Chapter 4 run end to end with `--quick`; the orderings the theory guarantees checked on
/// the values it recorded in `results.json`, and its claims (the quick run's and the
/// committed full run's).
@Suite("Chapter 4: local reparameterisation and Flipout", .serialized)
struct Chapter04Tests {
  static let chapter = "04-local-reparameterization"
  static let quickRun = ChapterRun.quick(chapter)

  /// The estimators of section 1's table, by the names their values are recorded under.
  static let estimators = [
    "localReparameterisation", "flipout", "separateWeightsPerExample", "oneSharedWeightSample",
  ]

  func results() throws -> RecordedResults {
    try ChapterRun.results(in: Self.quickRun.get().figures)
  }

  @Test func quickRunSucceedsAndWritesEveryFigure() throws {
    let (run, figures) = try Self.quickRun.get()
    try run.expectSuccess(Self.chapter, figures: ["gradient-variance"], in: figures)
  }

  /// The claims about the Monte Carlo comparisons that 120 quick gradient draws
  /// do not settle, and those about the step times, which 20 quick steps in two rounds
  /// do not measure (the full run, whose results.json is committed, checks them).
  static let fullBudgetOnly = [
    "It is ", "Local reparameterisation and separate weights per example agree",
    "Flipout's examples", "it stays well below", "Local reparameterisation and Flipout remove",
    "separate weight samples remove", "Local reparameterisation and Flipout each cost",
    "and separate weights per example more than eight",
  ]

  @Test func everyClaimHoldsAtTheQuickBudgetButTheFullBudgetOnesAndThereAreAtLeastEight() throws {
    try results().expectClaimsHold(budget: "quick", fullBudgetOnly: Self.fullBudgetOnly)
  }

  @Test func everyClaimOfTheCommittedFullRunHolds() throws {
    let committed = try RecordedResults.committed(Self.chapter)
    committed.expectClaimsHold(budget: "full")
    #expect(committed.claims.count == (try results().claims.count))
  }

  @Test func everyEstimatorMatchesTheExactMomentsAndOnlyTheSharedSampleCorrelates() throws {
    let results = try results()
    #expect(try results.value("momentRowCount") == 4)
    for estimator in Self.estimators {
      let correlation = try results.value("\(estimator).correlation")
      let meanZ = try results.value("\(estimator).meanZ")
      let varianceZ = try results.value("\(estimator).varianceZ")
      // The largest of 12 |z| values: 4.5 leaves room for the maximum, not just one.
      #expect(meanZ < 4.5 && varianceZ < 4.5, "\(estimator)")
      if estimator == "oneSharedWeightSample" {
        #expect(abs(correlation) > 0.1, "\(estimator): \(correlation)")
      } else {
        #expect(abs(correlation) < 0.06, "\(estimator): \(correlation)")
      }
    }
  }

  @Test func gradientVariancesAreOrderedAsTheTheorySays() throws {
    let results = try results()
    let none = try results.value("noNoiseMeanWeights.variance")
    let local = try results.value("localReparameterisation.variance")
    let flipout = try results.value("flipout.variance")
    let separate = try results.value("separateWeightsPerExample.variance")
    let shared = try results.value("oneSharedWeightSample.variance")
    #expect(none < local && none < separate && none < flipout)
    #expect(local < shared && separate < shared && flipout < shared)
    #expect(abs(local / separate - 1) < 0.5, "local \(local) vs separate \(separate)")
  }

  @Test func theTimesGoToTimingsJSONAndNotToResultsJSON() throws {
    let times = try ChapterRun.timings(in: Self.quickRun.get().figures)
    let results = try results()
    #expect(!results.numbers.keys.contains { $0.hasSuffix(".steps") })
    for estimator in Self.estimators {
      #expect(times["\(estimator).steps"] != nil, "\(estimator)")
      #expect(results.numbers["\(estimator).steps"] == nil, "\(estimator)")
    }
  }
}
