import Foundation
import TestSupport
import Testing

/// Chapter 2 run end to end with `--quick`; the values it recorded checked against the
/// references recorded beside them.
@Suite("Chapter 2: the ELBO and mean field", .serialized)
struct Chapter02Tests {
  static let chapter = "02-mean-field-elbo"

  static let quickRun = ChapterRun.quick(chapter)

  func results() throws -> RecordedResults {
    try ChapterRun.results(in: Self.quickRun.get().figures)
  }

  @Test func quickRunSucceedsAndWritesEveryFigure() throws {
    let (run, figures) = try Self.quickRun.get()
    try run.expectSuccess(
      Self.chapter, figures: ["elbo-gap", "mean-field-ellipses", "kl-directions", "tempering"],
      in: figures)
  }

  @Test func everyClaimHoldsAndThereAreAtLeastEight() throws {
    try results().expectClaimsHold(budget: "quick")
  }

  @Test func closedFormEvidenceEqualsTheMarginalDensity() throws {
    #expect(try results().value("evidenceDifference") < 1e-10)
  }

  @Test func gapEqualsKLAndTheBoundIsTightAtThePosterior() throws {
    let results = try results()
    #expect(try results.value("identityError") < 1e-9)
    #expect(abs(try results.value("tightness")) < 1e-10)
    #expect(abs(try results.value("bestScale") - 1) < 0.06)
    // No q of the table has its ELBO above log p(D).
    #expect(try results.value("smallestGap") > -1e-12)
  }

  @Test func coordinateAscentConvergesAtTheRateRhoToTheFourth() throws {
    let results = try results()
    #expect(abs(try results.value("sweepRatio") - results.value("rho4")) < 1e-5)
    #expect(try results.value("caviError") < 1e-8)
  }

  @Test func meanFieldShrinksTheVariancesByOneMinusRhoSquared() throws {
    let results = try results()
    let target = try results.value("oneMinusRhoSquared")
    #expect(target < 0.1)  // "less than a tenth"
    #expect(abs(try results.value("varianceRatio0") - target) < 1e-3)
    #expect(abs(try results.value("varianceRatio1") - target) < 1e-3)
  }

  @Test func klClosedFormsAgreeWithMonteCarloAndTheNoteFormulaGoesNegative() throws {
    let results = try results()
    #expect(try results.value("klChecks") == 3)
    #expect(try results.value("largestKLZScore") < 4)
    #expect(try results.value("noteKL") < 0)
  }

  @Test func klWeightOneHundredthNarrowsTheBandAboutTenfold() throws {
    let ratio = try results().value("bandRatio")
    #expect(ratio > 0.09 && ratio < 0.12)
  }

  @Test func noteFoursLowerBoundIsTheNegativeELBOAnUpperBoundOnMinusLogEvidence() throws {
    let results = try results()
    let logEvidence = try results.value("logEvidence")
    let elbo = try results.value("meanFieldELBO")
    let notes = try results.value("negativeELBO")
    #expect(abs(notes + elbo) < 1e-9)
    #expect(try abs(results.value("negativeLogEvidence") + logEvidence) < 1e-9)
    #expect(elbo < logEvidence)
    // Above log p(D), so no lower bound on it; above −log p(D), which it bounds.
    #expect(notes > logEvidence && notes > -logEvidence)
  }

  @Test func reverseKLShrinksToConditionalVariancesAndForwardKLMatchesMarginals() throws {
    let results = try results()
    let shrinkage = try results.value("oneMinusRhoSquared")
    let step = 0.02
    func d(_ key: String, _ column: String) throws -> Double {
      try results.value("direction.\(key).\(column)")
    }
    for column in ["ratio0", "ratio1"] {
      #expect(try abs(log(d("reverse", column) / shrinkage)) <= step + 1e-5)
      #expect(try abs(log(d("forward", column))) <= step + 1e-5)
    }
    // In two dimensions, at the two optima: KL(q_rev ‖ p) = KL(p ‖ q_fwd) = −½ log(1 − ρ²),
    // and the cross terms KL(q_fwd ‖ p) = KL(p ‖ q_rev) = ρ²/(1 − ρ²) + ½ log(1 − ρ²). The
    // grid points are within a step of the optima: the own-direction KLs, stationary there,
    // within O(step²); the cross ones within a few per cent.
    let own = -0.5 * log(shrinkage)
    let rhoSquared = 1 - shrinkage
    let cross = rhoSquared / shrinkage + 0.5 * log(shrinkage)
    #expect(try abs(d("reverse", "reverseKL") - own) < 1e-3)
    #expect(try abs(d("forward", "forwardKL") - own) < 1e-3)
    #expect(try abs(d("forward", "reverseKL") - cross) < 0.03 * cross)
    #expect(try abs(d("reverse", "forwardKL") - cross) < 0.03 * cross)
    #expect(cross > own)
    // The closed-form mean-field optimum is −½ log(1 − ρ²) from the posterior.
    #expect(try abs(results.value("meanFieldKL") - own) < 1e-3 * own)
  }

  @Test func theTemperedPosteriorIsThePosteriorWithAHundredthOfTheNoiseVariance() throws {
    let results = try results()
    #expect(try results.value("temperedOffsetSpread") < 1e-9)
    #expect(try abs(results.value("temperedBestScale") - 1) < 0.06)
    let variance = try results.value("noiseVariance")
    let tempered = try results.value("temperedNoiseVariance")
    #expect(abs(tempered / variance - 0.01) < 1e-9)
    let sd = try results.value("noiseSD")
    let temperedSD = try results.value("temperedNoiseSD")
    #expect(abs(temperedSD / sd - 0.1) < 1e-6)
  }

  @Test func onTwoModesReverseKLPicksOneAndForwardKLMomentMatches() throws {
    let results = try results()
    func b(_ key: String, _ column: String) throws -> Double {
      try results.value("bimodal.\(key).\(column)")
    }
    // Reverse: one mode, N(±2, 0.5²), missing half the mass costs log 2.
    #expect(try abs(abs(b("reverse", "mean")) - 2) < 0.03)
    #expect(try abs(b("reverse", "sd") - 0.5) < 0.02)
    #expect(try abs(b("reverse", "reverseKL") - log(2)) < 0.005)
    // Forward: the mixture's mean 0 and variance ½(−2)² + ½·2² + 0.5² = 4.25.
    #expect(try abs(b("forward", "mean")) < 0.03)
    #expect(try abs(b("forward", "sd") - 4.25.squareRoot()) < 0.05)
    // Each is the better fit in its own direction.
    #expect(try b("reverse", "reverseKL") < b("forward", "reverseKL"))
    #expect(try b("forward", "forwardKL") < b("reverse", "forwardKL"))
    #expect(try b("forward", "densityAtMean") < 0.01 * results.value("bimodalPeakDensity"))
  }
}
