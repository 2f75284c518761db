import Foundation
import TestSupport
import Testing

@testable import BayesianDL

/// ``Dense``, ``BayesianDense`` and ``MLP``: forward passes by hand, the moments of the
/// sampled forward pass by Monte Carlo, KL terms against closed forms, and gradients of
/// a whole Bayesian network against finite differences.
@Suite struct LayerTests {
  /// σ from a raw scale parameter, written out by hand for each parameterisation.
  static func handStandardDeviation(_ raw: Double, _ parameterisation: ScaleParameterisation)
    -> Double
  {
    switch parameterisation {
    case .logVariance: return Foundation.exp(raw / 2)
    case .softplus: return Foundation.log1p(Foundation.exp(raw))
    }
  }

  /// $xW + b$ by explicit loops.
  static func affine(_ x: Matrix, _ w: Matrix, _ b: Matrix) -> Matrix {
    makeMatrix(x.rows, w.columns) { i, j in
      (0..<x.columns).reduce(b[0, j]) { $0 + x[i, $1] * w[$1, j] }
    }
  }

  // MARK: Dense

  @Test func denseForwardIsXWPlusB() {
    var rng = Generator(seed: 91)
    let layer = Dense(inputs: 3, outputs: 2, using: &rng)
    layer.weight.value = Matrix([[1, 2], [0, -1], [3, 0.5]])
    layer.bias.value = Matrix([[0.25, -1]])
    let x = Matrix([[1, 1, 1], [2, 0, -1]])
    let y = layer.forward(Tape().constant(x), mode: .sample, using: &rng).value
    // Row 1: [1 + 0 + 3, 2 − 1 + 0.5] + b; row 2: [2 + 0 − 3, 4 + 0 − 0.5] + b.
    #expect(y == Matrix([[4.25, 0.5], [-0.75, 2.5]]))
    #expect(layer.parameters.map(\.name) == ["dense.weight", "dense.bias"])
    #expect(layer.inputs == 3 && layer.outputs == 2)
  }

  @Test func denseInitialisationHasHeScale() {
    // Weights ~ N(0, 2/inputs): check the sample variance of 64 × 200 draws within SE.
    var rng = Generator(seed: 92)
    let layer = Dense(inputs: 64, outputs: 200, using: &rng)
    let m = sampleMoments(layer.weight.value.storage)
    let variance = 2.0 / 64
    let n = Double(layer.weight.value.count)
    expectWithinStandardErrors(m.mean, 0, standardError: (variance / n).squareRoot())
    expectWithinStandardErrors(
      m.variance, variance, standardError: variance * (2 / (n - 1)).squareRoot())
    #expect(layer.bias.value.storage.allSatisfy { $0 == 0 })
  }

  // MARK: BayesianDense

  @Test(arguments: ScaleParameterisation.allCases)
  func bayesianMeanForwardIsXMuWPlusMuB(parameterisation: ScaleParameterisation) {
    var rng = Generator(seed: 93)
    let layer = BayesianDense(
      inputs: 4, outputs: 3, parameterisation: parameterisation, using: &rng)
    layer.biasMean.value = rng.normalMatrix(rows: 1, columns: 3)
    let x = rng.normalMatrix(rows: 5, columns: 4)
    let y = layer.forward(Tape().constant(x), mode: .mean, using: &rng).value
    expectClose(y, Self.affine(x, layer.weightMean.value, layer.biasMean.value), tolerance: 1e-14)
  }

