import BayesianDL
import Foundation
import TestSupport
import Testing

/// Chapter 6 run end to end at its full budget — its claims are about trained ensembles
/// and need it — and with `--quick`, which CI also runs; each claim of the prose checked
/// on the values the runs recorded in their results.json.
@Suite("Chapter 6: aleatoric and epistemic uncertainty", .serialized)
struct Chapter06Tests {
  static let chapter = "06-uncertainty-decomposition"
  static let fullRun = ChapterRun.full(chapter)
  static let quickRun = ChapterRun.quick(chapter)
  static let figureNames = ["maps", "regression", "data-size", "digits-ood", "rejection"]

  /// The full-budget run's results.json.
  func results() throws -> RecordedResults {
    try ChapterRun.results(in: Self.fullRun.get().figures)
  }

  /// The quick run's results.json.
  func quickResults() throws -> RecordedResults {
    try ChapterRun.results(in: Self.quickRun.get().figures)
  }

  @Test func fullRunSucceedsAndWritesEveryFigure() throws {
    let (run, figures) = try Self.fullRun.get()
    try run.expectSuccess(Self.chapter, figures: Self.figureNames, in: figures)
  }

  @Test func quickRunSucceedsAndWritesEveryFigure() throws {
    let (run, figures) = try Self.quickRun.get()
    try run.expectSuccess(Self.chapter, figures: Self.figureNames, in: figures)
  }

  @Test func everyClaimHoldsAtTheFullBudgetAndThereAreAtLeastEight() throws {
    try results().expectClaimsHold(budget: "full")
  }

  /// The identities and the notes' bookkeeping hold at any budget; so do the claims about
  /// the mixture draws and the one-half threshold. The others are about trained models
  /// and only recorded under `--quick`.
  @Test func theClaimsThatHoldAtAnyBudgetHoldInTheQuickRun() throws {
    let results = try quickResults()
    #expect(results.budget == "quick")
    #expect(results.claims.count >= 8)
    for part in [
      "The identity holds to rounding", "all of $\\log C$ is disagreement",
      "A and B get the same", "the correct split tells them apart", "And which of A′ and B′",
      "Its largest epistemic part anywhere", "No input, near or far",
      "draws from the mixture agree with the formula", "$H[\\bar p] = ",
      "a decomposition without weight samples", "max-probability below 0.5",
    ] {
      let claim = try #require(results.claims.first { $0.text.contains(part) }, "\(part)")
      #expect(claim.holds, "\(claim.location): \(claim.text)")
    }
  }

  @Test func theEntropySplitIsAnIdentityWithZeroAtMostLogC() throws {
    let results = try results()
    #expect(try results.value("identityGap") < 1e-12)
    #expect(try results.value("smallestInformation") >= 0)
    #expect(try results.value("largestShareOfLogC") <= 1)
    let oneHot = try results.value("oneHotInformation")
    #expect(abs(oneHot - log(4)) < 1e-3)  // printed to four significant digits
  }

  @Test func theEntropyOfTheMeanCannotTellNoiseFromDisagreement() throws {
    let results = try results()
    let log2 = log(2.0)
    for set in ["A", "B"] {
      #expect(abs(try results.value("set\(set)NoteAleatoric") - log2) < 1e-4)
    }
    #expect(abs(try results.value("setAAleatoric") - log2) < 1e-4)
    #expect(try results.value("setAEpistemic") == 0)
    #expect(try results.value("setBAleatoric") == 0)
    #expect(abs(try results.value("setBEpistemic") - log2) < 1e-4)
  }

  @Test func addingAVarianceToAnEntropyRanksByTheUnitOfEntropy() throws {
    let results = try results()
    #expect(try results.value("notesDifferenceNats") < 0)
    #expect(try results.value("notesDifferenceBits") > 0)
  }

  /// The same two sample sets by hand: A′ = {0.4, 0.6}, B′ = {0, 0.55} (probabilities of
  /// class 1), variance with divisor S − 1 plus the entropy of the mean.
  @Test func theUnitFlipHoldsByHand() {
    func entropy(_ p: Double) -> Double {
      p <= 0 || p >= 1 ? 0 : -p * log(p) - (1 - p) * log(1 - p)
    }
    let a = (variance: 0.02, entropy: entropy(0.5))
    let b = (variance: 0.15125, entropy: entropy(0.275))
    #expect(a.variance + a.entropy < b.variance + b.entropy)
    #expect(a.variance + a.entropy / log(2) > b.variance + b.entropy / log(2))
  }

