import BayesianDL
import Foundation
import TestSupport
import Weaving
import Testing

/// Chapter 2 run end to end with `--quick`; its printed numbers checked against the
/// references printed beside them.
@Suite("Chapter 2: the ELBO and mean field", .serialized)
struct Chapter02Tests {
  static let chapter = "02-mean-field-elbo"

  static let quickRun = ChapterRun.quick(chapter)

  func run() throws -> ChapterRun { try Self.quickRun.get().run }

  @Test func quickRunSucceedsAndWritesEveryFigure() throws {
    let (run, figures) = try Self.quickRun.get()
    try run.expectSuccess(
      Self.chapter, figures: ["elbo-gap", "mean-field-ellipses", "tempering"], in: figures)
  }

  @Test func closedFormEvidenceEqualsTheMarginalDensity() throws {
    #expect(try run().value("difference") < 1e-10)
  }

  @Test func gapEqualsKLAndTheBoundIsTightAtThePosterior() throws {
    let run = try run()
    #expect(try run.value("largest |gap − KL| over the four q") < 1e-9)
    #expect(abs(try run.value("ELBO of the exact posterior − log p(D)")) < 1e-10)
    #expect(abs(try run.value("scale c maximising ELBO(N(m, c·S))") - 1) < 0.06)
    for row in run.table(startingWith: "q") {
      let gap = try #require(Double(row[row.count - 2]))
      #expect(gap > -1e-12, "ELBO above log p(D) for \(row)")
    }
  }

  @Test func coordinateAscentConvergesAtTheRateRhoToTheFourth() throws {
    let run = try run()
    let ratio = try run.value("ELBO gap, ratio of sweep 21 to sweep 20")
    let rho4 = try run.value("ρ⁴")
    #expect(abs(ratio - rho4) < 1e-5)
    #expect(try run.value("CAVI vs closed-form optimum, |Δ mean|") < 1e-8)
  }

  @Test func meanFieldShrinksTheVariancesByOneMinusRhoSquared() throws {
    let run = try run()
    let target = try run.value("1 − ρ²")
    #expect(target < 0.5)
    #expect(abs(try run.value("mean-field / true variance of w0") - target) < 1e-3)
    #expect(abs(try run.value("mean-field / true variance of w1") - target) < 1e-3)
  }

  @Test func klClosedFormsAgreeWithMonteCarloAndTheNoteFormulaGoesNegative() throws {
    let run = try run()
    let rows = run.table(startingWith: "KL")
    #expect(rows.count == 3)
    for row in rows {
      let z = try #require(Double(row[row.count - 1]))
      #expect(abs(z) < 4, "\(row)")
    }
    #expect(try run.value("note 000's formula for the first row") < 0)
  }

  @Test func klWeightOneHundredthNarrowsTheBandAboutTenfold() throws {
    let ratio = try run().value("sd of f(2), β 0.01 relative to β 1")
    #expect(ratio > 0.09 && ratio < 0.12)
  }
}
