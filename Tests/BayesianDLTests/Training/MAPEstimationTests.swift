import Foundation
import TestSupport
import Testing

@testable import BayesianDL

/// ``MAPEstimation``: the objective as negative log-likelihood plus weight decay
/// $\lVert w\rVert^2/(2\sigma_p^2 N)$, by hand, its gradients, and a short training run.
@Suite struct MAPEstimationTests {
  static func squaredNorm(_ model: MLP) -> Double {
    model.parameters.reduce(0) { total, p in total + p.value.storage.reduce(0) { $0 + $1 * $1 } }
  }

  @Test func lossIsNLLPlusWeightDecayByHand() {
    var rng = Generator(seed: 171)
    let data = SyntheticData.twoMoons(count: 30, noise: 0.1, using: &rng)
    let model = MLP(sizes: [2, 5, 2], activation: .tanh, using: &rng)
    let batch = data.subset([0, 5, 9, 17])
    let logits = model.predict(batch.inputs, using: &rng)
    let nll =
      (0..<4).reduce(0.0) {
        $0 + handCrossEntropy([logits[$1, 0], logits[$1, 1]], label: batch.targets.labels[$1])
      } / 4
    let map = MAPEstimation(model: model, likelihood: .categorical, priorStandardDeviation: 0.5)
    let loss = map.loss(on: batch, datasetSize: 30, using: &rng)
    let decay = Self.squaredNorm(model) / (2 * 0.25 * 30)
    expectClose(loss.negativeLogLikelihood, nll, tolerance: 1e-13)
    expectClose(loss.regulariser, decay, tolerance: 1e-13)
    expectClose(loss.total.value.scalarValue, nll + decay, tolerance: 1e-13)

    let ml = MAPEstimation(model: model, likelihood: .categorical, priorStandardDeviation: nil)
    let mlLoss = ml.loss(on: batch, datasetSize: 30, using: &rng)
    #expect(mlLoss.regulariser == 0)
    expectClose(mlLoss.total.value.scalarValue, nll, tolerance: 1e-13)
  }

  @Test func lossGradientsMatchFiniteDifferences() {
    var rng = Generator(seed: 172)
    let data = SyntheticData.regressionWithGap(count: 12, noise: 0.1, using: &rng)
    let model = MLP(sizes: [1, 4, 1], activation: .tanh, using: &rng)
    let map = MAPEstimation(
      model: model, likelihood: .gaussian(noiseStandardDeviation: 0.3), priorStandardDeviation: 1.5)
    let batch = data.subset(Array(0..<6))
    expectParameterGradientsMatchFiniteDifferences(model.parameters) { _ in
      // The objective records on a tape of its own.
      var unused = Generator(seed: 0)
      return map.loss(on: batch, datasetSize: 12, using: &unused).total
    }
  }

  @Test func trainingReducesTheRegressionLoss() throws {
    var rng = Generator(seed: 173)
    let data = SyntheticData.regressionWithGap(count: 64, noise: 0.1, using: &rng)
    let model = MLP(sizes: [1, 16, 1], activation: .tanh, using: &rng)
    let map = MAPEstimation(
      model: model, likelihood: .gaussian(noiseStandardDeviation: 0.1), priorStandardDeviation: 3)
    var optimiser = Adam(parameters: model.parameters, learningRate: 0.02)
    let records = try map.train(
      on: data, epochs: 500, batchSize: 16, optimiser: &optimiser, using: &rng)
    #expect(records.count == 500)
    #expect(
      records.last!.loss < 0.5 * records.first!.loss,
      "\(records.first!.loss) → \(records.last!.loss)")
    // The fitted mean explains most of the variance of y: R² = 1 − SS_res/SS_tot > 0.9.
    let y = data.targets.values.storage
    let f = model.predict(data.inputs, using: &rng).storage
    let mean = y.reduce(0, +) / Double(y.count)
    let total = y.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
    let residual = zip(y, f).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
    #expect(1 - residual / total > 0.9, "R² = \(1 - residual / total)")
  }
}
