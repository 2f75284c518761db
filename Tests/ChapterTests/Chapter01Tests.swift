import BayesianDL
import Foundation
import TestSupport
import Weaving
import Testing

/// Chapter 1 run end to end with `--quick`; every number its prose relies on is read from
/// the `results.json` it wrote and checked against the reference recorded beside it.
@Suite("Chapter 1: what a BNN is", .serialized)
struct Chapter01Tests {
  static let chapter = "01-bnn-definition"

  /// One quick run shared by the checks below.
  static let quickRun = ChapterRun.quick(chapter)

  func run() throws -> ChapterRun { try Self.quickRun.get().run }

  func results() throws -> RecordedResults {
    try ChapterRun.results(in: Self.quickRun.get().figures)
  }

  @Test func quickRunSucceedsAndWritesEveryFigure() throws {
    let (run, figures) = try Self.quickRun.get()
    try run.expectSuccess(
      Self.chapter,
      figures: ["prior-functions", "exact-posterior", "approximations", "mc-predictive"],
      in: figures)
  }

  /// The claims about the trained MAP network of section 3, which the quick run's 600
  /// epochs do not reach (the full run, whose results.json is committed, checks them).
  static let fullBudgetOnly = [
    "The MAP network fits", "It lies at $x$", "The mean forward pass $f(x; \\mu)$ is not",
    "The true function stays inside the band",
  ]

  @Test func everyClaimHoldsAtTheQuickBudgetButTheFullBudgetOnesAndThereAreAtLeastEight() throws {
    try results().expectClaimsHold(budget: "quick", fullBudgetOnly: Self.fullBudgetOnly)
  }

  @Test func everyClaimOfTheCommittedFullRunHolds() throws {
    let committed = try RecordedResults.committed(Self.chapter)
    committed.expectClaimsHold(budget: "full")
    #expect(committed.claims.count == (try results().claims.count))
  }

  @Test func priorSpreadAtTheOriginMatchesQuadrature() throws {
    let results = try results()
    #expect(try results.value("priorScaleCount") == 3)
    for k in 0..<3 {
      let z = try results.value("priorZ\(k)")
      #expect(abs(z) < 4, "prior scale \(k): z = \(z)")
    }
  }

  /// Over the exact two-weight posterior (within the MAP's mode): mean field is narrower on
  /// both weights and uncorrelated where the posterior is not; Laplace's mean is the mode,
  /// not the posterior mean; every HMC chain stays in one mode.
  @Test func theApproximationsDifferFromTheExactPosteriorAsTheProseSays() throws {
    let results = try results()
    #expect(try results.value("meanField.sdA") < results.value("exact.sdA"))
    #expect(try results.value("meanField.sdB") < results.value("exact.sdB"))
    #expect(abs(try results.value("meanField.correlation")) < 0.05)
    #expect(try results.value("exact.correlation") < -0.2)
    #expect(abs(try results.value("laplace.meanA") - results.value("exact.meanA")) > 0.05)
    let chains =
      try results.value("chainsInPositiveMode") + results.value("chainsInNegativeMode")
    #expect(chains == 4)
  }

  /// The exact predictive band barely widens beyond the data: b·tanh(ax) saturates.
  @Test func theExactBandIsOnlySlightlyWiderBeyondTheData() throws {
    let results = try results()
    let (inData, atEnds) = (
      try results.value("exactSDInData"), try results.value("exactSDAtEnds")
    )
    #expect(atEnds > inData && atEnds < 1.1 * inData, "\(inData) → \(atEnds)")
  }

  @Test func gridEvidenceAgreesWithMonteCarloOverThePrior() throws {
    #expect(abs(try results().value("evidenceZ")) < 4)
  }

  @Test func theTwoModesCarryHalfTheMassEachAndTheWeightMeanIsZero() throws {
    let results = try results()
    #expect(abs(try results.value("massPositiveA") - 0.5) < 1e-9)
    #expect(abs(try results.value("massNegativeA") - 0.5) < 1e-9)
    #expect(abs(try results.value("meanA")) < 1e-9)
    #expect(abs(try results.value("meanB")) < 1e-9)
  }

