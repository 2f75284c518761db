import BayesianDL
import Foundation
import TestSupport
import Weaving
import Testing

/// Chapter 8 run end to end at its full budget (its claims are about trained networks)
/// and with `--quick`; each claim of the prose checked on the printed numbers.
@Suite("Chapter 8: Laplace approximations", .serialized)
struct Chapter08Tests {
  static let chapter = "08-laplace"
  static let figureNames = [
    "curvatures", "structures", "glm-vs-sampled", "moons-confidence", "marginal-likelihood",
  ]
  static let fullRun = ChapterRun.full(chapter)

  func run() throws -> ChapterRun { try Self.fullRun.get().run }

  /// A table's cell counted from the end of the row (leading names may contain spaces).
  func number(_ row: [String], fromEnd k: Int) throws -> Double {
    try #require(Double(row[row.count - k]), "not a number: \(row)")
  }

  @Test func fullRunSucceedsAndWritesEveryFigure() throws {
    let (run, figures) = try Self.fullRun.get()
    try run.expectSuccess(Self.chapter, figures: Self.figureNames, in: figures)
  }

  @Test func quickRunSucceedsAndWritesEveryFigure() throws {
    let (run, figures) = try ChapterRun.quick(Self.chapter).get()
    try run.expectSuccess(Self.chapter, figures: Self.figureNames, in: figures)
  }

  @Test func lastLayerLaplaceReproducesBayesianLinearRegressionToRoundOff() throws {
    let run = try run()
    #expect(try run.value("max |Σ_Laplace − Σ_exact| over the 65×65 covariance") < 1e-10)
    #expect(try run.value("|log Z_Laplace − log Z_exact|") < 1e-9)
    #expect(try run.value("max |predictive variance, Laplace − exact| on [−6, 6]") < 1e-10)
  }

