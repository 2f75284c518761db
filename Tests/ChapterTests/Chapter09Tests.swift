import BayesianDL
import Foundation
import TestSupport
import Testing

/// Chapter 9 run end to end at its full budget (its claims are about trained models) and
/// with `--quick`; each claim of the prose checked on the values the runs recorded in
/// their results.json (every table cell a test reads is a named value), the cost table
/// against counts from the network's shape.
@Suite("Chapter 9: the Bayesian last layer", .serialized)
struct Chapter09Tests {
  static let chapter = "09-bayesian-last-layer"
  static let fullRun = ChapterRun.full(chapter)
  static let quickRun = ChapterRun.quick(chapter)
  static let figureNames = ["regression", "kl", "ood"]
  static let sizes = [64, 64, 64, 5]
  static let samples = 100

  /// The full-budget run's results.json.
  func results() throws -> RecordedResults {
    try ChapterRun.results(in: Self.fullRun.get().figures)
  }

  /// The quick run's results.json.
  func quickResults() throws -> RecordedResults {
    try ChapterRun.results(in: Self.quickRun.get().figures)
  }

  /// Column `column` of the regression table's row `key` (`map`, `pointEstimate`,
  /// `conjugate`, `twoHeaded`, `heteroscedastic`): `dataLL`, `gapLL` (held-out
  /// log-likelihood), `dataCoverage`, `gapCoverage` (95 % coverage), `dataEpistemic`,
  /// `gapEpistemic`, `beyondEpistemic` (epistemic sd in the data, the gap, |x| > 3.5).
  func regression(_ results: RecordedResults, _ column: String, _ key: String) throws -> Double {
    try results.value("regression.\(key).\(column)")
  }

  /// Column `column` of section 5's row `key` (`map`, `twoStage`, `laplace`, `endToEnd`,
  /// `meanField`): `accuracy`, `errors`, `nll`, `miKnown`, `miUnknown` (mean MI on the
  /// held-out 0–4 and on the 5–9 images), `entropyAUROC`, `miAUROC`.
  func classifier(_ results: RecordedResults, _ key: String, _ column: String) throws -> Double {
    try results.value("ood.\(key).\(column)")
  }

  @Test func fullRunSucceedsAndWritesEveryFigure() throws {
    let (run, figures) = try Self.fullRun.get()
    try run.expectSuccess(Self.chapter, figures: Self.figureNames, in: figures)
  }

  @Test func quickRunSucceedsAndWritesEveryFigure() throws {
    let (run, figures) = try Self.quickRun.get()
    try run.expectSuccess(Self.chapter, figures: Self.figureNames, in: figures)
  }

  @Test func everyClaimHoldsAtTheFullBudgetAndThereAreAtLeastEight() throws {
    try results().expectClaimsHold(budget: "full")
  }

  /// The counts, the evidence's fixed point, the KL formulas and Jensen's inequality hold
  /// at any budget; the others are about trained models (the conjugate = Laplace
  /// round-off too: the quick backbone's features are ill-conditioned) and only recorded
  /// under `--quick`.
  @Test func theClaimsThatHoldAtAnyBudgetHoldInTheQuickRun() throws {
    let results = try quickResults()
    #expect(results.budget == "quick")
    #expect(results.claims.count >= 8)
    for part in [
      "The last layer holds", "still fits in under 1 MB", "the whole network's covariance would",
      "times fewer multiply–adds", "updates reach the fixed point",
      "agree to", "The note's value is", "it is smallest at", "differ by a factor of",
      "Here it held", "numbers for", "Added up over the classes",
    ] {
      let claim = try #require(results.claims.first { $0.text.contains(part) }, "\(part)")
      #expect(claim.holds, "\(claim.location): \(claim.text)")
    }
  }

  // MARK: 1. Cost

