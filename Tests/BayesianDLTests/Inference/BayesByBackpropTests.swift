import Foundation
import TestSupport
import Testing

@testable import BayesianDL

/// ``BayesByBackprop``: the minibatch objective rebuilt by hand from its parts, and short
/// training runs on two moons (progress, accuracy, reproducibility).
@Suite struct BayesByBackpropTests {
  /// The closed-form KL of every Bayesian layer of `model` to its prior, by hand.
  static func klOfModel(_ model: MLP) -> Double {
    var total = 0.0
    for case let layer as BayesianDense in model.layers {
      let means = layer.weightMean.value.storage + layer.biasMean.value.storage
      let sds = layer.weightStandardDeviations.storage + layer.biasStandardDeviations.storage
      for k in means.indices {
        total += handKL(
          meanQ: means[k], sdQ: sds[k], meanP: 0, sdP: layer.priorStandardDeviation)
      }
    }
    return total
  }

  @Test(arguments: [1, 3])
  func classificationLossIsNLLPlusWeightedKLPerDatum(samples: Int) {
    var rng = Generator(seed: 131)
    let data = SyntheticData.twoMoons(count: 50, noise: 0.1, using: &rng)
    let model = MLP.bayesian(sizes: [2, 5, 2], initialStandardDeviation: 0.2, using: &rng)
    let batch = data.subset([3, 8, 13, 21, 40])
    let trainer = BayesByBackprop(
      model: model, likelihood: .categorical, klWeight: 0.7, samples: samples)

    var noise = Generator(seed: 132)
    var twin = noise
    let loss = trainer.loss(on: batch, datasetSize: 50, using: &noise)

    // The same weight draws, in the same order, give the logits; the NLL is the mean over
    // draws and examples of −log softmax, written out by hand.
    var nll = 0.0
    for _ in 0..<samples {
      let logits = model.predict(batch.inputs, mode: .sample, using: &twin)
      for i in 0..<5 {
        nll += handCrossEntropy([logits[i, 0], logits[i, 1]], label: batch.targets.labels[i])
      }
    }
    nll /= Double(5 * samples)
    let kl = Self.klOfModel(model)
    expectClose(loss.negativeLogLikelihood, nll, tolerance: 1e-13)
    expectClose(loss.regulariser, 0.7 * kl / 50, tolerance: 1e-13)
    expectClose(loss.total.value.scalarValue, nll + 0.7 * kl / 50, tolerance: 1e-13)
  }

  @Test func regressionLossUsesTheGaussianNegativeLogLikelihood() {
    var rng = Generator(seed: 133)
    let data = SyntheticData.regressionWithGap(count: 30, noise: 0.2, using: &rng)
    let model = MLP.bayesian(sizes: [1, 6, 1], activation: .tanh, using: &rng)
    let sigma = 0.2
    let trainer = BayesByBackprop(
      model: model, likelihood: .gaussian(noiseStandardDeviation: sigma))
    let batch = data.subset(Array(0..<8))
    var noise = Generator(seed: 134)
    var twin = noise
    let loss = trainer.loss(on: batch, datasetSize: 30, using: &noise)
    let f = model.predict(batch.inputs, mode: .sample, using: &twin)
    let nll =
      (0..<8).reduce(0.0) {
        $0 - normalLogDensity(batch.targets.values[$1, 0], mean: f[$1, 0], standardDeviation: sigma)
      } / 8
    expectClose(loss.negativeLogLikelihood, nll, tolerance: 1e-13)
    expectClose(loss.total.value.scalarValue, nll + Self.klOfModel(model) / 30, tolerance: 1e-13)
  }

  @Test func lossGradientsMatchFiniteDifferences() {
    var rng = Generator(seed: 135)
    let data = SyntheticData.twoMoons(count: 20, noise: 0.1, using: &rng)
    let model = MLP.bayesian(
      sizes: [2, 4, 2], activation: .tanh, parameterisation: .softplus,
      initialStandardDeviation: 0.3, using: &rng)
    let trainer = BayesByBackprop(model: model, likelihood: .categorical, klWeight: 0.5, samples: 2)
    let batch = data.subset(Array(0..<6))
    for p in model.parameters { p.zeroGradient() }
    var noise = Generator(seed: 136)
    let loss = trainer.loss(on: batch, datasetSize: 20, using: &noise).total
    loss.tape.backward(from: loss)
    for p in model.parameters {
      let saved = p.value
      let numeric = centralDifference(at: saved, step: 1e-5) { perturbed in
        p.value = perturbed
        var fixed = Generator(seed: 136)
        return trainer.loss(on: batch, datasetSize: 20, using: &fixed).total.value.scalarValue
      }
      p.value = saved
      expectClose(p.gradient, numeric, tolerance: 1e-6, "gradient of \(p.name):")
    }
  }

  static func trainOnTwoMoons(seed: UInt64, epochs: Int) throws -> (
    model: MLP, records: [EpochRecord], data: Dataset
  ) {
    var rng = Generator(seed: seed)
    let data = SyntheticData.twoMoons(count: 200, noise: 0.1, using: &rng)
    let model = MLP.bayesian(sizes: [2, 16, 2], using: &rng)
    let trainer = BayesByBackprop(model: model, likelihood: .categorical)
    var optimiser = Adam(parameters: model.parameters, learningRate: 0.03)
    let records = try trainer.train(
      on: data, epochs: epochs, batchSize: 25, optimiser: &optimiser, using: &rng)
    return (model, records, data)
  }

  @Test func trainingOnTwoMoonsLowersTheLossAndClassifiesWell() throws {
    let (model, records, data) = try Self.trainOnTwoMoons(seed: 137, epochs: 40)
    #expect(records.count == 40)
    #expect(records.map(\.epoch) == Array(1...40))
    #expect(
      records.last!.loss < 0.5 * records.first!.loss,
      "loss \(records.first!.loss) → \(records.last!.loss)")
    var rng = Generator(seed: 138)
    let predictions = model.predict(data.inputs, mode: .mean, using: &rng).argmaxPerRow()
    let correct = zip(predictions, data.targets.labels).filter { $0 == $1 }.count
    let accuracy = Double(correct) / Double(data.count)
    #expect(accuracy > 0.85, "training accuracy \(accuracy)")
  }

  @Test func epochRecordsAverageTheMinibatchParts() throws {
    let (_, records, _) = try Self.trainOnTwoMoons(seed: 139, epochs: 2)
    for r in records {
      expectClose(r.loss, r.negativeLogLikelihood + r.regulariser, tolerance: 1e-12)
      #expect(r.regulariser > 0)
    }
  }

  @Test func sameSeedGivesBitIdenticalParameters() throws {
    let first = try Self.trainOnTwoMoons(seed: 140, epochs: 3)
    let second = try Self.trainOnTwoMoons(seed: 140, epochs: 3)
    #expect(first.model.parameters.map(\.value) == second.model.parameters.map(\.value))
    #expect(first.records.map(\.loss) == second.records.map(\.loss))
    let other = try Self.trainOnTwoMoons(seed: 141, epochs: 3)
    #expect(first.model.parameters.map(\.value) != other.model.parameters.map(\.value))
  }
}