  @Test(arguments: ScaleParameterisation.allCases)
  func bayesianSampleForwardHasTheClosedFormMeanAndVariance(
    parameterisation: ScaleParameterisation
  ) {
    // For one layer, y_j = Σ_i x_i W_ij + b_j with independent Gaussian weights, so
    // y_j ~ N(Σ_i x_i μ_ij + μ_bj, Σ_i x_i² σ_ij² + σ_bj²) exactly.
    var rng = Generator(seed: 94)
    let layer = BayesianDense(
      inputs: 3, outputs: 2, parameterisation: parameterisation, using: &rng)
    layer.biasMean.value = Matrix([[0.5, -1]])
    let weightRaw = Matrix([[-1.5, 0.2], [-0.7, -2.5], [0.4, -1.1]])
    let biasRaw = Matrix([[-0.3, -1.9]])
    layer.weightScale.value = weightRaw
    layer.biasScale.value = biasRaw
    let x = Matrix([[0.8, -1.2, 0.5]])
    let sigmaW = weightRaw.map { Self.handStandardDeviation($0, parameterisation) }
    let sigmaB = biasRaw.map { Self.handStandardDeviation($0, parameterisation) }
    expectClose(layer.weightStandardDeviations, sigmaW, tolerance: 1e-14)
    expectClose(layer.biasStandardDeviations, sigmaB, tolerance: 1e-14)

    let draws = 20_000
    var outputs: [[Double]] = [[], []]
    for _ in 0..<draws {
      let y = layer.forward(Tape(recordsGradients: false).constant(x), mode: .sample, using: &rng)
      outputs[0].append(y.value[0, 0])
      outputs[1].append(y.value[0, 1])
    }
    for j in 0..<2 {
      let mean = (0..<3).reduce(layer.biasMean.value[0, j]) {
        $0 + x[0, $1] * layer.weightMean.value[$1, j]
      }
      let variance = (0..<3).reduce(sigmaB[0, j] * sigmaB[0, j]) {
        $0 + x[0, $1] * x[0, $1] * sigmaW[$1, j] * sigmaW[$1, j]
      }
      let m = sampleMoments(outputs[j])
      expectWithinStandardErrors(
        m.mean, mean, standardError: (variance / Double(draws)).squareRoot(), standardErrors: 5,
        "output \(j) mean")
      expectWithinStandardErrors(
        m.variance, variance, standardError: variance * (2 / Double(draws - 1)).squareRoot(),
        standardErrors: 5, "output \(j) variance")
    }
  }

  @Test(arguments: ScaleParameterisation.allCases)
  func sampledWeightsDifferBetweenCallsAndMatchTheMeanWhenSigmaIsTiny(
    parameterisation: ScaleParameterisation
  ) {
    var rng = Generator(seed: 95)
    let layer = BayesianDense(
      inputs: 2, outputs: 2, parameterisation: parameterisation, initialStandardDeviation: 0.5,
      using: &rng)
    let x = Tape().constant(Matrix([[1, -1]]))
    let first = layer.forward(x, mode: .sample, using: &rng).value
    let second = layer.forward(x, mode: .sample, using: &rng).value
    #expect(first != second)
    // With σ = 1e-12 a draw equals the mean network to within ~1e-11.
    let raw = parameterisation.raw(forStandardDeviation: 1e-12)
    layer.weightScale.value = layer.weightScale.value.map { _ in raw }
    layer.biasScale.value = layer.biasScale.value.map { _ in raw }
    let sampled = layer.forward(x, mode: .sample, using: &rng).value
    let mean = Self.affine(x.value, layer.weightMean.value, layer.biasMean.value)
    #expect(sampled.maxAbsDifference(mean) < 1e-10)
  }