  @Test func theCostTableCountsWhatTheShapeImplies() throws {
    let results = try results()
    let layers = Array(zip(Self.sizes, Self.sizes.dropFirst()))
    let p = layers.reduce(0) { $0 + ($1.0 + 1) * $1.1 }
    let last = (Self.sizes[2] + 1) * Self.sizes[3]
    let kfac = layers.reduce(0) { $0 + ($1.0 + 1) * ($1.0 + 1) + $1.1 * $1.1 }
    let expected: [(String, Int, Int)] = [
      ("map", 0, p),
      ("wholeMeanField", p, 2 * p),
      ("wholeFull", p, p + p * p),
      ("wholeKFAC", p, p + kfac),
      ("lastMeanField", last, p + last),
      ("lastFull", last, p + last * last),
    ]
    for (name, uncertain, stored) in expected {
      #expect(try results.value("cost.\(name).uncertain") == Double(uncertain), "\(name)")
      // Recorded as text: results.json keeps six digits of a number.
      #expect(try results.text("cost.\(name).stored") == "\(stored)", "\(name)")
      // Megabytes to three significant digits.
      let megabytes = try results.value("cost.\(name).megabytes")
      #expect(abs(megabytes - Double(stored * 8) / 1e6) <= 0.005 * Double(stored * 8) / 1e6)
    }
    #expect(try results.value("networkWeights") == Double(p))
    #expect(try results.value("lastLayerWeights") == Double(last))
    let whole = Self.samples * layers.reduce(0) { $0 + $1.0 * $1.1 }
    let lastOnly =
      layers.dropLast().reduce(0) { $0 + $1.0 * $1.1 } + Self.samples * layers.last!.0
      * layers.last!.1
    #expect(try results.value("wholeNetworkMultiplyAdds") == Double(whole))
    #expect(try results.value("lastLayerMultiplyAdds") == Double(lastOnly))
    // The prose: under 4 % of the weights, 700 times, 21 times.
    #expect(Double(last) / Double(p) < 0.04)
    let ratio = try results.value("covarianceRatio")
    #expect(abs(ratio - Double(p * p) / Double(last * last)) < 0.05)
    #expect(ratio > 690 && ratio < 720)
    #expect(abs(Double(whole) / Double(lastOnly) - 21) < 0.5)
    #expect(Double(p + last * last) * 8 / 1e6 < 1)  // "under 1 MB"
  }

  // MARK: 2. Regression

  @Test func theEvidenceChoosesANoiseNearTheTruthAndAStrongerPriorAtAStationaryPoint() throws {
    let results = try results()
    let sigma = try results.value("evidenceSigma")
    let rms = try results.value("trueNoiseRMS")
    #expect(sigma > 0.3 && abs(sigma - rms) / rms < 0.15, "σ \(sigma), true rms \(rms)")
    let alpha = try results.value("evidenceAlpha")
    #expect(alpha > 2 && alpha < 3, "α = \(alpha)")  // "2.5 times as precise"
    let gain = try results.value("evidenceGain")
    #expect(gain > 14 && gain < 16)
    #expect(try results.value("evidenceSlope") < 1e-5)
    #expect(try results.value("evidenceUpdates") == 7)
  }

  @Test func theConjugateLastLayerIsLastLayerLaplaceToRoundOff() throws {
    let results = try results()
    #expect(try results.value("laplaceVarianceError") < 1e-12)
    #expect(try results.value("laplaceEvidenceError") < 1e-9)
  }

  @Test func theLogVarianceHeadLearnsTheNoiseLevel() throws {
    let results = try results()
    let left = try results.value("learnedNoiseLeft")
    let right = try results.value("learnedNoiseRight")
    #expect(abs(left - 0.1) < 0.02 && abs(right - 0.6) < 0.06, "\(left), \(right)")
  }

