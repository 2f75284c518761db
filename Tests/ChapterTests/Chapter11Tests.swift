import BayesianDL
import Foundation
import TestSupport
import Weaving
import Testing

/// Chapter 11 at its full budget (20 splits) and with `--quick`; the prose's comparisons
/// with the published numbers checked on the printed tables.
@Suite("Chapter 11: the UCI benchmark", .serialized)
struct Chapter11Tests {
  static let chapter = "11-uci-benchmark"
  static let fullRun = ChapterRun.full(chapter)

  func run() throws -> ChapterRun { try Self.fullRun.get().run }

  /// Our (RMSE, se, log-lik., se) and, where given, the published ones, from the table of
  /// `dataset` (the first table for Boston, the second for Concrete).
  func scores(_ run: ChapterRun, _ dataset: String, _ method: String) throws -> [Double] {
    let lines = run.output.split(separator: "\n").map(String.init)
    let headers = lines.indices.filter {
      lines[$0].trimmingCharacters(in: .whitespaces).hasPrefix("method ")
    }
    try #require(headers.count == 2)
    let start = headers[dataset == "Boston" ? 0 : 1] + 2
    let row = try #require(
      lines[start...].prefix { !$0.contains(" = ") }.first {
        $0.trimmingCharacters(in: .whitespaces).hasPrefix(method)
      }, "no row \(method)")
    // Numbers in order: ours "m ± se" twice, then the published pair (or dashes).
    return row.split(separator: " ").compactMap { Double($0) }
  }

  @Test func fullRunSucceedsAndWritesTheFigure() throws {
    let (run, figures) = try Self.fullRun.get()
    try run.expectSuccess(Self.chapter, figures: ["scores"], in: figures)
    #expect(try run.value("Boston: splits") == 20 && run.value("Concrete: splits") == 20)
  }

  @Test func quickRunSucceedsAndWritesTheFigure() throws {
    let (run, figures) = try ChapterRun.quick(Self.chapter).get()
    try run.expectSuccess(Self.chapter, figures: ["scores"], in: figures)
  }

  @Test func bostonMatchesThePublishedNumbersWithinTheirError() throws {
    let run = try run()
    let dropout = try scores(run, "Boston", "MC dropout")  // ours m, se, m, se; paper m, se, m, se
    #expect(dropout.count == 8)
    #expect(abs(dropout[0] - dropout[4]) < dropout[5], "RMSE within one published se")
    #expect(dropout[2] < dropout[6] && dropout[6] - dropout[2] < 1.5 * dropout[7])
    let ensemble = try scores(run, "Boston", "deep ensemble")
    #expect(ensemble[0] < ensemble[4] && ensemble[2] > ensemble[6], "better on both")
    let lastLayer = try ["last-layer Laplace", "Bayesian last layer"].map {
      try scores(run, "Boston", $0)
    }
    for s in lastLayer {
      #expect(s[0] > 3.05 && s[0] < 3.25)
      #expect(s[2] < dropout[2] && s[2] < ensemble[2])
      #expect(try s[2] > scores(run, "Boston", "Bayes by Backprop")[2])
      #expect(s[3] > dropout[3] && s[3] > ensemble[3], "the largest spread over splits")
    }
  }

  @Test func onConcreteTheEnsembleBeatsItsPaperAndDropoutFallsShort() throws {
    let run = try run()
    let ensemble = try scores(run, "Concrete", "deep ensemble")
    #expect(ensemble[0] < ensemble[4] && ensemble[2] > ensemble[6])
    let dropout = try scores(run, "Concrete", "MC dropout")
    let gap = dropout[0] - dropout[4]
    #expect(gap > 3.5 * dropout[1] && gap < 4.5 * dropout[1], "about four standard errors")
    #expect(dropout[6] - dropout[2] > 0.1)
    let ours = try [
      "MC dropout", "deep ensemble", "Bayes by Backprop", "last-layer Laplace",
      "Bayesian last layer",
    ].map { try scores(run, "Concrete", $0) }
    #expect(ours.map { $0[0] }.min() == ours[4][0], "the Bayesian last layer: best RMSE")
    let mixtures = ours[0..<3].map { $0[2] }
    let gaussians = ours[3...].map { $0[2] }
    #expect(mixtures.min()! > gaussians.max()!, "mixtures: the best log-likelihoods")
  }

  @Test func ensembleBestLikelihoodAndBayesByBackpropWorstRMSEOnBoth() throws {
    let run = try run()
    let methods = [
      "MC dropout", "deep ensemble", "Bayes by Backprop", "last-layer Laplace",
      "Bayesian last layer",
    ]
    for dataset in ["Boston", "Concrete"] {
      let s = try methods.map { try scores(run, dataset, $0) }
      #expect(s.map { $0[2] }.max() == s[1][2], "\(dataset): ensemble log-lik.")
      #expect(s.map { $0[0] }.max() == s[2][0], "\(dataset): Bayes by Backprop RMSE")
    }
  }
}