  @Test func monteCarloPredictiveConvergesToTheGridPredictive() throws {
    #expect(abs(try results().value("predictiveZ")) < 4)
  }

  @Test func meanForwardPassIsNotThePredictiveMean() throws {
    // The largest of ~60 |z| values is rarely above 3.5 by chance alone; 4 means a real gap.
    #expect(try results().value("jensenGapZ") > 4)
  }

  @Test func monteCarloErrorFallsLikeOneOverRootS() throws {
    let results = try results()
    let slope = try results.value("meanSlope")
    #expect(slope > -0.7 && slope < -0.3, "slope \(slope)")
    let normalised = try results.value("normalisedError")
    #expect(abs(normalised - 1) < 0.2, "RMSE·√S/sd = \(normalised)")
  }

  @Test func bayesianNetworkHasTwiceTheParameters() throws {
    let results = try results()
    let deterministic = try results.value("deterministicParameters")
    #expect(try results.value("bayesianParameters") == 2 * deterministic)
  }

  @Test func noteKLFormulaGoesNegativeWhereTheTrueKLIsPositive() throws {
    let results = try results()
    #expect(try results.value("klCorrect") > 0)
    #expect(try results.value("klNote") < 0)
  }

  @Test func sameSeedGivesTheSameOutput() throws {
    let figures = FileManager.default.temporaryDirectory.appendingPathComponent(
      "chapter01-again-\(UUID().uuidString)")
    // --results keeps the run from overwriting the chapter's committed results.json.
    let again = try ChapterRun.run(
      Self.chapter,
      [
        "--quick", "--figures", figures.path, "--results",
        figures.appendingPathComponent("results.json").path,
      ])
    // Everything but the measured timings and the figures path must match to the byte.
    func untimed(_ text: String) -> [Substring] {
      text.split(separator: "\n").filter { !$0.contains("µs") && !$0.contains("figures in") }
    }
    #expect(untimed(again.output) == untimed(try run().output))
    // And the recorded results, to the byte.
    let first = try Data(
      contentsOf: Self.quickRun.get().figures.appendingPathComponent("results.json"))
    #expect(try Data(contentsOf: figures.appendingPathComponent("results.json")) == first)
  }

  @Test func withoutGnuplotTheScriptsAreStillWrittenAndTheInstallIsExplained() throws {
    let figures = FileManager.default.temporaryDirectory.appendingPathComponent(
      "chapter01-nognuplot-\(UUID().uuidString)")
    let run = try ChapterRun.run(
      Self.chapter,
      [
        "--quick", "--figures", figures.path, "--results",
        figures.appendingPathComponent("results.json").path,
      ], path: "/nonexistent")
    #expect(run.status == 0, "stderr: \(run.errors)")
    #expect(run.output.contains("gnuplot is not installed"))
    #expect(run.output.contains("apt-get install gnuplot-nox"))
    let written = try FileManager.default.contentsOfDirectory(atPath: figures.path)
    #expect(written.filter { $0.hasSuffix(".gp") }.count == 4)  // one script per figure
    #expect(written.filter { $0.hasSuffix(".png") }.isEmpty)
  }

  @Test func badFlagsFailWithAMessage() throws {
    let badSeed = try ChapterRun.run(Self.chapter, ["--seed", "twelve"])
    #expect(badSeed.status != 0)
    #expect(badSeed.errors.contains("seed"))
    let unknown = try ChapterRun.run(Self.chapter, ["--fast"])
    #expect(unknown.status != 0)
    #expect(unknown.errors.contains("--fast"))
  }

  @Test func figuresPathThatIsAFileIsRejected() throws {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent(
      "not-a-directory-\(UUID().uuidString)")
    try Data("x".utf8).write(to: file)
    let run = try ChapterRun.run(Self.chapter, ["--quick", "--figures", file.path])
    #expect(run.status != 0)
    #expect(run.errors.contains("not a directory"))
  }
}
