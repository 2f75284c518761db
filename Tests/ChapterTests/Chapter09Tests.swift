import BayesianDL
import Foundation
import TestSupport
import Weaving
import Testing

/// Chapter 9 run end to end at its full budget (its claims are about trained models) and
/// with `--quick`; each claim of the prose checked on the printed numbers, the cost
/// table against counts from the network's shape.
@Suite("Chapter 9: the Bayesian last layer", .serialized)
struct Chapter09Tests {
  static let chapter = "09-bayesian-last-layer"
  static let fullRun = ChapterRun.full(chapter)
  static let figureNames = ["regression", "kl", "ood"]
  static let sizes = [64, 64, 64, 5]
  static let samples = 100

  func run() throws -> ChapterRun { try Self.fullRun.get().run }

  /// The last `count` cells of a table row as numbers (names span several cells).
  func numbers(_ row: [String], last count: Int) throws -> [Double] {
    try row.suffix(count).map { try #require(Double($0), "\(row)") }
  }

  /// The row of the table starting with `header` whose name starts with `name`.
  func row(_ run: ChapterRun, _ header: String, _ name: String) throws -> [String] {
    try #require(
      run.table(startingWith: header).first { $0.joined(separator: " ").hasPrefix(name) },
      "no row '\(name)' in the table '\(header)'")
  }

  /// Column `column` of the regression table's row for `predictive`: 0–1 held-out
  /// log-likelihood in the data and the gap, 2–3 95 % coverage there, 4–6 the epistemic
  /// sd in the data, the gap and beyond |x| > 3.5.
  func regression(_ run: ChapterRun, _ column: Int, _ predictive: String) throws -> Double {
    try numbers(row(run, "predictive", predictive), last: 7)[column]
  }

  /// Column `column` of section 5's row for `name`: 0 accuracy, 1 test NLL, 2–3 mean MI
  /// on the held-out 0–4 and on the 5–9 images, 4–5 AUROC of the entropy and of the MI.
  func classifier(_ run: ChapterRun, _ name: String, _ column: Int) throws -> Double {
    try numbers(row(run, "classifier", name), last: 6)[column]
  }

  @Test func fullRunSucceedsAndWritesEveryFigure() throws {
    let (run, figures) = try Self.fullRun.get()
    try run.expectSuccess(Self.chapter, figures: Self.figureNames, in: figures)
  }

  @Test func quickRunSucceedsAndWritesEveryFigure() throws {
    let (run, figures) = try ChapterRun.quick(Self.chapter).get()
    try run.expectSuccess(Self.chapter, figures: Self.figureNames, in: figures)
  }

  // MARK: 1. Cost

  @Test func theCostTableCountsWhatTheShapeImplies() throws {
    let run = try run()
    let layers = Array(zip(Self.sizes, Self.sizes.dropFirst()))
    let p = layers.reduce(0) { $0 + ($1.0 + 1) * $1.1 }
    let last = (Self.sizes[2] + 1) * Self.sizes[3]
    let kfac = layers.reduce(0) { $0 + ($1.0 + 1) * ($1.0 + 1) + $1.1 * $1.1 }
    let expected: [(String, Int, Int)] = [
      ("MAP network", 0, p),
      ("whole network, mean field", p, 2 * p),
      ("whole network, full covariance", p, p + p * p),
      ("whole network, K-FAC", p, p + kfac),
      ("last layer, mean field", last, p + last),
      ("last layer, full covariance", last, p + last * last),
    ]
    for (name, uncertain, stored) in expected {
      let cells = try numbers(row(run, "approach", name), last: 3)
      #expect(cells[0] == Double(uncertain), "\(name)")
      #expect(cells[1] == Double(stored), "\(name)")
      // Megabytes to three significant digits.
      #expect(abs(cells[2] - Double(stored * 8) / 1e6) <= 0.005 * Double(stored * 8) / 1e6)
    }
    #expect(try run.value("weights in the network") == Double(p))
    #expect(try run.value("weights in the last layer") == Double(last))
    let whole = Self.samples * layers.reduce(0) { $0 + $1.0 * $1.1 }
    let lastOnly =
      layers.dropLast().reduce(0) { $0 + $1.0 * $1.1 } + Self.samples * layers.last!.0
      * layers.last!.1
    #expect(try run.value("multiply–adds per input, S = 100, whole network") == Double(whole))
    #expect(try run.value("multiply–adds per input, S = 100, last layer") == Double(lastOnly))
    // The prose: under 4 % of the weights, 700 times, 21 times.
    #expect(Double(last) / Double(p) < 0.04)
    let ratio = try run.value("full covariance: whole network over last layer")
    #expect(abs(ratio - Double(p * p) / Double(last * last)) < 0.05)
    #expect(ratio > 690 && ratio < 720)
    #expect(abs(Double(whole) / Double(lastOnly) - 21) < 0.5)
    #expect(Double(p + last * last) * 8 / 1e6 < 1)  // "under 1 MB"
  }

