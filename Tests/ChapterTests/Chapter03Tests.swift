import BayesianDL
import Foundation
import TestSupport
import Weaving
import Testing

/// Chapter 3 run end to end with `--quick` (its robust claims checked on the values it
/// recorded in `results.json`), and the classifier of its section 2 trained at the
/// chapter's full budget through the core, for the claims that need a fully trained
/// network.
@Suite("Chapter 3: Bayes by Backprop", .serialized)
struct Chapter03Tests {
  static let chapter = "03-bayes-by-backprop"
  static let quickRun = ChapterRun.quick(chapter)

  func results() throws -> RecordedResults {
    try ChapterRun.results(in: Self.quickRun.get().figures)
  }

  @Test func quickRunSucceedsAndWritesEveryFigure() throws {
    let (run, figures) = try Self.quickRun.get()
    try run.expectSuccess(
      Self.chapter, figures: ["training-curves", "entropy-map", "regression-bands"], in: figures)
  }

  /// The claims about trained networks that the quick budget's fifteen epochs do not
  /// reach: every statement about converged fits, and what they score (the full run,
  /// whose results.json is committed, checks them).
  static let fullBudgetOnly = [
    "Weighting the KL by $1/|B|$", "Note 003's band of $f$", "Both runs with a KL have converged",
    "Converged, the two weightings", "The softplus run has converged too",
    "and it reaches the same fit", "The mixture-prior run classifies", "but it has not converged",
    "The error is large for", "The mean network's training RMSE",
    "In the gap between the two clusters", "Over the last quarter of training",
  ]

  @Test func everyClaimHoldsAtTheQuickBudgetButTheFullBudgetOnesAndThereAreAtLeastEight() throws {
    try results().expectClaimsHold(budget: "quick", fullBudgetOnly: Self.fullBudgetOnly)
  }

  @Test func everyClaimOfTheCommittedFullRunHolds() throws {
    let committed = try RecordedResults.committed(Self.chapter)
    committed.expectClaimsHold(budget: "full")
    #expect(committed.claims.count == (try results().claims.count))
  }

  @Test func bothGradientEstimatorsAreUnbiasedAndReparameterisationIsQuieter() throws {
    let results = try results()
    #expect(try results.value("gradientRowCount") == 2)
    for k in 0..<2 {
      let reparameterisedZ = try results.value("reparameterisedZ\(k)")
      let scoreZ = try results.value("scoreZ\(k)")
      let ratio = try results.value("sdRatio\(k)")
      #expect(abs(reparameterisedZ) < 4 && abs(scoreZ) < 4, "row \(k)")
      #expect(ratio > 2, "row \(k)")
    }
  }

  @Test func theELBOGainsFromARisingLikelihoodAndAFallingKL() throws {
    let results = try results()
    #expect(try results.value("klFall") > 0)
    #expect(try results.value("likelihoodRise") > 0)
  }

  @Test func withoutTheKLTheWeightSpreadStaysAtItsStart() throws {
    #expect(try results().value("sigmaRatioNoKL") < 1)
    let sigma = try results().value("noKLSigma")
    #expect(sigma > 0.045 && sigma <= 0.05, "σ \(sigma)")
  }

  /// The full run's fits: the runs with a Gaussian prior have converged (and the note's
  /// budget has not), and the σ comparisons are read from converged fits only.
  @Test func theCommittedRunsConvergedAndTheNotesBudgetDidNot() throws {
    let committed = try RecordedResults.committed(Self.chapter)
    for run in ["correct", "perBatch", "softplus"] {
      #expect(abs(try committed.value("\(run).elboShare")) < 1, "\(run)")
      #expect(try committed.value("\(run).sigmaChange") < 0.5, "\(run)")
    }
    #expect(try committed.value("noteRun.elboShare") > 5)
    #expect(try committed.value("noteRunSigma") <= 1.01 * (try committed.value("sigmaCeiling")))
    #expect(try committed.value("mixture.sigmaChange") > 0.5)
  }

  @Test func theBoundaryIsWhereThePredictiveIsLeastSure() throws {
    let results = try results()
    #expect(try results.value("largestGridEntropy") > 0.69)
    #expect(try results.value("meanTestEntropy") < 0.4)
  }

