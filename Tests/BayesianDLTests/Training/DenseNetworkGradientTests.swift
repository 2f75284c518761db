import Foundation
import Testing

@testable import BayesianDL

/// `DenseNetworkGradient`, ``MAPEstimation``'s tape-free step: its objective, its
/// gradients and its draws must be the tape's, bit for bit, on every likelihood,
/// activation, layer pattern, prior and batch size it accepts; a whole training run
/// through it must end on the tape's weights.
@Suite struct DenseNetworkGradientTests {
  /// A network layout the evaluator accepts.
  enum Layout: CaseIterable {
    /// Dense layers only.
    case plain
    /// Two hidden layers.
    case deep
    /// Dropout on the inputs of every weight layer after the first (`MLP(dropout:)`).
    case hiddenDropout
    /// Dropout on the inputs of every weight layer, the first included (Gal & Ghahramani).
    case inputDropout
    /// A dropout layer of rate 0 (the identity) and a dropout after the last layer.
    case zeroAndTrailingDropout

    func network(inputs: Int, outputs: Int, activation: Activation, using rng: inout Generator)
      -> MLP
    {
      switch self {
      case .plain:
        return MLP(sizes: [inputs, 6, outputs], activation: activation, using: &rng)
      case .deep:
        return MLP(sizes: [inputs, 7, 5, outputs], activation: activation, using: &rng)
      case .hiddenDropout:
        return MLP(
          sizes: [inputs, 6, 5, outputs], activation: activation, dropout: 0.3, using: &rng)
      case .inputDropout:
        return MLP(
          layers: [
            Dropout(width: inputs, rate: 0.2),
            Dense(inputs: inputs, outputs: 6, using: &rng),
            Dropout(width: 6, rate: 0.5),
            Dense(inputs: 6, outputs: outputs, using: &rng),
          ], activation: activation)
      case .zeroAndTrailingDropout:
        return MLP(
          layers: [
            Dense(inputs: inputs, outputs: 6, using: &rng),
            Dropout(width: 6, rate: 0),
            Dense(inputs: 6, outputs: outputs, using: &rng),
            Dropout(width: outputs, rate: 0.25),
          ], activation: activation)
      }
    }
  }

  /// A dataset of 3 inputs with targets for `likelihood` and a network of `outputs`.
  static func data(
    for likelihood: Likelihood, outputs: Int, count: Int, using rng: inout Generator
  ) -> Dataset {
    let inputs = rng.normalMatrix(rows: count, columns: 3, standardDeviation: 1)
    switch likelihood {
    case .categorical:
      let labels = (0..<count).map { _ in Int(rng.next() % UInt64(outputs)) }
      return Dataset(inputs: inputs, targets: .classes(labels))
    case .gaussian:
      let y = rng.normalMatrix(rows: count, columns: outputs, standardDeviation: 1)
      return Dataset(inputs: inputs, targets: .values(y))
    case .heteroscedastic:
      let y = rng.normalMatrix(rows: count, columns: 1, standardDeviation: 1)
      return Dataset(inputs: inputs, targets: .values(y))
    }
  }

  /// Each likelihood with its output width: one output (whose bias gradient is a sum of
  /// a column) and two (the likelihood's sum over a matrix).
  static let likelihoods: [(Likelihood, outputs: Int)] = [
    (.categorical, 3), (.gaussian(noiseStandardDeviation: 0.3), 1),
    (.gaussian(noiseStandardDeviation: 0.3), 2), (.heteroscedastic, 2),
  ]

  /// The bits of every parameter's gradient, then zeroes them.
  static func takeGradients(_ model: MLP) -> [[UInt64]] {
    defer { for p in model.parameters { p.zeroGradient() } }
    return model.parameters.map { $0.gradient.storage.map(\.bitPattern) }
  }