  @Test func noiseModelThenEvidenceThenEpistemicTermInTheData() throws {
    let results = try results()
    func ll(_ place: String, _ key: String) throws -> Double {
      try regression(results, place == "data" ? "dataLL" : "gapLL", key)
    }
    let map = "map"
    let point = "pointEstimate"
    let conjugate = "conjugate"
    let twoHeaded = "twoHeaded"
    let hetero = "heteroscedastic"
    // The noise model: −0.51 → −0.18 and −0.14.
    #expect(try abs(ll("data", conjugate) + 0.51) < 0.01)
    #expect(try abs(ll("data", twoHeaded) + 0.18) < 0.01)
    #expect(try abs(ll("data", hetero) + 0.14) < 0.01)
    #expect(try ll("data", hetero) > ll("data", twoHeaded))
    // The evidence's σ: −0.62 and 86 % for the MAP network, −0.51 and 91 % after.
    #expect(try abs(ll("data", map) + 0.62) < 0.01)
    #expect(try abs(regression(results, "dataCoverage", map) - 0.86) < 0.005)
    #expect(try abs(regression(results, "dataCoverage", conjugate) - 0.91) < 0.005)
    // The epistemic term: third decimal in the data, four times larger in the gap.
    #expect(try abs(ll("data", conjugate) - ll("data", point)) < 0.005)
    let inData = try regression(results, "dataEpistemic", conjugate)
    let inGap = try regression(results, "gapEpistemic", conjugate)
    let beyond = try regression(results, "beyondEpistemic", conjugate)
    #expect(abs(inData - 0.06) < 0.006)
    #expect(inGap / inData > 3.5 && inGap / inData < 4.5)
    #expect(beyond > inGap)
    #expect(try regression(results, "gapEpistemic", point) == 0)
  }

  @Test func theEpistemicTermHelpsInTheGapButDoesNotCoverIt() throws {
    let results = try results()
    let point = "pointEstimate"
    let conjugate = "conjugate"
    let coveredBefore = try regression(results, "gapCoverage", point)
    let coveredAfter = try regression(results, "gapCoverage", conjugate)
    #expect(abs(coveredBefore - 0.80) < 0.01 && abs(coveredAfter - 0.88) < 0.01)
    #expect(coveredAfter < 0.95)
    let before = try regression(results, "gapLL", point)
    let after = try regression(results, "gapLL", conjugate)
    #expect(abs(before + 1.07) < 0.01 && abs(after + 0.89) < 0.01)
    // In the gap both heteroscedastic predictives score alike.
    let hetero = try regression(results, "gapLL", "heteroscedastic")
    let twoHeaded = try regression(results, "gapLL", "twoHeaded")
    #expect(abs(hetero - twoHeaded) < 0.005)
    #expect(try results.value("regressionPredictiveCount") == 5)
  }

  // MARK: 3. The KL and the note's objective

  @Test func theKLTableMatchesHandFormulasAndTheNotesFormulaFails() throws {
    let results = try results()
    let count = try results.value("klCaseCount")
    #expect(count == 5)
    for k in 0..<Int(count) {
      let (mu, tau, alpha) = try (
        results.value("kl\(k).mu"), results.value("kl\(k).tau"), results.value("kl\(k).alpha")
      )
      let kl = handKL(meanQ: mu, sdQ: 1 / tau.squareRoot(), meanP: 0, sdP: 1 / alpha.squareRoot())
      let closedForm = try results.value("kl\(k).closedForm")
      let library = try results.value("kl\(k).library")
      let notesValue = try results.value("kl\(k).notes")
      #expect(abs(closedForm - kl) <= 5e-4 * max(1, abs(kl)), "case \(k)")
      #expect(abs(library - kl) <= 5e-4 * max(1, abs(kl)), "case \(k)")
      let notes = 0.5 * (1 + tau * mu * mu - log(tau) + log(alpha))
      #expect(abs(notesValue - notes) <= 5e-4 * max(1, abs(notes)), "case \(k)")
    }
    #expect(try results.value("klLibraryError") < 1e-12)
    #expect(try results.value("notesKLAtPrior") == 0.5)
    #expect(try results.value("notesKLAtLargeTau") < 0)
    #expect(try abs(results.value("correctMinimiser") - 1) < 0.01)
    #expect(try abs(results.value("notesMinimiser") - 100) < 1)
    #expect(try abs(results.value("notesMinimum") - 0.5 * (2 - log(100))) < 1e-3)
  }

