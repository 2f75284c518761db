import BayesianDL
import Foundation
import TestSupport
import Weaving
import Testing

/// Chapter 7 run end to end at its full budget (its claims are about trained models on
/// the digits, averaged over seeds) and with `--quick`; each claim of the prose checked
/// on the values the full run recorded (`results.json`).
@Suite("Chapter 7: calibration", .serialized)
struct Chapter07Tests {
  static let chapter = "07-calibration"
  static let fullRun = ChapterRun.full(chapter)
  /// The models' keys in `results.json`: MAP network, MC dropout, deep ensemble, Bayes by
  /// Backprop.
  static let models = ["map", "dropout", "ensemble", "bbb"]

  func results() throws -> RecordedResults {
    try ChapterRun.results(in: Self.fullRun.get().figures)
  }

  @Test func fullRunSucceedsAndWritesEveryFigure() throws {
    let (run, figures) = try Self.fullRun.get()
    try run.expectSuccess(
      Self.chapter, figures: ["reliability", "coverage", "coverage-regions"], in: figures)
  }

  @Test func everyClaimHoldsAtTheFullBudgetAndThereAreAtLeastEight() throws {
    try results().expectClaimsHold(budget: "full")
  }

  /// Under `--quick` the models are barely trained, so only the claims that hold at any
  /// budget must hold (the run fails otherwise); the identity is checked here by name.
  @Test func quickRunSucceedsAndWritesEveryFigure() throws {
    let (run, figures) = try ChapterRun.quick(Self.chapter).get()
    try run.expectSuccess(
      Self.chapter, figures: ["reliability", "coverage", "coverage-regions"], in: figures)
    let results = try ChapterRun.results(in: figures)
    #expect(results.budget == "quick")
    #expect(try results.claim(startingWith: "Temperature scaling never changes").holds)
  }

  @Test func aCalibratedPopulationsECEShrinksAndAnOverconfidentOneTendsToOneSixth() throws {
    let results = try results()
    #expect(try results.value("calibratedECELargest") < 0.01)
    let overconfident = try results.value("overconfidentECELargest")
    #expect(abs(overconfident - 1.0 / 6) < 0.01)
    let calibrated = try [1_000, 10_000, 100_000].map {
      try results.value("calibratedECE.n\($0)")
    }
    #expect(calibrated == calibrated.sorted(by: >), "ECE should fall with n: \(calibrated)")
  }

  /// The reliability figure's fourth row: the bins of one or two predictions, whose gaps
  /// set the MCE, carry less than half of any of the eight diagrams' ECE.
  @Test func nearlyEmptyBinsCarryLessThanHalfOfEveryECE() throws {
    let share = try results().value("nearlyEmptyECEShare")
    #expect(share > 0 && share < 0.5)
  }

  /// The mean over seeds of one score of the digits table, for `model` before
  /// temperature scaling or after.
  func score(_ results: RecordedResults, _ model: String, _ name: String, scaled: Bool) throws
    -> Double
  {
    try results.value("\(name).\(model)" + (scaled ? ".scaled" : ""))
  }

  @Test func temperatureScalingKeepsTheAccuracyAndLowersEveryModelsNLL() throws {
    let results = try results()
    #expect(try results.value("largestAccuracyChange") == 0)
    for model in Self.models {
      #expect(
        try score(results, model, "nll", scaled: true)
          < score(results, model, "nll", scaled: false),
        "\(model)")
    }
  }

  @Test func theBayesianApproximationsAreUnderConfidentAndTheMAPNetworkNearlyCalibrated()
    throws
  {
    let results = try results()
    #expect(abs(try results.value("temperature.map") - 1) < 0.15)
    for model in Self.models.dropFirst() {
      #expect(try results.value("temperature.\(model)") < 1, "\(model)")
      #expect(
        try score(results, model, "ece", scaled: true)
          < score(results, model, "ece", scaled: false))
    }
    for model in Self.models {
      let after = try score(results, model, "ece", scaled: true)
      #expect(after > 0.005 && after < 0.03, "\(model): \(after)")
    }
  }

  /// Over three seeds the ensemble's temperature is clearly below 1 but within two
  /// standard errors of the MAP network's.
  @Test func theEnsemblesTemperatureCannotBeToldApartFromTheMAPNetworks() throws {
    let results = try results()
    #expect(try results.value("ensembleTBelowOne") > 3)
    let (gap, gapSE) = (try results.value("temperatureGap"), try results.value("temperatureGapSE"))
    #expect(abs(gap) < 2 * gapSE)
  }

  /// The MCE is set by bins with a handful of the 359 test predictions, while most of
  /// them sit in the top bin.
  @Test func theMCEIsTheGapOfANearlyEmptyBin() throws {
    let results = try results()
    let testSize = try results.value("testSize")
    #expect(try results.value("mceBinSizeLargest") < 0.05 * testSize)
    #expect(try results.value("topBinShareSmallest") > 0.5)
    #expect(try results.value("smallestMCEOverECE") > 5)
    for model in Self.models {
      let classwise = try score(results, model, "classwiseECE", scaled: false)
      let topLabel = try score(results, model, "ece", scaled: false)
      #expect(classwise > 0 && classwise < topLabel, "\(model)")
    }
  }

  /// By halves of $x$ the homoscedastic ensemble over-covers where the noise is low and
  /// under-covers where it is high; the heteroscedastic one holds in both.
  @Test func coverageByRegionShowsWhatTheAverageHides() throws {
    let results = try results()
    #expect(try results.value("homoscedastic.coverage90Quiet") > 0.95)
    #expect(try results.value("homoscedastic.coverage90Noisy") < 0.85)
    for half in ["Quiet", "Noisy"] {
      let covered = try results.value("heteroscedastic.coverage90\(half)")
      #expect(abs(covered - 0.9) < 0.05)
      #expect(try results.value("heteroscedastic.coverageError\(half)") < 0.04)
    }
  }

  @Test func theTwoArgmaxesOfNote000RarelyDifferOnTheDigits() throws {
    let results = try results()
    #expect(try results.value("testSize") == 359)
    #expect(try results.value("argmaxDisagreements") <= 5)
  }

  @Test func onlyTheHeteroscedasticEnsemblesIntervalsHoldWhatTheyPromise() throws {
    let results = try results()
    let heteroscedastic = try results.value("coverageError.heteroscedastic")
    let homoscedastic = try results.value("coverageError.homoscedastic")
    let spreadOnly = try results.value("coverageError.meansOnly")
    #expect(heteroscedastic < 0.03)
    #expect(heteroscedastic < homoscedastic && homoscedastic < spreadOnly)
    #expect(try results.value("coverage90.meansOnly") < 0.5)  // note 003's 90 % interval
  }
}
