import BayesianDL
import Foundation
import TestSupport
import Weaving
import Testing

/// Chapter 1 run end to end with `--quick`; every number its prose relies on is checked
/// against the reference the chapter prints beside it.
@Suite("Chapter 1: what a BNN is", .serialized)
struct Chapter01Tests {
  static let chapter = "01-bnn-definition"

  /// One quick run shared by the checks below.
  static let quickRun = ChapterRun.quick(chapter)

  func run() throws -> ChapterRun { try Self.quickRun.get().run }

  @Test func quickRunSucceedsAndWritesEveryFigure() throws {
    let (run, figures) = try Self.quickRun.get()
    try run.expectSuccess(
      Self.chapter, figures: ["prior-functions", "exact-posterior", "mc-predictive"], in: figures)
  }

  @Test func priorSpreadAtTheOriginMatchesQuadrature() throws {
    let rows = try run().table(startingWith: "σp")
    #expect(rows.count == 3)
    for row in rows {
      let z = try #require(Double(row[3]))
      #expect(abs(z) < 4, "σp = \(row[0]): sampled sd \(row[1]) vs exact \(row[2]), z = \(z)")
    }
  }

  @Test func gridEvidenceAgreesWithMonteCarloOverThePrior() throws {
    #expect(abs(try run().value("evidence z-score (grid − MC)/SE")) < 4)
  }

  @Test func theTwoModesCarryHalfTheMassEachAndTheWeightMeanIsZero() throws {
    let run = try run()
    #expect(abs(try run.value("posterior mass with a > 0") - 0.5) < 1e-9)
    #expect(abs(try run.value("posterior mass with a < 0") - 0.5) < 1e-9)
    #expect(abs(try run.value("posterior mean of a")) < 1e-9)
    #expect(abs(try run.value("posterior mean of b")) < 1e-9)
  }

  @Test func monteCarloPredictiveConvergesToTheGridPredictive() throws {
    #expect(abs(try run().value("predictive z-score (MC − quadrature)/SE")) < 4)
  }

  @Test func meanForwardPassIsNotThePredictiveMean() throws {
    // The largest of ~60 |z| values is rarely above 3.5 by chance alone; 4 means a real gap.
    #expect(try run().value("in MC standard errors") > 4)
  }

  @Test func monteCarloErrorFallsLikeOneOverRootS() throws {
    let run = try run()
    let slope = try run.value("log-log slope of the mean's error")
    #expect(slope > -0.7 && slope < -0.3, "slope \(slope)")
    let normalised = try run.value("mean of RMSE·√S/sd (theory: 1)")
    #expect(abs(normalised - 1) < 0.2, "RMSE·√S/sd = \(normalised)")
  }

  @Test func bayesianNetworkHasTwiceTheParameters() throws {
    let run = try run()
    let deterministic = try run.value("parameters: deterministic network")
    #expect(try run.value("parameters: Bayesian network (μ and log σ²)") == 2 * deterministic)
  }

  @Test func noteKLFormulaGoesNegativeWhereTheTrueKLIsPositive() throws {
    let run = try run()
    #expect(try run.value("KL(q ‖ prior), correct closed form") > 0)
    #expect(try run.value("KL(q ‖ prior) as note 000 writes it") < 0)
  }

  @Test func sameSeedGivesTheSameOutput() throws {
    let figures = FileManager.default.temporaryDirectory.appendingPathComponent(
      "chapter01-again-\(UUID().uuidString)")
    let again = try ChapterRun.run(Self.chapter, ["--quick", "--figures", figures.path])
    // Everything but the measured timings and the figures path must match to the byte.
    func untimed(_ text: String) -> [Substring] {
      text.split(separator: "\n").filter { !$0.contains("µs") && !$0.contains("figures in") }
    }
    #expect(untimed(again.output) == untimed(try run().output))
  }

  @Test func withoutGnuplotTheScriptsAreStillWrittenAndTheInstallIsExplained() throws {
    let figures = FileManager.default.temporaryDirectory.appendingPathComponent(
      "chapter01-nognuplot-\(UUID().uuidString)")
    let run = try ChapterRun.run(
      Self.chapter, ["--quick", "--figures", figures.path], path: "/nonexistent")
    #expect(run.status == 0, "stderr: \(run.errors)")
    #expect(run.output.contains("gnuplot is not installed"))
    #expect(run.output.contains("apt-get install gnuplot-nox"))
    let written = try FileManager.default.contentsOfDirectory(atPath: figures.path)
    #expect(written.filter { $0.hasSuffix(".gp") }.count == 3)
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