  @Test func onlyTheCorrectObjectiveGivesAnAccurateAndSensiblyUncertainLayer() throws {
    let results = try results()
    let columns = [
      "test accuracy": "accuracy", "test NLL": "nll", "mean σ": "meanSigma",
      "mean MI on held-out 0–4": "miKnown", "AUROC of MI": "auroc",
    ]
    func v(_ what: String, _ key: String) throws -> Double {
      try results.value("objective.\(key).\(try #require(columns[what]))")
    }
    let correct = "correct"
    #expect(try v("test accuracy", correct) > 0.99)
    let nll = try v("test NLL", correct)
    // Sign flipped: chance-level accuracy, infinite NLL.
    #expect(try v("test accuracy", "signFlipped") < 0.25)
    #expect(try v("test NLL", "signFlipped") == .infinity)
    // Logits averaged: σ near the prior's 1, draws disagree on known digits, 13× the NLL.
    let averaged = "logitsAveraged"
    #expect(try v("mean σ", averaged) > 0.9 && v("mean σ", averaged) < 1)
    #expect(try abs(v("mean MI on held-out 0–4", averaged) - 0.6) < 0.05)
    #expect(try abs(v("mean MI on held-out 0–4", correct) - 0.04) < 0.005)
    #expect(try abs(v("test NLL", averaged) / nll - 13) < 0.5)
    #expect(try abs(v("test NLL", averaged) - 0.27) < 0.005 && abs(nll - 0.021) < 0.0005)
    // Note's KL: σ stays near 0.05, fifteen times below; worse detection.
    let notesKL = "notesKL"
    #expect(try abs(v("mean σ", notesKL) - 0.05) < 0.005)
    #expect(try abs(v("mean σ", correct) / v("mean σ", notesKL) - 15) < 1)
    #expect(try abs(v("AUROC of MI", notesKL) - 0.944) < 0.0005)
    #expect(try v("AUROC of MI", notesKL) < v("AUROC of MI", correct) - 0.02)
    // KL over B: N/B ≈ 10, five times the NLL.
    #expect(try abs(results.value("klOverweight") - 10) < 0.2)
    #expect(try abs(v("test NLL", "klOverBatchSize") / nll - 5) < 0.3)
    // All four.
    let written = "asWritten"
    #expect(try v("test accuracy", written) < 0.21)
    #expect(try v("test NLL", written) == .infinity)
    #expect(try abs(v("AUROC of MI", written) - 0.49) < 0.005)
    #expect(try results.value("objectiveCount") == 6)
  }

