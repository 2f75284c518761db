import BayesianDL
import Foundation
import TestSupport
import Weaving
import Testing

/// Chapter 7 run end to end at its full budget (its claims are about trained models on
/// the digits, averaged over seeds) and with `--quick`; each claim of the prose checked
/// on the printed numbers.
@Suite("Chapter 7: calibration", .serialized)
struct Chapter07Tests {
  static let chapter = "07-calibration"
  static let fullRun = ChapterRun.full(chapter)
  static let models = ["MAP network", "MC dropout", "deep ensemble", "Bayes by Backprop"]

  func run() throws -> ChapterRun { try Self.fullRun.get().run }

  @Test func fullRunSucceedsAndWritesEveryFigure() throws {
    let (run, figures) = try Self.fullRun.get()
    try run.expectSuccess(Self.chapter, figures: ["reliability", "coverage"], in: figures)
  }

  @Test func quickRunSucceedsAndWritesEveryFigure() throws {
    let (run, figures) = try ChapterRun.quick(Self.chapter).get()
    try run.expectSuccess(Self.chapter, figures: ["reliability", "coverage"], in: figures)
  }

  @Test func aCalibratedPopulationsECEShrinksAndAnOverconfidentOneTendsToOneSixth() throws {
    let run = try run()
    #expect(try run.value("calibrated population, ECE at the largest n") < 0.01)
    let overconfident = try run.value(
      "over-confident population, ECE at the largest n (limit 1/6)")
    #expect(abs(overconfident - 1.0 / 6) < 0.01)
    let rows = run.table(startingWith: "predictions")
    let calibrated = try rows.map { try #require(Double($0[1])) }
    #expect(calibrated == calibrated.sorted(by: >), "ECE should fall with n: \(calibrated)")
  }

  /// The mean over seeds of one score of the digits table, for `model` before
  /// temperature scaling or after (its "+ T" row).
  func score(_ run: ChapterRun, _ model: String, _ name: String, scaled: Bool) throws -> Double {
    let rows = run.table(startingWith: "model")
    let wanted = scaled ? model + " + T" : model
    let row = try #require(
      rows.first { cells in
        cells.prefix { Double($0) == nil }.joined(separator: " ") == wanted
      }, "no row \(wanted)")
    // Cells after the name: "mean ± sd" per score, in the order of the header.
    let means = row.drop { Double($0) == nil }.filter { $0 != "±" }.compactMap(Double.init)
      .enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
    let names = ["accuracy", "NLL", "Brier", "ECE", "MCE", "adaptive ECE"]
    return means[try #require(names.firstIndex(of: name))]
  }

  @Test func temperatureScalingKeepsTheAccuracyAndLowersEveryModelsNLL() throws {
    let run = try run()
    #expect(try run.value("largest change of accuracy by temperature scaling") == 0)
    for model in Self.models {
      #expect(
        try score(run, model, "NLL", scaled: true) < score(run, model, "NLL", scaled: false),
        "\(model)")
    }
  }

  @Test func theBayesianApproximationsAreUnderConfidentAndTheMAPNetworkNearlyCalibrated()
    throws
  {
    let run = try run()
    #expect(abs(try run.value("fitted T, MAP network") - 1) < 0.15)
    for model in Self.models.dropFirst() {
      #expect(try run.value("fitted T, \(model)") < 1, "\(model)")
      #expect(try score(run, model, "ECE", scaled: true) < score(run, model, "ECE", scaled: false))
    }
    for model in Self.models {
      let after = try score(run, model, "ECE", scaled: true)
      #expect(after > 0.005 && after < 0.03, "\(model): \(after)")
    }
  }

  @Test func theTwoArgmaxesOfNote000RarelyDifferOnTheDigits() throws {
    let run = try run()
    #expect(
      try run.value("test predictions where the two argmaxes differ, per seed (of 359)") <= 5)
  }

  @Test func onlyTheHeteroscedasticEnsemblesIntervalsHoldWhatTheyPromise() throws {
    let run = try run()
    let heteroscedastic = try run.value("mean |coverage − nominal|, heteroscedastic ensemble")
    let homoscedastic = try run.value("mean |coverage − nominal|, homoscedastic ensemble")
    let spreadOnly = try run.value("mean |coverage − nominal|, spread of means only (note 003)")
    #expect(heteroscedastic < 0.03)
    #expect(heteroscedastic < homoscedastic && homoscedastic < spreadOnly)
    let rows = run.table(startingWith: "predictive")
    let note003 = try #require(rows.first { $0.joined(separator: " ").contains("note 003") })
    #expect(try #require(Double(note003[note003.count - 3])) < 0.5)  // its 90 % interval
  }
}
