import Foundation
import TestSupport
import Testing

/// Chapter 11 at its full budget (20 splits) and with `--quick`; the prose's comparisons
/// with the published numbers checked on the values the run recorded.
@Suite("Chapter 11: the UCI benchmark", .serialized)
struct Chapter11Tests {
  static let chapter = "11-uci-benchmark"
  static let fullRun = ChapterRun.full(chapter)

  func results() throws -> RecordedResults {
    try ChapterRun.results(in: Self.fullRun.get().figures)
  }

  static let methods = [
    "mcDropout", "deepEnsemble", "bayesByBackprop", "lastLayerLaplace", "bayesianLastLayer",
  ]

  /// Our (RMSE, se, log-lik., se) and, where given, the published ones, of `method` on
  /// `dataset` (`boston` or `concrete`).
  func scores(_ results: RecordedResults, _ dataset: String, _ method: String) throws -> [Double] {
    let ours = try ["rmse", "rmseSE", "logLik", "logLikSE"].map {
      try results.value("\(dataset).\(method).\($0)")
    }
    let paperNames = ["publishedRMSE", "publishedRMSESE", "publishedLogLik", "publishedLogLikSE"]
    let paper = paperNames.compactMap { results.numbers["\(dataset).\(method).\($0)"] }
    return ours + paper
  }

  @Test func fullRunSucceedsAndWritesTheFigure() throws {
    let (run, figures) = try Self.fullRun.get()
    try run.expectSuccess(Self.chapter, figures: ["scores"], in: figures)
    let results = try results()
    #expect(try results.value("boston.splits") == 20 && results.value("concrete.splits") == 20)
    results.expectClaimsHold(budget: "full")
  }

  @Test func quickRunSucceedsAndWritesTheFigure() throws {
    let (run, figures) = try ChapterRun.quick(Self.chapter).get()
    try run.expectSuccess(Self.chapter, figures: ["scores"], in: figures)
  }

  @Test func bostonMatchesThePublishedNumbersWithinTheirError() throws {
    let results = try results()
    let dropout = try scores(results, "boston", "mcDropout")  // ours m, se, m, se; paper m, se, m, se
    #expect(dropout.count == 8)
    #expect(abs(dropout[0] - dropout[4]) < dropout[5], "RMSE within one published se")
    #expect(dropout[2] < dropout[6] && dropout[6] - dropout[2] < 1.5 * dropout[7])
    let ensemble = try scores(results, "boston", "deepEnsemble")
    #expect(ensemble[0] < ensemble[4] && ensemble[2] > ensemble[6], "better on both")
    let lastLayer = try ["lastLayerLaplace", "bayesianLastLayer"].map {
      try scores(results, "boston", $0)
    }
    for s in lastLayer {
      #expect(s[0] > 3.05 && s[0] < 3.25)
      #expect(s[2] < dropout[2] && s[2] < ensemble[2])
      #expect(try s[2] > scores(results, "boston", "bayesByBackprop")[2])
      #expect(s[3] > dropout[3] && s[3] > ensemble[3], "the largest spread over splits")
    }
  }

  @Test func onConcreteTheEnsembleBeatsItsPaperAndDropoutFallsShort() throws {
    let results = try results()
    let ensemble = try scores(results, "concrete", "deepEnsemble")
    #expect(ensemble[0] < ensemble[4] && ensemble[2] > ensemble[6])
    let dropout = try scores(results, "concrete", "mcDropout")
    let gap = dropout[0] - dropout[4]
    #expect(gap > 3.5 * dropout[1] && gap < 4.5 * dropout[1], "about four standard errors")
    #expect(dropout[6] - dropout[2] > 0.1)
    let ours = try Self.methods.map { try scores(results, "concrete", $0) }
    #expect(ours.map { $0[0] }.min() == ours[4][0], "the Bayesian last layer: best RMSE")
    let mixtures = ours[0..<3].map { $0[2] }
    let gaussians = ours[3...].map { $0[2] }
    #expect(mixtures.min()! > gaussians.max()!, "mixtures: the best log-likelihoods")
  }

  @Test func ensembleBestLikelihoodAndBayesByBackpropWorstRMSEOnBoth() throws {
    let results = try results()
    for dataset in ["boston", "concrete"] {
      let s = try Self.methods.map { try scores(results, dataset, $0) }
      #expect(s.map { $0[2] }.max() == s[1][2], "\(dataset): ensemble log-lik.")
      #expect(s.map { $0[0] }.max() == s[2][0], "\(dataset): Bayes by Backprop RMSE")
      #expect(try results.text("\(dataset).bestLogLikMethod") == "deep ensemble")
      #expect(try results.text("\(dataset).worstRMSEMethod") == "Bayes by Backprop")
    }
  }
}