  @Test func fourSamplesPerStepCutTheGradientVarianceAboutFourfold() throws {
    let ratio = try results().value("varianceRatio")
    // A ratio of two variance estimates from 80 gradients each: wide, but it excludes
    // "no reduction" (1) and anything like S² (16).
    #expect(ratio > 2 && ratio < 8, "ratio \(ratio)")
  }

  /// The committed run's 2000 gradients each put the ratio within two standard errors of 4.
  @Test func theCommittedVarianceRatioIsWithinTwoStandardErrorsOfFour() throws {
    let committed = try RecordedResults.committed(Self.chapter)
    let ratio = try committed.value("varianceRatio")
    #expect(abs(ratio - 4) < 2 * (try committed.value("varianceRatioSE")), "ratio \(ratio)")
  }

  @Test func noteZeroTrainerSumsTheSampleGradientsInsteadOfAveraging() throws {
    #expect(abs(try results().value("summedOverAveraged") - 4) < 1e-6)
  }

  /// Adam cancels the factor S of note 000's summed gradient; its clip at 1 does not.
  @Test func adamIgnoresTheSumButTheClipBitesSooner() throws {
    let results = try results()
    #expect(try results.value("adamGap") < 1e-3)
    #expect(try results.value("summedClippedShare") > (try results.value("averagedClippedShare")))
    #expect(try results.value("clipGap") > 10 * (try results.value("adamGap")))
  }

  /// Note 000's MeanFieldVI objective (summed cross-entropy + the whole KL) has |B| times
  /// the gradient of the per-batch objective.
  @Test func meanFieldVIWeightsTheKLByTheBatchSizeToo() throws {
    #expect(try results().value("meanFieldVIGap") < 1e-9)
  }

  /// The committed regression fits of section 6 have flattened (the last quarter moved
  /// each objective by under 1 %, the second half the ELBO fit's by over 10 %), and the
  /// converged mean-field band widens in the gap and holds the truth there.
  @Test func theCommittedRegressionFitsHaveFlattened() throws {
    let committed = try RecordedResults.committed(Self.chapter)
    #expect(abs(try committed.value("elboFallLastQuarter")) < 1)
    #expect(try committed.value("elboFallSecondHalf") > 10)
    #expect(abs(try committed.value("recipeFallLastQuarter")) < 1)
    #expect(try committed.value("elboGapOverData") > 1.5)
    #expect(try committed.value("elboTruthOutsideInGap") < 5)
    #expect(abs(try committed.value("elboCoverage") - 0.95) < 0.05)
  }

  @Test func theBandWidensWhereTheDataEnd() throws {
    #expect(try results().value("elboBandRatio") > 1.5)
    #expect(abs(try results().value("impliedNoise") - (0.005).squareRoot()) < 1e-3)
  }

  /// Section 2 at full budget: note 000's network and optimiser, the correct objective
  /// against the KL divided by the batch size.
  @Test func correctObjectiveReachesNinetySevenPercentAndBeatsPerBatchKL() throws {
    var rng = Generator(seed: 1)
    let train = SyntheticData.twoMoons(count: 1000, noise: 0.1, using: &rng)
    let test = SyntheticData.twoMoons(count: 1000, noise: 0.1, using: &rng)
    func scores(beta: Double) throws -> (accuracy: Double, nll: Double) {
      var local = rng.fork()
      let model = MLP.bayesian(sizes: [2, 64, 64, 2], using: &local)
      var adam = Adam(parameters: model.parameters, learningRate: 1e-3)
      try BayesByBackprop(model: model, likelihood: .categorical, klWeight: beta)
        .train(on: train, epochs: 100, batchSize: 64, optimiser: &adam, using: &local)
      let p = MonteCarloPredictive.probabilities(
        of: model, at: test.inputs, samples: 100, using: &local
      )
      .mean
      return (
        ClassificationMetrics.accuracy(p, labels: test.targets.labels),
        ClassificationMetrics.negativeLogLikelihood(p, labels: test.targets.labels)
      )
    }
    let correct = try scores(beta: 1)
    let perBatch = try scores(beta: 1000.0 / 64)
    #expect(correct.accuracy >= 0.97, "accuracy \(correct.accuracy)")
    #expect(perBatch.nll > 1.5 * correct.nll, "NLL \(perBatch.nll) vs \(correct.nll)")
    #expect(perBatch.accuracy < correct.accuracy)
  }
}
