import BayesianDL
import Foundation
import TestSupport
import Weaving
import Testing

/// Chapter 6 run end to end at its full budget — its claims are about trained ensembles
/// and need it — and with `--quick`, which CI also runs; each claim of the prose checked
/// on the printed numbers.
@Suite("Chapter 6: aleatoric and epistemic uncertainty", .serialized)
struct Chapter06Tests {
  static let chapter = "06-uncertainty-decomposition"
  static let fullRun = ChapterRun.full(chapter)
  static let figureNames = ["maps", "regression", "data-size", "digits-ood"]

  func run() throws -> ChapterRun { try Self.fullRun.get().run }

  @Test func fullRunSucceedsAndWritesEveryFigure() throws {
    let (run, figures) = try Self.fullRun.get()
    try run.expectSuccess(Self.chapter, figures: Self.figureNames, in: figures)
  }

  @Test func quickRunSucceedsAndWritesEveryFigure() throws {
    let (run, figures) = try ChapterRun.quick(Self.chapter).get()
    try run.expectSuccess(Self.chapter, figures: Self.figureNames, in: figures)
  }

  @Test func theEntropySplitIsAnIdentityWithZeroAtMostLogC() throws {
    let run = try run()
    #expect(try run.value("largest |H[p̄] − E H[p_s] − mean KL(p_s ‖ p̄)|") < 1e-12)
    #expect(try run.value("smallest I (mean KL)") >= 0)
    #expect(try run.value("largest I / log C") <= 1)
    let oneHot = try run.value("I of four one-hot samples over 4 classes (log 4 = 1.3863)")
    #expect(abs(oneHot - log(4)) < 1e-3)  // printed to four significant digits
  }

  @Test func theEntropyOfTheMeanCannotTellNoiseFromDisagreement() throws {
    let run = try run()
    let log2 = log(2.0)
    for set in ["A", "B"] {
      #expect(abs(try run.value("set \(set): note 000 'aleatoric' H[p̄]") - log2) < 1e-4)
    }
    #expect(abs(try run.value("set A: aleatoric E H[p_s]") - log2) < 1e-4)
    #expect(try run.value("set A: epistemic I") == 0)
    #expect(try run.value("set B: aleatoric E H[p_s]") == 0)
    #expect(abs(try run.value("set B: epistemic I") - log2) < 1e-4)
  }

  @Test func addingAVarianceToAnEntropyRanksByTheUnitOfEntropy() throws {
    let run = try run()
    #expect(try run.value("note 000 total, A′ minus B′, nats") < 0)
    #expect(try run.value("note 000 total, A′ minus B′, bits") > 0)
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
    let run = try run()
    let near = try run.value("epistemic share of the total, test points")
    let far = try run.value("epistemic share of the total, far away")
    #expect(far > 3 * near, "near \(near), far \(far)")
  }

  @Test func withoutWeightSamplesThereIsNoEpistemicPart() throws {
    let run = try run()
    #expect(try run.value("note 001: largest epistemic over the grid") < 1e-12)
    #expect(try run.value("ours: largest epistemic over the grid") > 0.1)
  }

  @Test func aMaxProbabilityThresholdOfOneHalfNeverFiresWithTwoClasses() throws {
    let run = try run()
    #expect(try run.value("smallest confidence anywhere (≥ 1/C = 0.5)") >= 0.5)
    #expect(try run.value("far points flagged by max-prob < 0.5 (of 500)") == 0)
    #expect(try run.value("far points flagged by that threshold (of 500)") > 0)
  }

  @Test func theEpistemicShareGrowsInTheGapAndBeyondTheData() throws {
    let run = try run()
    let inside = try run.value("epistemic share inside the data")
    #expect(inside < 0.1)
    #expect(try run.value("epistemic share in the gap |x| < 0.8") > 3 * inside)
    #expect(try run.value("epistemic share beyond |x| > 3.5") > 3 * inside)
    #expect(try run.value("inside the data: mean |learned σ / true σ − 1|") < 0.3)
  }

  @Test func drawsFromTheMixtureHaveTheLawOfTotalVarianceVariance() throws {
    #expect(abs(try run().value("x = 0: difference in standard errors")) < 4)
  }

  @Test func moreDataShrinksTheBootstrapSpreadButNotTheNoise() throws {
    let run = try run()
    #expect(try run.value("bootstrap epistemic, fewest over most points") > 2)
    #expect(try run.value("init-only epistemic, fewest over most points") < 1)
    #expect(abs(try run.value("aleatoric, most points, over the truth") - 1) < 0.25)
  }

  @Test func scoresDetectUnseenDigitsButNotPointsFarFromTheMoons() throws {
    let run = try run()
    let rows = run.table(startingWith: "unusual")
    #expect(rows.count == 4)
    for row in rows {
      let aurocs = try row.suffix(3).map { try #require(Double($0), "\(row)") }
      if row[0] == "digits" {
        #expect(aurocs.allSatisfy { $0 > 0.9 }, "\(row)")
      } else {
        #expect(aurocs.allSatisfy { $0 < 0.5 }, "\(row)")
      }
    }
    #expect(
      try run.value("AUROC of MI: moons, far away (MC dropout)")
        > run.value("AUROC of entropy: moons, far away (MC dropout)"))
  }
}
