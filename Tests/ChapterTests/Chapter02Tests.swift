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
      Self.chapter, figures: ["elbo-gap", "mean-field-ellipses", "tempering"], in: figures)
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
    #expect(target < 0.5)
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
}