  @Test(arguments: ScaleParameterisation.allCases)
  func bayesianInitialisationSetsEverySigma(parameterisation: ScaleParameterisation) {
    var rng = Generator(seed: 96)
    let layer = BayesianDense(
      inputs: 3, outputs: 4, parameterisation: parameterisation, initialStandardDeviation: 0.05,
      name: "l", using: &rng)
    expectClose(
      layer.weightStandardDeviations, Matrix(rows: 3, columns: 4, repeating: 0.05), tolerance: 1e-14
    )
    expectClose(
      layer.biasStandardDeviations, Matrix(rows: 1, columns: 4, repeating: 0.05), tolerance: 1e-14)
    #expect(layer.biasMean.value.storage.allSatisfy { $0 == 0 })
    #expect(
      layer.parameters.map(\.name) == [
        "l.weightMean", "l.weightScale", "l.biasMean", "l.biasScale",
      ])
  }

  @Test(arguments: ScaleParameterisation.allCases)
  func layerKLIsTheSumOfClosedFormKLs(parameterisation: ScaleParameterisation) {
    var rng = Generator(seed: 97)
    let layer = BayesianDense(
      inputs: 3, outputs: 2, priorStandardDeviation: 0.6, parameterisation: parameterisation,
      using: &rng)
    layer.weightScale.value = rng.uniformMatrix(rows: 3, columns: 2, -3, 1)
    layer.biasScale.value = rng.uniformMatrix(rows: 1, columns: 2, -3, 1)
    layer.biasMean.value = rng.normalMatrix(rows: 1, columns: 2)
    var expected = 0.0
    for (means, raws) in [
      (layer.weightMean.value, layer.weightScale.value),
      (layer.biasMean.value, layer.biasScale.value),
    ] {
      for k in 0..<means.count {
        expected += handKL(
          meanQ: means.storage[k],
          sdQ: Self.handStandardDeviation(raws.storage[k], parameterisation),
          meanP: 0, sdP: 0.6)
      }
    }
    expectClose(layer.klDivergence(on: Tape()).value.scalarValue, expected, tolerance: 1e-13)
  }

  @Test(arguments: ScaleParameterisation.allCases)
  func layerKLGradientMatchesFiniteDifferences(parameterisation: ScaleParameterisation) {
    var rng = Generator(seed: 98)
    let layer = BayesianDense(
      inputs: 3, outputs: 2, priorStandardDeviation: 0.8, parameterisation: parameterisation,
      using: &rng)
    layer.weightScale.value = rng.uniformMatrix(rows: 3, columns: 2, -3, 1)
    layer.biasMean.value = rng.normalMatrix(rows: 1, columns: 2)
    expectParameterGradientsMatchFiniteDifferences(layer.parameters) { tape in
      layer.klDivergence(on: tape)
    }
  }

  @Test(arguments: ScaleParameterisation.allCases)
  func setToPriorMakesTheKLZero(parameterisation: ScaleParameterisation) {
    var rng = Generator(seed: 99)
    let layer = BayesianDense(
      inputs: 3, outputs: 2, priorStandardDeviation: 0.4, parameterisation: parameterisation,
      using: &rng)
    layer.setToPrior()
    #expect(layer.weightMean.value.storage.allSatisfy { $0 == 0 })
    expectClose(
      layer.weightStandardDeviations, Matrix(rows: 3, columns: 2, repeating: 0.4), tolerance: 1e-14)
    #expect(abs(layer.klDivergence(on: Tape()).value.scalarValue) < 1e-13)
  }

  // MARK: Scale parameterisations

  @Test func scaleParameterisationRawValuesByHand() {
    expectClose(
      ScaleParameterisation.logVariance.raw(forStandardDeviation: 0.5), 2 * Foundation.log(0.5),
      tolerance: 1e-15)
    expectClose(
      ScaleParameterisation.logVariance.standardDeviation(raw: -6), Foundation.exp(-3),
      tolerance: 1e-15)
    expectClose(
      ScaleParameterisation.softplus.raw(forStandardDeviation: 1),
      Foundation.log(Foundation.exp(1) - 1), tolerance: 1e-15)
    expectClose(
      ScaleParameterisation.softplus.standardDeviation(raw: 0), Foundation.log(2), tolerance: 1e-15)
  }

  @Test(arguments: ScaleParameterisation.allCases)
  func scaleParameterisationRoundTrips(parameterisation: ScaleParameterisation) {
    for sigma in [1e-6, 1e-3, 0.05, 0.3, 1, 7, 50] {
      let raw = parameterisation.raw(forStandardDeviation: sigma)
      expectClose(parameterisation.standardDeviation(raw: raw) / sigma, 1, tolerance: 1e-12)
      expectClose(Self.handStandardDeviation(raw, parameterisation) / sigma, 1, tolerance: 1e-9)
    }
  }

  @Test(arguments: ScaleParameterisation.allCases)
  func scaleValuesHoldSigmaItsSlopeAndLogVariance(parameterisation: ScaleParameterisation) {
    let raw = Matrix.row([-30, -6, -1, 0, 0.5, 3, 12])
    let values = parameterisation.values(raw: raw)
    #expect(values.raw == raw)
    for k in 0..<raw.count {
      let r = raw.storage[k]
      let sigma = Self.handStandardDeviation(r, parameterisation)
      expectClose(values.standardDeviation.storage[k] / sigma, 1, tolerance: 1e-9)
      expectClose(values.logVariance.storage[k], 2 * Foundation.log(sigma), tolerance: 1e-9)
      // dσ/draw against a central difference, relative to σ (the scale of both here).
      let h = 1e-5
      let numeric =
        (parameterisation.standardDeviation(raw: r + h)
          - parameterisation.standardDeviation(raw: r - h)) / (2 * h)
      let slope = values.slope.storage[k]
      #expect(
        abs(slope - numeric) <= 1e-7 * Swift.max(sigma, abs(slope)),
        "raw \(r): slope \(slope), finite difference \(numeric)")
    }
  }

  @Test(arguments: ScaleParameterisation.allCases)
  func scaleValuesDrawAndKLNodesMatchFiniteDifferences(parameterisation: ScaleParameterisation) {
    var rng = Generator(seed: 105)
    let mean = rng.normalMatrix(rows: 2, columns: 3)
    let raw = rng.uniformMatrix(rows: 2, columns: 3, -2, 1)
    let noise = rng.normalMatrix(rows: 2, columns: 3)
    expectGradientsMatchFiniteDifferences([mean, raw]) { v in
      parameterisation.values(raw: v[1].value).draw(mean: v[0], scale: v[1], noise: noise)
    }
    expectGradientsMatchFiniteDifferences([mean, raw]) { v in
      parameterisation.values(raw: v[1].value).klToZeroMeanPrior(
        mean: v[0], scale: v[1], priorStandardDeviation: 0.7)
    }
    // Values: w = μ + σ ε, and the KL equals the sum of closed forms.
    let tape = Tape()
    let values = parameterisation.values(raw: raw)
    let w = values.draw(mean: tape.variable(mean), scale: tape.variable(raw), noise: noise).value
    let kl = values.klToZeroMeanPrior(
      mean: tape.variable(mean), scale: tape.variable(raw), priorStandardDeviation: 0.7)
    var expectedKL = 0.0
    for k in 0..<6 {
      let sigma = Self.handStandardDeviation(raw.storage[k], parameterisation)
      expectClose(w.storage[k], mean.storage[k] + sigma * noise.storage[k], tolerance: 1e-14)
      expectedKL += handKL(meanQ: mean.storage[k], sdQ: sigma, meanP: 0, sdP: 0.7)
    }
    expectClose(kl.value.scalarValue, expectedKL, tolerance: 1e-13)
  }

  @Test(arguments: ScaleParameterisation.allCases)
  func standardDeviationsFollowChangesToTheRawScale(parameterisation: ScaleParameterisation) {
    var rng = Generator(seed: 106)
    let layer = BayesianDense(
      inputs: 2, outputs: 2, parameterisation: parameterisation, initialStandardDeviation: 0.1,
      using: &rng)
    _ = layer.weightStandardDeviations
    _ = layer.forward(Tape().constant(Matrix([[1, 1]])), mode: .sample, using: &rng)
    // Change one raw value in place, as an optimiser does; nothing may be served stale.
    layer.weightScale.value.storage[3] = 0.25
    layer.biasScale.value.storage[0] = -0.5
    expectClose(
      layer.weightStandardDeviations[1, 1], Self.handStandardDeviation(0.25, parameterisation),
      tolerance: 1e-14)
    expectClose(
      layer.biasStandardDeviations[0, 0], Self.handStandardDeviation(-0.5, parameterisation),
      tolerance: 1e-14)
    let expectedKL =
      (0..<4).reduce(0.0) {
        $0
          + handKL(
            meanQ: layer.weightMean.value.storage[$1],
            sdQ: Self.handStandardDeviation(layer.weightScale.value.storage[$1], parameterisation),
            meanP: 0, sdP: 1)
      }
      + (0..<2).reduce(0.0) {
        $0
          + handKL(
            meanQ: 0,
            sdQ: Self.handStandardDeviation(layer.biasScale.value.storage[$1], parameterisation),
            meanP: 0, sdP: 1)
      }
    expectClose(layer.klDivergence(on: Tape()).value.scalarValue, expectedKL, tolerance: 1e-13)
  }

  // MARK: MLP

  @Test func parameterCountsOfDeterministicAndBayesianNetworks() {
    var rng = Generator(seed: 100)
    // 2·64 + 64 + 64·64 + 64 + 64·2 + 2 = 192 + 4160 + 130 = 4482 weights and biases.
    let deterministic = MLP(sizes: [2, 64, 64, 2], using: &rng)
    #expect(deterministic.parameterCount == 4482)
    #expect(deterministic.parameters.count == 6)
    // A mean and a scale for each of them.
    let bayesian = MLP.bayesian(sizes: [2, 64, 64, 2], using: &rng)
    #expect(bayesian.parameterCount == 2 * 4482)
    #expect(bayesian.parameters.count == 12)
    #expect(bayesian.inputs == 2 && bayesian.outputs == 2)
  }

  @Test func mlpForwardAppliesTheActivationBetweenLayersOnly() {
    var rng = Generator(seed: 101)
    for activation in Activation.allCases {
      let network = MLP(sizes: [3, 4, 2], activation: activation, using: &rng)
      let first = network.layers[0] as! Dense
      let second = network.layers[1] as! Dense
      first.bias.value = rng.normalMatrix(rows: 1, columns: 4)
      second.bias.value = rng.normalMatrix(rows: 1, columns: 2)
      let x = rng.normalMatrix(rows: 5, columns: 3)
      let f: (Double) -> Double
      switch activation {
      case .relu: f = { Swift.max($0, 0) }
      case .tanh: f = { Foundation.tanh($0) }
      case .sigmoid: f = { 1 / (1 + Foundation.exp(-$0)) }
      case .identity: f = { $0 }
      }
      let hidden = Self.affine(x, first.weight.value, first.bias.value).map(f)
      let expected = Self.affine(hidden, second.weight.value, second.bias.value)
      expectClose(network.predict(x, using: &rng), expected, tolerance: 1e-13, "\(activation)")
    }
  }

  @Test func predictOnManyRowsMatchesTheLayerByLayerComputation() {
    // More rows than one prediction block, so the blocks and their seams are exercised.
    var rng = Generator(seed: 107)
    let network = MLP(sizes: [3, 5, 2], activation: .tanh, using: &rng)
    let first = network.layers[0] as! Dense
    let second = network.layers[1] as! Dense
    first.bias.value = rng.normalMatrix(rows: 1, columns: 5)
    second.bias.value = rng.normalMatrix(rows: 1, columns: 2)
    let rows = 2 * MLP.predictionBlockRows + 37
    let x = rng.normalMatrix(rows: rows, columns: 3)
    let hidden = Self.affine(x, first.weight.value, first.bias.value).map { Foundation.tanh($0) }
    let expected = Self.affine(hidden, second.weight.value, second.bias.value)
    expectClose(network.predict(x, using: &rng), expected, tolerance: 1e-13)
    // The tape forward pass agrees.
    expectClose(
      network.forward(Tape().constant(x), mode: .mean, using: &rng).value, expected,
      tolerance: 1e-13)
  }

  @Test func sampledPredictionUsesOneDrawnNetworkForAllRows() {
    var rng = Generator(seed: 108)
    let network = MLP.bayesian(sizes: [2, 4, 2], initialStandardDeviation: 0.5, using: &rng)
    let rows = MLP.predictionBlockRows + 10
    var x = rng.normalMatrix(rows: rows, columns: 2)
    // The same input in the first and in the second block.
    x[rows - 1, 0] = x[0, 0]
    x[rows - 1, 1] = x[0, 1]
    let y = network.predict(x, mode: .sample, using: &rng)
    #expect(y.row(0) == y.row(rows - 1))
    // A second call draws another network.
    let again = network.predict(x, mode: .sample, using: &rng)
    #expect(again.row(0) != y.row(0))
  }

  @Test func sampledPredictionDrawsTheSameWeightsAsTheTapeForwardPass() {
    // Given the same generator state, predict(.sample) and forward(.sample) draw the same
    // network: one ε per weight, layer by layer, weights before biases.
    var rng = Generator(seed: 109)
    let network = MLP.bayesian(
      sizes: [2, 3, 2], activation: .sigmoid, initialStandardDeviation: 0.4, using: &rng)
    let x = rng.normalMatrix(rows: 4, columns: 2)
    var a = Generator(seed: 110)
    var b = Generator(seed: 110)
    expectClose(
      network.predict(x, mode: .sample, using: &a),
      network.forward(Tape().constant(x), mode: .sample, using: &b).value, tolerance: 1e-14)
  }

  @Test func activationsMatchTheirFormulas() {
    let tape = Tape()
    let x = tape.constant(Matrix.row([-2, 0.5]))
    #expect(Activation.relu(x).value == Matrix.row([0, 0.5]))
    #expect(Activation.identity(x).value == Matrix.row([-2, 0.5]))
    expectClose(Activation.tanh(x).value, Matrix.row([Foundation.tanh(-2), Foundation.tanh(0.5)]))
    expectClose(
      Activation.sigmoid(x).value,
      Matrix.row([1 / (1 + Foundation.exp(2)), 1 / (1 + Foundation.exp(-0.5))]))
  }

  @Test func bayesianCopyIsCentredOnTheDeterministicNetwork() {
    var rng = Generator(seed: 102)
    let network = MLP(sizes: [2, 5, 3], activation: .tanh, using: &rng)
    let copy = MLP.bayesian(centredOn: network, standardDeviation: 0.2, priorStandardDeviation: 2)
    let x = rng.normalMatrix(rows: 4, columns: 2)
    #expect(copy.predict(x, mode: .mean, using: &rng) == network.predict(x, using: &rng))
    for layer in copy.layers {
      let bayesian = layer as! BayesianDense
      expectClose(
        bayesian.weightStandardDeviations,
        Matrix(rows: bayesian.inputs, columns: bayesian.outputs, repeating: 0.2), tolerance: 1e-14)
      #expect(bayesian.priorStandardDeviation == 2)
    }
  }

  @Test func networkKLIsTheSumOfLayerKLsAndZeroWithoutBayesianLayers() {
    var rng = Generator(seed: 103)
    let network = MLP.bayesian(sizes: [2, 3, 2], priorStandardDeviation: 0.5, using: &rng)
    var expected = 0.0
    for layer in network.layers {
      let l = layer as! BayesianDense
      for (means, raws) in [
        (l.weightMean.value, l.weightScale.value), (l.biasMean.value, l.biasScale.value),
      ] {
        for k in 0..<means.count {
          expected += handKL(
            meanQ: means.storage[k], sdQ: Foundation.exp(raws.storage[k] / 2), meanP: 0, sdP: 0.5)
        }
      }
    }
    expectClose(network.klDivergence(on: Tape()).value.scalarValue, expected, tolerance: 1e-13)
    let deterministic = MLP(sizes: [2, 3, 2], using: &rng)
    #expect(deterministic.klDivergence(on: Tape()).value.scalarValue == 0)
    network.setToPrior()
    #expect(abs(network.klDivergence(on: Tape()).value.scalarValue) < 1e-13)
  }

  @Test(arguments: ScaleParameterisation.allCases)
  func bayesianNetworkLossGradientsMatchFiniteDifferences(parameterisation: ScaleParameterisation) {
    var rng = Generator(seed: 104)
    let network = MLP.bayesian(
      sizes: [2, 4, 3], activation: .tanh, priorStandardDeviation: 0.7,
      parameterisation: parameterisation, initialStandardDeviation: 0.3, using: &rng)
    for layer in network.layers {
      (layer as! BayesianDense).biasMean.value = rng.normalMatrix(
        rows: 1, columns: layer.outputs, standardDeviation: 0.3)
    }
    let x = rng.normalMatrix(rows: 6, columns: 2)
    let labels = [0, 1, 2, 2, 1, 0]
    // The noise is fixed by re-seeding the generator for every evaluation.
    expectParameterGradientsMatchFiniteDifferences(network.parameters) { tape in
      var noise = Generator(seed: 7)
      let logits = network.forward(tape.constant(x), mode: .sample, using: &noise)
      return softmaxCrossEntropy(logits: logits, labels: labels) + network.klDivergence(on: tape)
        * 0.05
    }
  }
}