  @Test func averagingLogitsUnderstatesTheExpectedNegativeLogLikelihood() throws {
    let results = try results()
    let expected = try results.value("expectedNLL")
    let averaged = try results.value("averagedLogitNLL")
    #expect(averaged < expected)
    #expect(abs(expected / averaged - 400) < 25)
    #expect(
      try abs(results.value("jensenRatio") - expected / averaged) < 0.01 * expected / averaged)
  }

  // MARK: 4. End to end

  @Test func withOneLearningRateTheScalesHitAdamsCeiling() throws {
    let results = try results()
    let steps = try results.value("adamSteps")
    #expect(steps == 1000)
    let ceiling = try results.value("adamCeiling")
    #expect(abs(ceiling - exp(-3 + 0.5 * steps * 1e-3)) < 1e-3)
    func row(_ key: String, _ column: String) throws -> Double {
      try results.value("endToEnd.\(key).\(column)")
    }
    let (mean, largest) = try (row("oneRate", "meanSigma"), row("oneRate", "largestSigma"))
    #expect(largest <= 1.01 * ceiling && mean > 0.95 * ceiling, "\(mean), \(largest), \(ceiling)")
    #expect(try abs(row("twoRates", "meanSigma") - 0.88) < 0.01)
    #expect(
      try abs(row("oneRate", "miUnknown") / row("twoRates", "miUnknown") - 1.0 / 7) < 0.02,
      "a seventh")
    #expect(try row("oneRate", "accuracy") == 1 && row("twoRates", "accuracy") == 1)
  }

  // MARK: 5. OOD

  @Test func everyBayesianPredictiveDetectsTheUnseenDigitsAsWellAsTheWholeMeanFieldNetwork()
    throws
  {
    let results = try results()
    let keys = ["map", "twoStage", "laplace", "endToEnd", "meanField"]
    #expect(try results.value("oodCount") == Double(keys.count))
    let testCount = try results.value("heldOutCount")
    #expect(testCount == 270)
    for key in keys {
      // Accuracy ≥ 269/270: at most one error (counted exactly; the accuracy itself is
      // kept to six digits).
      #expect(try classifier(results, key, "errors") <= 1, "\(key)")
      #expect(try classifier(results, key, "accuracy") >= 269.0 / 270 - 1e-6, "\(key)")
    }
    #expect(try classifier(results, "map", "miAUROC") == 0.5)
    #expect(try abs(classifier(results, "map", "entropyAUROC") - 0.95) < 0.005)
    let bayesian = ["twoStage", "laplace", "endToEnd", "meanField"]
    for key in bayesian {
      for score in ["miAUROC", "entropyAUROC"] {
        let auroc = try classifier(results, key, score)
        #expect(auroc > 0.96 && auroc < 0.98, "\(score), \(key): \(auroc)")
      }
      // The MAP network has the lowest test NLL.
      #expect(try classifier(results, "map", "nll") < classifier(results, key, "nll"))
    }
    #expect(
      try classifier(results, "twoStage", "miAUROC")
        >= classifier(results, "meanField", "miAUROC"))
  }

  @Test func laplaceIsTheLeastConfidentBecauseTheDataDetermineFewDirections() throws {
    let results = try results()
    for key in ["twoStage", "endToEnd", "meanField"] {
      #expect(try classifier(results, "laplace", "nll") > classifier(results, key, "nll"), "NLL")
      #expect(
        try classifier(results, "laplace", "miKnown") > classifier(results, key, "miKnown"),
        "MI on 0–4")
    }
    let gamma = try results.value("laplaceGamma")
    #expect(abs(gamma - 20) < 1)
    #expect(try abs(results.value("laplacePriorPrecision") - 1.27) < 0.005)
  }

  @Test func theMutualInformationSeparatesSeenFromUnseenDigits() throws {
    let results = try results()
    #expect(try results.value("medianInformationKnown") < 1e-3)
    #expect(try abs(results.value("medianInformationUnknown") - 0.5) < 0.05)
  }

  @Test func notesDecompositionHasNoEpistemicTermAndDetectsNothing() throws {
    let results = try results()
    #expect(try results.value("notesLargestEpistemic") < 1e-13)
    #expect(try results.value("oursSmallestEpistemic") > 1e-10)
    #expect(try abs(results.value("notesAUROC") - 0.5) < 0.02)
  }

  // MARK: Note 001's stage one, decomposition axis and threshold

  @Test func notesStageOneWithoutAHeadKillsFeaturesAndWeakensDetection() throws {
    let results = try results()
    #expect(try results.value("stageOneDeadFeatures") > 40)
    #expect(try results.value("backboneDeadFeatures") < 5)
    #expect(try results.value("stageOneDeadLabelUnits") == 1)
    #expect(try results.value("stageOneOtherShare") < 0.01)
    // A label unit dead: its digit is never the arg max, about a fifth of the images.
    #expect(try abs(results.value("stageOneAccuracy") - 0.8) < 0.03)
    func row(_ key: String, _ column: String) throws -> Double {
      try results.value("stageOne.\(key).\(column)")
    }
    // The with-head row is the two-stage layer of sections 3 and 5.
    #expect(try row("withHead", "miAUROC") == classifier(results, "twoStage", "miAUROC"))
    #expect(try row("noHead", "accuracy") > 0.99)
    #expect(try row("withHead", "miUnknown") / row("noHead", "miUnknown") > 3)
    #expect(try row("noHead", "nll") / row("withHead", "nll") > 1.5)
    #expect(try row("noHead", "miAUROC") < row("withHead", "miAUROC") - 0.05)
  }

  @Test func notesEstimateSumsOverTheBatchAndItsEntriesAddUpToTheBatchInformation() {
    // Two draws of three images over two classes, by hand.
    let draws = [
      Matrix([[0.9, 0.1], [0.5, 0.5], [0.2, 0.8]]),
      Matrix([[0.7, 0.3], [0.1, 0.9], [0.2, 0.8]]),
    ]
    let notes = Errata.note001BatchSummedDecomposition(classProbabilities: draws)
    #expect(notes.total.count == 2 && notes.epistemic.count == 2)
    func h(_ p: Double) -> Double { p > 0 ? -p * log(p) : 0 }
    for c in 0..<2 {
      let total = (0..<3).reduce(0.0) { $0 + h((draws[0][$1, c] + draws[1][$1, c]) / 2) }
      let aleatoric =
        draws.reduce(0.0) { sum, d in sum + (0..<3).reduce(0.0) { $0 + h(d[$1, c]) } } / 2
      #expect(abs(notes.total[c] - total) < 1e-14)
      #expect(abs(notes.aleatoric[c] - aleatoric) < 1e-14)
      #expect(abs(notes.epistemic[c] - (total - aleatoric)) < 1e-14)
    }
    // Summed over the classes: the images' mutual informations summed.
    let perImage = UncertaintyDecomposition(classProbabilities: draws).epistemic
    #expect(abs(notes.epistemic.reduce(0, +) - perImage.reduce(0, +)) < 1e-14)
    // The third image, the same in both draws, adds nothing to either.
    #expect(perImage[2] < 1e-15)
  }

  @Test func notesEstimateOnTheDigitsGivesOneNumberPerClassAboveLogFive() throws {
    let results = try results()
    #expect(try results.value("notesBatchEntries") == 5)
    #expect(try results.value("notesBatchLargestTotal") > log(5))
    #expect(try results.value("notesBatchSumError") < 1e-9)
  }

  @Test func aValidationMinimumThresholdFlagsNearlyEveryKnownDigitAndAQuantileKeepsItsRate()
    throws
  {
    #expect(Errata.note001OODThreshold(validationScores: [0.3, 0.01, 0.2]) == 0.01)
    let results = try results()
    func row(_ key: String, _ column: String) throws -> Double {
      try results.value("threshold.\(key).\(column)")
    }
    #expect(try results.value("validationCount") == 135)
    #expect(try results.value("evaluationCount") == 135)
    #expect(try row("notesMinimum", "falsePositives") > 0.95)
    #expect(try row("notesMinimum", "detected") == 1)
    #expect(try abs(row("percentile95", "falsePositives") - 0.05) < 0.03)
    #expect(try row("percentile95", "detected") > 0.75)
    #expect(try row("percentile99", "falsePositives") < 0.02)
    // A higher threshold: fewer false positives, fewer detections.
    #expect(try row("percentile99", "threshold") > row("percentile95", "threshold"))
    #expect(try row("percentile99", "detected") < row("percentile95", "detected"))
    #expect(try abs(row("notesPlaceholder", "detected") - 0.5) < 0.05)
  }
}
