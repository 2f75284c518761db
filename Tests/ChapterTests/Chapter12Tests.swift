import BayesianDL
import Foundation
import TestSupport
import Weaving
import Testing

/// Chapter 12 at its full budget and with `--quick`: every claim the prose makes about
/// the MC-dropout table, the AUROCs and the sampled generations, read from the values
/// the full run recorded (`results.json`).
@Suite("Chapter 12: sequence uncertainty", .serialized)
struct Chapter12Tests {
  static let chapter = "12-sequence-uncertainty"
  static let fullRun = ChapterRun.full(chapter)
  static let figureNames = ["heat-strips", "log-probabilities"]
  /// The foreign sets' keys in `results.json`.
  static let foreignSets = ["random", "reversed", "russian", "digits"]

  func results() throws -> RecordedResults {
    try ChapterRun.results(in: Self.fullRun.get().figures)
  }

  /// AUROC of (surprisal, total entropy, expected entropy, mutual information) for a set.
  func auroc(_ results: RecordedResults, _ set: String) throws -> [Double] {
    try ["surprisal", "totalEntropy", "expectedEntropy", "mutualInformation"].map {
      try results.value("auroc.\($0).\(set)")
    }
  }

  /// (strings, surprisal, total, expected, mutual information) for a set.
  func uncertainty(_ results: RecordedResults, _ set: String) throws -> [Double] {
    try ["strings", "surprisal", "totalEntropy", "expectedEntropy", "mutualInformation"].map {
      try results.value("\($0).\(set)")
    }
  }

  /// The generation table's numbers for a prompt: distinct, modal share, note's
  /// disagreement, log p mean, log p sd, note's score, entropy, its se.
  func generation(_ results: RecordedResults, _ prompt: String) throws -> [Double] {
    try [
      "distinct", "modalShare", "noteDisagreement", "logPMean", "logPSD", "noteScore", "entropy",
      "entropySE",
    ].map { try results.value("\($0).\(prompt)") }
  }

  @Test func fullRunSucceedsAndWritesTheFigures() throws {
    let (run, figures) = try Self.fullRun.get()
    try run.expectSuccess(Self.chapter, figures: Self.figureNames, in: figures)
    let parameters = try results().value("parameters")
    #expect(parameters > 5_000 && parameters < 50_000)
  }

  @Test func everyClaimHoldsAtTheFullBudgetAndThereAreAtLeastEight() throws {
    try results().expectClaimsHold(budget: "full")
  }

  /// Under `--quick` the model is barely trained, so only the claims that hold at any
  /// budget must hold (the run fails otherwise); they are checked here by name.
  @Test func quickRunSucceedsAndWritesTheFigures() throws {
    let (run, figures) = try ChapterRun.quick(Self.chapter).get()
    try run.expectSuccess(Self.chapter, figures: Self.figureNames, in: figures)
    let results = try ChapterRun.results(in: figures)
    #expect(results.budget == "quick")
    for prefix in [
      "This chapter trains", "The note's \"disagreement\" column",
      "For \"questio\" the shifted logits", "In eval mode the passes",
      "Note 000's Transformer layer gives no MC dropout",
    ] {
      #expect(try results.claim(startingWith: prefix).holds, "\(prefix)…")
    }
  }

  @Test func theModelLearnsSpellingWithoutMemorising() throws {
    let results = try results()
    let heldOut = try results.value("heldOutLoss")
    #expect(heldOut < 2.3 && heldOut > 1.8, "about 2.2 nats per token")
    #expect(heldOut < log(37.0) - 1, "far better than guessing")
    // Both without dropout: held-out words cost hardly more than the training words.
    let trainWords = try results.value("trainWordsLoss")
    #expect(abs(heldOut - trainWords) < 0.05)
    #expect(try abs(results.value("lossGap") - (heldOut - trainWords)) < 1e-5)
    // The training loop's loss (dropout on) is above both.
    #expect(try results.value("trainingLoss") > max(heldOut, trainWords))
  }