  @Test func theGGNIsPSDAndCloseToTheHessianWhichIsIndefiniteAndTheEFIsFarOff() throws {
    let run = try run()
    let rows = run.table(startingWith: "curvature")
    let hessian = try #require(rows.first { $0[0] == "Hessian" })
    let ggn = try #require(rows.first { $0[0] == "GGN" })
    let fisher = try #require(rows.first { $0[0] == "empirical" })
    #expect(try number(hessian, fromEnd: 3) < 0)
    // PSD to round-off relative to the largest eigenvalue.
    #expect(try number(ggn, fromEnd: 3) > -1e-9 * number(ggn, fromEnd: 2))
    #expect(try number(fisher, fromEnd: 3) > -1e-9 * number(fisher, fromEnd: 2))
    #expect(try number(ggn, fromEnd: 1) < 0.05)  // "about 1 %"
    #expect(try number(fisher, fromEnd: 1) > 0.3)  // "off by half"
    #expect(try run.value("smallest eigenvalue of H + δI at the MAP (δ = 1)") < 0)
    #expect(
      try run.value("smallest Hessian eigenvalue after 5 epochs")
        < run.value("smallest Hessian eigenvalue at the MAP"))
    #expect(try run.value("smallest GGN eigenvalue after 5 epochs") > -1e-9)
  }

  @Test func theEmpiricalFisherScalesWithTheResidualsAndTheGGNWithSigma() throws {
    let run = try run()
    let rows = run.table(startingWith: "assumed")
    #expect(rows.count == 3)
    for row in rows {
      let (ratio, predicted) = (try number(row, fromEnd: 2), try number(row, fromEnd: 1))
      #expect(abs(ratio / predicted - 1) < 0.15, "\(row)")
    }
    // The GGN's (the exact) posterior sd is proportional to σ: 10× from σ = 0.1 to 1.
    let ggnSD = try rows.map { try number($0, fromEnd: 4) }
    #expect(abs(ggnSD[2] / ggnSD[0] - 10) < 0.01)
    #expect(try number(rows[0], fromEnd: 2) < 1 && number(rows[2], fromEnd: 2) > 1)
  }

  @Test func note002sGGNMatrixIsTheEFAtBatchSizeOneAndVanishesWithTheFullBatch() throws {
    let run = try run()
    #expect(
      try run.value(
        "max relative difference, ggn_matrix at batch size 1 vs empirical Fisher diagonal / N")
        < 1e-10)
    let rows = run.table(startingWith: "batch")
    let values = try rows.map { try number($0, fromEnd: 2) }
    #expect(values == values.sorted(by: >), "falls with the batch size: \(values)")
    #expect(try number(rows.last!, fromEnd: 1) < 0.01)
    #expect(values.first! / values.last! > 50)
  }

  @Test func structuresRankFullKFACDiagonalAndLastLayerKFACIsExactForRegression() throws {
    let run = try run()
    let rows = run.table(startingWith: "weights")
    #expect(rows.count == 6)
    func row(_ weights: String, _ structure: String) throws -> [String] {
      try #require(rows.first { $0[0] == weights && $0[$0.count - 9] == structure })
    }
    let logZ = { (r: [String]) throws -> Double in try number(r, fromEnd: 4) }
    let (full, kfac, diagonal) = (
      try row("all", "full"), try row("all", "K-FAC"), try row("all", "diagonal")
    )
    #expect(try logZ(full) > logZ(kfac) && logZ(kfac) > logZ(diagonal))
    #expect(try logZ(full) - logZ(diagonal) > 100)  // "about 150 nats"
    let recovered = try (logZ(kfac) - logZ(diagonal)) / (logZ(full) - logZ(diagonal))
    #expect(recovered > 0.5 && recovered < 0.8)  // "about two thirds"
    #expect(try number(diagonal, fromEnd: 3) > 1.5 * number(full, fromEnd: 3))  // wide at x = 0
    let (lastFull, lastKFAC) = (try row("last", "full"), try row("last", "K-FAC"))
    for k in [1, 2, 3, 4, 5] {
      #expect(lastFull[lastFull.count - k] == lastKFAC[lastKFAC.count - k])
    }
    // Tuning δ never lowers the evidence.
    for r in rows { #expect(try number(r, fromEnd: 4) >= number(r, fromEnd: 6)) }
  }

  @Test func sampledNetworksUnderfitAndTheGLMPredictiveDoesNot() throws {
    let run = try run()
    let rows = run.table(startingWith: "predictive")
    let glm = try #require(rows.first { $0[0] == "GLM" })
    let sampled = try #require(rows.first { $0[0] == "sampled" })
    #expect(try number(sampled, fromEnd: 2) > 2 * number(glm, fromEnd: 2))
    #expect(try number(glm, fromEnd: 1) > number(sampled, fromEnd: 1) + 1)
  }

  @Test func thePairwiseProbitAgreesWithMonteCarloAndThePerLogitOneDoesNot() throws {
    let run = try run()
    let standardError = try run.value("Monte Carlo standard error (largest possible)")
    #expect(try run.value("max |pairwise probit − Monte Carlo| of p(class 0)") < 4 * standardError)
    #expect(try run.value("max |per-logit probit − Monte Carlo| of p(class 0)") > 0.1)
    #expect(
      try run.value("mean |pairwise probit − Monte Carlo| of p(class 0)")
        < run.value("mean |per-logit probit − Monte Carlo| of p(class 0)") / 5)
    let rows = run.table(startingWith: "classifier")
    let classification = rows.filter { $0[0] == "MAP" || $0[0] == "Laplace," }
    #expect(classification.count == 4)
    let accuracies = try classification.map { try number($0, fromEnd: 4) }
    #expect(Set(accuracies).count == 1 && accuracies[0] > 0.99)
    let nll = try classification.map { try number($0, fromEnd: 3) }
    #expect(nll[1] > 3 * nll[2])  // per-logit "several times" the pairwise one
    let far = try classification.map { try number($0, fromEnd: 1) }
    #expect(far[1...].allSatisfy { $0 < far[0] })  // every Laplace predictive below the MAP
    #expect(far[2] > 0.95 && far[3] > 0.95)  // "stays above 0.95"
  }

  @Test func theMarginalLikelihoodFindsTheNoiseAndBeatsTheGrid() throws {
    let run = try run()
    #expect(try run.value("log Z after tuning") >= run.value("best log Z on a 60 × 60 grid"))
    #expect(
      try run.value("log Z after tuning")
        > run.value("log Z at laplace-torch's defaults δ = 1, σ = 1"))
    let sigma = try run.value("tuned noise σ")
    #expect(sigma > 0.22 && sigma < 0.3)  // "close to 0.3, a little below"
  }

  @Test func theBandHoldsTheDataOnlyWithTheNoiseAdded() throws {
    let run = try run()
    #expect(try run.value("fresh points inside ±2 sd, sd from f_var only (note 002)") < 1.0 / 3)
    let withNoise = try run.value("fresh points inside ±2 sd, sd from f_var + σ²")
    #expect(withNoise > 0.88 && withNoise < 0.95)
  }
}