  @Test func epistemicUncertaintyIsALargerShareFarFromTheMoons() throws {
    let results = try results()
    let near = try results.value("testEpistemicShare")
    let far = try results.value("farEpistemicShare")
    #expect(far > 3 * near, "near \(near), far \(far)")
  }

  @Test func withoutWeightSamplesThereIsNoEpistemicPart() throws {
    let results = try results()
    #expect(try results.value("note001LargestEpistemic") < 1e-12)
    #expect(try results.value("oursLargestEpistemic") > 0.1)
  }

  @Test func aMaxProbabilityThresholdOfOneHalfNeverFiresWithTwoClasses() throws {
    let results = try results()
    #expect(try results.value("farCount") == 500)
    #expect(try results.value("smallestConfidence") >= 0.5)
    #expect(try results.value("flaggedByNote") == 0)
    #expect(try results.value("flaggedByThreshold") > 0)
  }

  @Test func theEpistemicShareGrowsInTheGapAndBeyondTheData() throws {
    let results = try results()
    let inside = try results.value("insideEpistemicShare")
    #expect(inside < 0.1)
    #expect(try results.value("gapEpistemicShare") > 3 * inside)
    #expect(try results.value("beyondEpistemicShare") > 3 * inside)
    #expect(try results.value("noiseError") < 0.3)
  }

  @Test func drawsFromTheMixtureHaveTheLawOfTotalVarianceVariance() throws {
    #expect(abs(try results().value("mixtureZ")) < 4)
  }

  /// The bootstrap spread falls with the data, but from 800 to 3200 points far more slowly
  /// than 1/N, down to the size of the initialisation-only spread; the noise estimate
  /// sits on the truth at both of the largest sizes.
  @Test func moreDataShrinksTheBootstrapSpreadDownToTheOptimisersFloorButNotTheNoise() throws {
    let results = try results()
    #expect(try results.value("bootstrapRatio") > 4)
    #expect(try results.value("fall2") < 2)
    #expect(try results.value("initOnlyRatio") < 0.25)
    for k in [2, 3] {
      let bootstrap = try results.value("size\(k).bootstrapEpistemic")
      let initialisation = try results.value("size\(k).initOnlyEpistemic")
      #expect((1.0 / 3...3).contains(bootstrap / initialisation), "size \(k)")
      #expect(abs(try results.value("aleatoricOverTruth\(k)") - 1) < 0.1)
    }
  }

  /// Beyond the data the members' noise heads disagree by a factor of more than two.
  @Test func theNoiseHeadsExtrapolateAndDisagreeBeyondTheData() throws {
    let results = try results()
    #expect(try results.value("headSpreadLeft") > 2)
    #expect(try results.value("headSpreadRight") > 2)
  }

  /// Accuracy–rejection areas: every score between random and the oracle; on the moons
  /// the epistemic part ranks worse than the total by more than two standard errors.
  @Test func rejectionByEveryScoreLiesBetweenRandomAndTheOracle() throws {
    let results = try results()
    for set in ["moons", "digitsDropout", "digitsEnsemble"] {
      let random = try results.value("area.random.\(set)")
      let oracle = try results.value("area.oracle.\(set)")
      for score in ["entropy", "aleatoric", "mutualInformation", "confidence"] {
        let area = try results.value("area.\(score).\(set)")
        #expect(area > random && area < oracle, "\(score), \(set)")
      }
    }
    let moons = try results.value("epistemicMinusTotal.moons")
    let moonsSE = try results.value("epistemicMinusTotal.moonsSE")
    #expect(moons < -2 * moonsSE)
  }

  @Test func scoresDetectUnseenDigitsButNotPointsFarFromTheMoons() throws {
    let results = try results()
    let rows = ["MoonsFar", "MoonsShifted", "DigitsDropout", "DigitsEnsemble"]
    let scores = ["Confidence", "Entropy", "MutualInformation"]
    #expect(rows.count == 4)
    for row in rows {
      let aurocs = try scores.map { try results.value("auroc\(row)\($0)") }
      if row.hasPrefix("Digits") {
        #expect(aurocs.allSatisfy { $0 > 0.9 }, "\(row): \(aurocs)")
      } else {
        #expect(aurocs.allSatisfy { $0 < 0.5 }, "\(row): \(aurocs)")
      }
    }
    #expect(
      try results.value("aurocMoonsFarMutualInformation")
        > results.value("aurocMoonsFarEntropy"))
  }
}