  // MARK: 2. Regression

  @Test func theEvidenceChoosesANoiseNearTheTruthAndAStrongerPriorAtAStationaryPoint() throws {
    let run = try run()
    let sigma = try run.value("evidence-maximising σ")
    let rms = try run.value("root mean square of the true σ(x) over the training inputs")
    #expect(sigma > 0.3 && abs(sigma - rms) / rms < 0.15, "σ \(sigma), true rms \(rms)")
    let alpha = try run.value("evidence-maximising α")
    #expect(alpha > 2 && alpha < 3, "α = \(alpha)")  // "2.5 times as precise"
    let gain = try run.value("log evidence gained over the training settings")
    #expect(gain > 14 && gain < 16)
    #expect(
      try run.value("largest |∂ log evidence / ∂ log α|, |∂ / ∂ log σ²| at the optimum") < 1e-5)
    let updates = try row(run, "last layer", "evidence maximised")
    #expect(updates.joined(separator: " ").contains("(7 updates)"))
  }

  @Test func theConjugateLastLayerIsLastLayerLaplaceToRoundOff() throws {
    let run = try run()
    #expect(try run.value("max |predictive variance, Laplace − conjugate| on [−4.5, 4.5]") < 1e-12)
    #expect(try run.value("|log marginal likelihood, Laplace − exact evidence|") < 1e-9)
  }

  @Test func theLogVarianceHeadLearnsTheNoiseLevel() throws {
    let run = try run()
    let left = try run.value("heteroscedastic: learned σ at x = -2.5 (true 0.1)")
    let right = try run.value("heteroscedastic: learned σ at x = 2.5 (true 0.6)")
    #expect(abs(left - 0.1) < 0.02 && abs(right - 0.6) < 0.06, "\(left), \(right)")
  }

  @Test func noiseModelThenEvidenceThenEpistemicTermInTheData() throws {
    let run = try run()
    func ll(_ place: String, _ name: String) throws -> Double {
      try regression(run, place == "data" ? 0 : 1, name)
    }
    let map = "MAP network, σ fixed at 0.3"
    let point = "conjugate mean, evidence σ, no epistemic"
    let conjugate = "conjugate last layer"
    let twoHeaded = "two-headed MAP network"
    let hetero = "heteroscedastic conjugate last layer"
    // The noise model: −0.51 → −0.18 and −0.14.
    #expect(try abs(ll("data", conjugate) + 0.51) < 0.01)
    #expect(try abs(ll("data", twoHeaded) + 0.18) < 0.01)
    #expect(try abs(ll("data", hetero) + 0.14) < 0.01)
    #expect(try ll("data", hetero) > ll("data", twoHeaded))
    // The evidence's σ: −0.62 and 86 % for the MAP network, −0.51 and 91 % after.
    #expect(try abs(ll("data", map) + 0.62) < 0.01)
    #expect(try abs(regression(run, 2, map) - 0.86) < 0.005)
    #expect(try abs(regression(run, 2, conjugate) - 0.91) < 0.005)
    // The epistemic term: third decimal in the data, four times larger in the gap.
    #expect(try abs(ll("data", conjugate) - ll("data", point)) < 0.005)
    let inData = try regression(run, 4, conjugate)
    let inGap = try regression(run, 5, conjugate)
    let beyond = try regression(run, 6, conjugate)
    #expect(abs(inData - 0.06) < 0.006)
    #expect(inGap / inData > 3.5 && inGap / inData < 4.5)
    #expect(beyond > inGap)
    #expect(try regression(run, 5, point) == 0)
  }

  @Test func theEpistemicTermHelpsInTheGapButDoesNotCoverIt() throws {
    let run = try run()
    let point = "conjugate mean, evidence σ, no epistemic"
    let conjugate = "conjugate last layer"
    let coveredBefore = try regression(run, 3, point)
    let coveredAfter = try regression(run, 3, conjugate)
    #expect(abs(coveredBefore - 0.80) < 0.01 && abs(coveredAfter - 0.88) < 0.01)
    #expect(coveredAfter < 0.95)
    let before = try regression(run, 1, point)
    let after = try regression(run, 1, conjugate)
    #expect(abs(before + 1.07) < 0.01 && abs(after + 0.89) < 0.01)
    // In the gap both heteroscedastic predictives score alike.
    let hetero = try regression(run, 1, "heteroscedastic conjugate last layer")
    let twoHeaded = try regression(run, 1, "two-headed MAP network")
    #expect(abs(hetero - twoHeaded) < 0.005)
    let rows = run.table(startingWith: "predictive")
    #expect(rows.count == 5)
  }

  // MARK: 3. The KL and the note's objective

  @Test func theKLTableMatchesHandFormulasAndTheNotesFormulaFails() throws {
    let run = try run()
    let rows = run.table(startingWith: "μ")
    #expect(rows.count == 5)
    for row in rows {
      let v = try numbers(row, last: 6)
      let (mu, tau, alpha) = (v[0], v[1], v[2])
      let kl = handKL(meanQ: mu, sdQ: 1 / tau.squareRoot(), meanP: 0, sdP: 1 / alpha.squareRoot())
      #expect(abs(v[3] - kl) <= 5e-4 * max(1, abs(kl)), "\(row)")
      #expect(abs(v[4] - kl) <= 5e-4 * max(1, abs(kl)), "\(row)")
      let notes = 0.5 * (1 + tau * mu * mu - log(tau) + log(alpha))
      #expect(abs(v[5] - notes) <= 5e-4 * max(1, abs(notes)), "\(row)")
    }
    #expect(try run.value("largest |closed form − KLDivergence.gaussian| over the cases") < 1e-12)
    #expect(try run.value("note 001's KL at q = p (μ = 0, τ = α = 1)") == 0.5)
    #expect(try run.value("note 001's KL at μ = 0, τ = 100, α = 1") < 0)
    #expect(try abs(run.value("τ minimising the KL at μ = 0.1, α = 1") - 1) < 0.01)
    #expect(try abs(run.value("τ minimising note 001's formula at μ = 0.1, α = 1") - 100) < 1)
    #expect(
      try abs(
        run.value("note 001's formula at its minimiser, μ = 0.1, α = 1") - 0.5 * (2 - log(100)))
        < 1e-3)
  }

  @Test func onlyTheCorrectObjectiveGivesAnAccurateAndSensiblyUncertainLayer() throws {
    let run = try run()
    let columns = ["test accuracy", "test NLL", "mean σ", "mean MI on held-out 0–4", "AUROC of MI"]
    func v(_ what: String, _ name: String) throws -> Double {
      try numbers(row(run, "objective", name), last: 5)[columns.firstIndex(of: what)!]
    }
    let correct = "correct negative ELBO"
    #expect(try v("test accuracy", correct) > 0.99)
    let nll = try v("test NLL", correct)
    // Sign flipped: chance-level accuracy, infinite NLL.
    #expect(try v("test accuracy", "sign flipped") < 0.25)
    #expect(try v("test NLL", "sign flipped") == .infinity)
    // Logits averaged: σ near the prior's 1, draws disagree on known digits, 13× the NLL.
    let averaged = "logits averaged before the likelihood"
    #expect(try v("mean σ", averaged) > 0.9 && v("mean σ", averaged) < 1)
    #expect(try abs(v("mean MI on held-out 0–4", averaged) - 0.6) < 0.05)
    #expect(try abs(v("mean MI on held-out 0–4", correct) - 0.04) < 0.005)
    #expect(try abs(v("test NLL", averaged) / nll - 13) < 0.5)
    #expect(try abs(v("test NLL", averaged) - 0.27) < 0.005 && abs(nll - 0.021) < 0.0005)
    // Note's KL: σ stays near 0.05, fifteen times below; worse detection.
    let notesKL = "note 001's KL"
    #expect(try abs(v("mean σ", notesKL) - 0.05) < 0.005)
    #expect(try abs(v("mean σ", correct) / v("mean σ", notesKL) - 15) < 1)
    #expect(try abs(v("AUROC of MI", notesKL) - 0.944) < 0.0005)
    #expect(try v("AUROC of MI", notesKL) < v("AUROC of MI", correct) - 0.02)
    // KL over B: N/B ≈ 10, five times the NLL.
    #expect(try abs(run.value("N / B, the factor note 001 overweights the KL by") - 10) < 0.2)
    #expect(try abs(v("test NLL", "KL over the batch size") / nll - 5) < 0.3)
    // All four.
    let written = "note 001's elbo as written"
    #expect(try v("test accuracy", written) < 0.21)
    #expect(try v("test NLL", written) == .infinity)
    #expect(try abs(v("AUROC of MI", written) - 0.49) < 0.005)
    #expect(run.table(startingWith: "objective").count == 6)
  }

  @Test func averagingLogitsUnderstatesTheExpectedNegativeLogLikelihood() throws {
    let run = try run()
    let expected = try run.value("E_q[−log p(y | x)] per training image, correct layer")
    let averaged = try run.value("−log softmax(mean logits)_y per training image, same draws")
    #expect(averaged < expected)
    #expect(abs(expected / averaged - 400) < 25)
    #expect(
      try abs(run.value("ratio of the two") - expected / averaged) < 0.01 * expected / averaged)
  }

  // MARK: 4. End to end

  @Test func withOneLearningRateTheScalesHitAdamsCeiling() throws {
    let run = try run()
    let one = "backbone 0.001, last layer 0.001"
    let two = "backbone 0.001, last layer 0.01"
    let steps = try run.value("Adam steps")
    #expect(steps == 1000)
    let ceiling = try run.value(
      "σ reachable from 0.05 if log σ² moves by at most the rate per step")
    #expect(abs(ceiling - exp(-3 + 0.5 * steps * 1e-3)) < 1e-3)
    // Columns: mean σ, largest σ, accuracy, NLL, MI 5–9, AUROC.
    let oneRow = try numbers(row(run, "learning rates", one), last: 6)
    let twoRow = try numbers(row(run, "learning rates", two), last: 6)
    let (mean, largest) = (oneRow[0], oneRow[1])
    #expect(largest <= 1.01 * ceiling && mean > 0.95 * ceiling, "\(mean), \(largest), \(ceiling)")
    #expect(abs(twoRow[0] - 0.88) < 0.01)
    #expect(abs(oneRow[4] / twoRow[4] - 1.0 / 7) < 0.02, "a seventh")
    #expect(oneRow[2] == 1 && twoRow[2] == 1)
  }

  // MARK: 5. OOD

  @Test func everyBayesianPredictiveDetectsTheUnseenDigitsAsWellAsTheWholeMeanFieldNetwork()
    throws
  {
    let run = try run()
    let rows = run.table(startingWith: "classifier")
    #expect(rows.count == 5)
    let testCount = try run.value("held-out 0–4 images")
    #expect(testCount == 270)
    for r in rows {
      let v = try numbers(r, last: 6)  // accuracy, NLL, MI 0–4, MI 5–9, AUROC H, AUROC MI
      #expect(v[0] >= 269.0 / 270 - 1e-9, "\(r)")
    }
    #expect(try classifier(run, "MAP network", 5) == 0.5)
    #expect(try abs(classifier(run, "MAP network", 4) - 0.95) < 0.005)
    let bayesian = [
      "variational last layer, two-stage", "last-layer Laplace",
      "variational last layer, end to end",
      "mean-field network (Bayes by Backprop)",
    ]
    for name in bayesian {
      for score in ["MI", "entropy"] {
        let auroc = try classifier(run, name, score == "MI" ? 5 : 4)
        #expect(auroc > 0.96 && auroc < 0.98, "\(score), \(name): \(auroc)")
      }
      // The MAP network has the lowest test NLL.
      #expect(
        try classifier(run, "MAP network", 1)
          < classifier(run, name, 1))
    }
    #expect(
      try classifier(run, "variational last layer, two-stage", 5)
        >= classifier(run, "mean-field network (Bayes by Backprop)", 5))
  }

  @Test func laplaceIsTheLeastConfidentBecauseTheDataDetermineFewDirections() throws {
    let run = try run()
    let rows = try [
      "last layer, two-stage", "last-layer Laplace", "variational last layer, end",
      "mean-field network",
    ].map { name in
      try numbers(
        row(run, "classifier", name.hasPrefix("last layer") ? "variational " + name : name), last: 6
      )
    }
    let laplace = rows[1]
    for (k, other) in rows.enumerated() where k != 1 {
      #expect(laplace[1] > other[1], "NLL")
      #expect(laplace[2] > other[2], "MI on 0–4")
    }
    let gamma = try run.value("last-layer Laplace: directions the data determine, γ (of 325)")
    #expect(abs(gamma - 20) < 1)
    #expect(
      try abs(run.value("last-layer Laplace: prior precision by marginal likelihood") - 1.27)
        < 0.005)
  }

  @Test func theMutualInformationSeparatesSeenFromUnseenDigits() throws {
    let run = try run()
    #expect(try run.value("median MI of a held-out 0–4 image, two-stage layer") < 1e-3)
    #expect(try abs(run.value("median MI of a 5–9 image, two-stage layer") - 0.5) < 0.05)
  }

  @Test func notesDecompositionHasNoEpistemicTermAndDetectsNothing() throws {
    let run = try run()
    #expect(try run.value("note 001: largest epistemic term over all images") < 1e-13)
    #expect(try run.value("ours: smallest epistemic term over all images") > 1e-10)
    #expect(try abs(run.value("note 001: AUROC of its epistemic term") - 0.5) < 0.02)
  }
}