  @Test func surprisalRisesAwayFromEnglishWhileTheEntropyHardlyMoves() throws {
    let results = try results()
    let english = try uncertainty(results, "english")
    #expect(abs(english[1] - 2.2) < 0.15)
    let reversed = try uncertainty(results, "reversed")
    let russian = try uncertainty(results, "russian")
    let random = try uncertainty(results, "random")
    let digits = try uncertainty(results, "digits")
    for s in [reversed, russian] { #expect(abs(s[1] - 3.1) < 0.2, "about 3.1 nats") }
    #expect(abs(random[1] - 4.8) < 0.3)
    #expect(digits[1] > 9)
    // Total entropy within about 0.25 nats of English everywhere; lower on random letters.
    for s in [reversed, russian, random, digits] { #expect(abs(s[2] - english[2]) < 0.3) }
    #expect(random[2] < english[2])
    // Expected entropy is nearly all of the total; mutual information a few hundredths.
    for s in [english, reversed, russian, random, digits] {
      #expect(s[3] / s[2] > 0.97)
      #expect(s[4] > 0.01 && s[4] < 0.06)
    }
    #expect(random[4] / english[4] > 1.1 && random[4] / english[4] < 1.45, "about a quarter")
    #expect(digits[4] / english[4] > 1.5 && digits[4] / english[4] < 1.9, "about 70 %")
    #expect(abs(russian[4] / english[4] - 1) < 0.1, "not at all on Russian")
  }

  /// Note 000's layer after `model.eval()`: every pass the same, no mutual information.
  @Test func theNotesLayerInEvalModeGivesIdenticalPasses() throws {
    let results = try results()
    #expect(try results.value("evalModeDifference") == 0)
    #expect(try results.value("dropoutDifference") > 0.01)
    #expect(try results.value("evalModeLargestInformation") < 1e-12)
    #expect(try results.value("evalModeStrings") > 1_000)
  }

  @Test func surprisalDetectsEverySetAndMutualInformationOnlyTheFarOnes() throws {
    let results = try results()
    for set in Self.foreignSets {
      let a = try auroc(results, set)
      #expect(a[0] >= 0.9, "surprisal detects \(set)")
      #expect(a[0] == a.max(), "surprisal is the best score for \(set)")
    }
    #expect(try auroc(results, "digits")[3] > 0.9)
    #expect(try abs(auroc(results, "random")[3] - 0.79) < 0.06)
    #expect(try abs(auroc(results, "russian")[3] - 0.5) < 0.1, "chance")
    let random = try auroc(results, "random")
    #expect(random[1] < 0.45 && random[2] < 0.45, "the entropies point the wrong way")
  }

  @Test func longEnglishPromptsAgreeAndTheNotesStatisticsAreWrong() throws {
    let results = try results()
    let prompts = ["questio", "beautif", "thr", "xqz", "77"]
    let rows = try prompts.map { try generation(results, $0) }
    let (questio, thr, xqz) = (rows[0], rows[2], rows[3])
    #expect(questio[0] <= 0.5 && questio[1] >= 0.3, "few distinct completions of questio")
    #expect(thr[0] >= 0.9, "after thr nearly every sample differs")
    #expect(xqz[0] <= thr[0] && xqz[1] >= thr[1], "xqz gets no less agreement than thr")
    #expect(questio[3] > -3 && questio[3] > xqz[3] && rows[1][3] > xqz[3])
    for row in rows {
      // The note's "disagreement" is exactly 1 − the distinct fraction.
      #expect(abs(row[2] - (1 - row[0])) < 0.011)
      // Its score is a positive loss where a log-probability is negative.
      #expect(row[5] > 1.5 && row[5] < 4 && row[3] < 0)
      // Nucleus samples' mean −log p falls below the entropy by more than its error.
      #expect(-row[3] < row[6] - 3 * row[7])
    }
    // The quoted range of the note's score is the smallest and largest prompt mean.
    #expect(try results.value("smallestNoteScore") == rows.map { $0[5] }.min()!)
    #expect(try results.value("largestNoteScore") == rows.map { $0[5] }.max()!)
    // The note's compute_log_prob: 7 rows of shifted logits for "questio" (8 tokens with the
    // start token) against more labels in every sample.
    #expect(try results.value("questioLogitRows") == 7)
    #expect(try results.value("questioFewestLabels") > 7)
    #expect(try results.value("shortestCompletion") >= 1)
    let misordered = try results.value("misorderedShare")
    #expect(misordered > 0.4 && misordered < 0.5, "barely better than a coin")
  }
}
