import Foundation
import TestSupport
import Testing

@testable import BayesianDL

/// Training stops with a ``NonFiniteError`` that names the step and the quantity, at
/// the first NaN or infinity, instead of crashing or carrying on.
@Suite struct TrainingGuardTests {
  /// Runs `body`, which must throw a ``NonFiniteError``, and returns that error.
  static func nonFiniteError(
    sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
  ) -> NonFiniteError? {
    do {
      try body()
      Issue.record("no error was thrown", sourceLocation: sourceLocation)
    } catch let error as NonFiniteError {
      return error
    } catch {
      Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
    }
    return nil
  }

  @Test func aNaNLossThrowsNamingTheStepAndTheLoss() throws {
    let error = try #require(Self.nonFiniteError { try TrainingGuard.check(.nan, "loss", step: 7) })
    #expect(error.step == 7)
    #expect(error.quantity == "loss")
    #expect(error.value.isNaN)
    #expect(error.description.contains("step 7"))
    #expect(error.description.contains("loss"))
  }

  @Test func infiniteValuesThrowAndFiniteValuesDoNot() throws {
    #expect(throws: NonFiniteError(step: 1, quantity: "loss", value: .infinity)) {
      try TrainingGuard.check(.infinity, "loss", step: 1)
    }
    #expect(throws: NonFiniteError(step: 2, quantity: "kl", value: -.infinity)) {
      try TrainingGuard.check(-.infinity, "kl", step: 2)
    }
    try TrainingGuard.check(1e308, "loss", step: 3)
    try TrainingGuard.check(-0.0, "loss", step: 3)
  }

  @Test func aNaNGradientNamesTheFirstBadParameter() throws {
    let good = Parameter("layer1.weightMean", Matrix([[1, 2]]))
    let bad = Parameter("layer2.weightScale", Matrix([[1, 2, 3]]))
    let alsoBad = Parameter("layer3.biasMean", Matrix([[1]]))
    good.gradient = Matrix([[0.5, -1]])
    bad.gradient = Matrix([[0, .nan, 1]])
    alsoBad.gradient = Matrix([[.infinity]])
    let error = try #require(
      Self.nonFiniteError { try TrainingGuard.checkGradients(of: [good, bad, alsoBad], step: 12) })
    #expect(error.step == 12)
    #expect(error.quantity == "gradient of layer2.weightScale")
    #expect(error.value.isNaN)
    try TrainingGuard.checkGradients(of: [good], step: 13)
  }

  @Test func aNaNGradientDuringTrainingStopsTheLoopAtThatStep() throws {
    // L = √(w²) is finite (0) at w = 0, but its tape gradient is (1/2√0)·2·0 = ∞·0 = NaN.
    let w = Parameter("w", Matrix.scalar(0))
    let data = Dataset(inputs: Matrix([[1], [2]]), targets: .classes([0, 0]))
    var optimiser = SGD(parameters: [w], learningRate: 0.1)
    var rng = Generator(seed: 121)
    let error = try #require(
      Self.nonFiniteError {
        _ = try TrainingLoop.run(
          on: data, epochs: 3, batchSize: 2, optimiser: &optimiser, using: &rng
        ) { _, _ in
          let tape = Tape()
          let loss = sqrt(square(tape.parameter(w))).sum()
          return MinibatchLoss(total: loss, negativeLogLikelihood: 0, regulariser: 0)
        }
      })
    #expect(error.step == 1)
    #expect(error.quantity == "gradient of w")
  }

  static func twoMoonsModel(seed: UInt64) -> (Dataset, BayesByBackprop) {
    var rng = Generator(seed: seed)
    let data = SyntheticData.twoMoons(count: 40, noise: 0.1, using: &rng)
    let model = MLP.bayesian(sizes: [2, 8, 2], using: &rng)
    return (data, BayesByBackprop(model: model, likelihood: .categorical))
  }

  @Test func aHugeLearningRateStopsTrainingAtTheSecondStep() throws {
    // One batch per epoch, so step = epoch. Step 1 starts from the finite initial network;
    // its update moves every mean by ~1e300 · gradient, so at step 2 the KL term (which
    // has μ²) overflows and the loss is not finite.
    let (data, trainer) = Self.twoMoonsModel(seed: 122)
    var optimiser = SGD(parameters: trainer.model.parameters, learningRate: 1e300)
    var rng = Generator(seed: 123)
    var epochsFinished = 0
    let error = try #require(
      Self.nonFiniteError {
        try trainer.train(
          on: data, epochs: 5, batchSize: data.count, optimiser: &optimiser, using: &rng
        ) { _ in epochsFinished += 1 }
      })
    #expect(error.step == 2)
    #expect(error.quantity.hasPrefix("loss"))
    #expect(epochsFinished == 1)
  }

  @Test func nanInputDataStopsTrainingAtTheFirstStep() throws {
    var (data, trainer) = Self.twoMoonsModel(seed: 124)
    data.inputs[17, 1] = .nan
    var optimiser = Adam(parameters: trainer.model.parameters, learningRate: 0.01)
    var rng = Generator(seed: 125)
    let before = trainer.model.parameters.map(\.value)
    let error = try #require(
      Self.nonFiniteError {
        try trainer.train(
          on: data, epochs: 2, batchSize: data.count, optimiser: &optimiser, using: &rng)
      })
    #expect(error.step == 1)
    #expect(error.quantity.hasPrefix("loss"))
    #expect(error.value.isNaN)
    #expect(trainer.model.parameters.map(\.value) == before, "no update after the error")
  }
}
