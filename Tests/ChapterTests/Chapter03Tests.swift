import BayesianDL
import Foundation
import TestSupport
import Weaving
import Testing

/// Chapter 3 run end to end with `--quick` (its robust claims checked on the printed
/// numbers), and the classifier of its section 2 trained at the chapter's full budget
/// through the core, for the claims that need a fully trained network.
@Suite("Chapter 3: Bayes by Backprop", .serialized)
struct Chapter03Tests {
  static let chapter = "03-bayes-by-backprop"
  static let quickRun = ChapterRun.quick(chapter)

  func run() throws -> ChapterRun { try Self.quickRun.get().run }

  @Test func quickRunSucceedsAndWritesEveryFigure() throws {
    let (run, figures) = try Self.quickRun.get()
    try run.expectSuccess(
      Self.chapter, figures: ["training-curves", "entropy-map", "regression-bands"], in: figures)
  }

  @Test func bothGradientEstimatorsAreUnbiasedAndReparameterisationIsQuieter() throws {
    let rows = try run().table(startingWith: "gradient")
    #expect(rows.count == 2)
    for row in rows {
      // gradient, exact, reparam mean, reparam z, score mean, score z, sd ratio
      let reparameterisedZ = try #require(Double(row[3]))
      let scoreZ = try #require(Double(row[5]))
      let ratio = try #require(Double(row[6]))
      #expect(abs(reparameterisedZ) < 4 && abs(scoreZ) < 4, "\(row)")
      #expect(ratio > 2, "\(row)")
    }
  }

  @Test func theELBOGainsFromARisingLikelihoodAndAFallingKL() throws {
    let run = try run()
    #expect(try run.value("fall of the KL over training") > 0)
    #expect(try run.value("rise of E_q[log p(D | w)] over training") > 0)
  }

  @Test func droppingTheKLShrinksTheWeightSpread() throws {
    #expect(try run().value("mean σ, KL = 0 over correct") < 1)
  }

  @Test func theBoundaryIsWhereThePredictiveIsLeastSure() throws {
    let run = try run()
    #expect(try run.value("largest entropy on the grid (log 2 = 0.693)") > 0.69)
    #expect(try run.value("mean entropy on the test points") < 0.4)
  }

  @Test func fourSamplesPerStepCutTheGradientVarianceAboutFourfold() throws {
    let ratio = try run().value("ratio S = 1 over S = 4 (theory: 4)")
    // A ratio of two variance estimates from 80 gradients each: wide, but it excludes
    // "no reduction" (1) and anything like S² (16).
    #expect(ratio > 2 && ratio < 8, "ratio \(ratio)")
  }

  @Test func noteZeroTrainerSumsTheSampleGradientsInsteadOfAveraging() throws {
    #expect(abs(try run().value("gradient norm, note 000's summed S = 4 over averaged") - 4) < 1e-6)
  }

  @Test func theBandWidensWhereTheDataEnd() throws {
    #expect(try run().value("ELBO band: sd beyond |x| = 4 over sd in the data") > 1.5)
    #expect(
      abs(try run().value("noise σ implied by MSE + 0.01·KL/N") - (0.005).squareRoot()) < 1e-3)
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