  @Test(arguments: Layout.allCases)
  func sameBitsAsTheTape(_ layout: Layout) throws {
    try #require(Matrix.usesOwnProductKernel, "the evaluator runs only on the course's kernel")
    var cases = 0
    for (l, (likelihood, outputs)) in Self.likelihoods.enumerated() {
      for activation in Activation.allCases {
        for prior in [nil, 0.7] {
          // One row (the bias's gradient is the row itself), an odd count (a leftover in
          // the four-way sums), and a full batch of 32.
          for rows in [1, 7, 32] {
            var rng = Generator(seed: UInt64(1000 + 97 * l + rows))
            let data = Self.data(for: likelihood, outputs: outputs, count: 40, using: &rng)
            let model = layout.network(
              inputs: 3, outputs: outputs, activation: activation, using: &rng)
            let map = MAPEstimation(
              model: model, likelihood: likelihood, priorStandardDeviation: prior)
            let batch = data.subset(Array(stride(from: 0, to: 40, by: 1).prefix(rows)))

            var tapeDraws = rng
            let tape = try map.tapeGradientStep(datasetSize: 40)(batch, &tapeDraws, 1)
            let tapeGradients = Self.takeGradients(model)

            var ownDraws = rng
            let evaluator = try #require(DenseNetworkGradient(map, datasetSize: 40))
            let own = try evaluator.evaluate(batch, using: &ownDraws, step: 1)
            let ownGradients = Self.takeGradients(model)

            let label =
              "\(layout) \(likelihood) \(activation) prior \(String(describing: prior)) rows \(rows)"
            #expect(own.loss.bitPattern == tape.loss.bitPattern, "\(label): loss")
            #expect(
              own.negativeLogLikelihood.bitPattern == tape.negativeLogLikelihood.bitPattern,
              "\(label): NLL")
            #expect(own.regulariser.bitPattern == tape.regulariser.bitPattern, "\(label): prior")
            #expect(ownGradients == tapeGradients, "\(label): gradients")
            #expect(ownDraws.next() == tapeDraws.next(), "\(label): the masks' draws")
            cases += 1
          }
        }
      }
    }
    #expect(cases == 4 * 4 * 2 * 3)
  }

  /// The buffers are kept between steps, so a smaller batch after a larger one (the last
  /// minibatch of an epoch) must not see the larger one's leftovers; and a whole run must
  /// end on the tape's weights.
  @Test func trainingRunEndsOnTheTapesWeights() throws {
    try #require(Matrix.usesOwnProductKernel, "the evaluator runs only on the course's kernel")
    var rng = Generator(seed: 2024)
    let data = SyntheticData.regressionWithGap(count: 45, noise: 0.1, using: &rng)
    let start = rng
    var weights = [[[UInt64]]]()
    var records = [[EpochRecord]]()
    for useTape in [true, false] {
      var own = start
      let model = MLP(sizes: [1, 20, 20, 2], dropout: 0.1, using: &own)
      let map = MAPEstimation(model: model, likelihood: .heteroscedastic, priorStandardDeviation: 1)
      var adam = Adam(parameters: model.parameters, learningRate: 1e-2)
      let step = useTape ? map.tapeGradientStep(datasetSize: 45) : map.gradientStep(datasetSize: 45)
      records.append(
        try TrainingLoop.run(
          on: data, epochs: 30, batchSize: 16, optimiser: &adam, using: &own, gradientStep: step))
      weights.append(model.parameters.map { $0.value.storage.map(\.bitPattern) })
    }
    #expect(weights[0] == weights[1])
    #expect(records[0].map(\.loss) == records[1].map(\.loss))
    // And the run trained: the last epoch's loss is well below the first's.
    #expect(records[1].last!.loss < records[1].first!.loss - 0.5)
  }

  @Test func aNonFiniteObjectiveThrowsBeforeTouchingTheGradients() throws {
    try #require(Matrix.usesOwnProductKernel, "the evaluator runs only on the course's kernel")
    var rng = Generator(seed: 7)
    let model = MLP(sizes: [2, 4, 1], using: &rng)
    let map = MAPEstimation(
      model: model, likelihood: .gaussian(noiseStandardDeviation: 1), priorStandardDeviation: 1)
    let batch = Dataset(
      inputs: Matrix(rows: 2, columns: 2, storage: [0.5, -1, 2, 0.25]),
      targets: .values(Matrix(rows: 2, columns: 1, storage: [1, .nan])))
    let evaluator = try #require(DenseNetworkGradient(map, datasetSize: 10))
    #expect(throws: NonFiniteError.self) { try evaluator.evaluate(batch, using: &rng, step: 12) }
    do {
      _ = try evaluator.evaluate(batch, using: &rng, step: 12)
    } catch let error as NonFiniteError {
      #expect(error.step == 12 && error.quantity == "loss")
    }
    #expect(model.parameters.allSatisfy { $0.gradient.storage.allSatisfy { $0 == 0 } })
  }

  /// Anything but dense and dropout layers keeps the tape.
  @Test func otherLayersKeepTheTape() {
    var rng = Generator(seed: 8)
    let bayesian = MLP.bayesian(sizes: [2, 4, 1], using: &rng)
    let map = MAPEstimation(
      model: bayesian, likelihood: .gaussian(noiseStandardDeviation: 1), priorStandardDeviation: 1)
    #expect(DenseNetworkGradient(map, datasetSize: 10) == nil)
  }
}
