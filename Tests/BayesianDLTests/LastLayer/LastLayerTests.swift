import Foundation
import TestSupport
import Testing

@testable import BayesianDL

/// The Bayesian-last-layer core against independent references: networks run by hand,
/// the evidence as a Gaussian density of the targets, the posterior from its defining
/// formulas, last-layer Laplace, finite differences, and Bayes by Backprop's objective.
@Suite struct LastLayerTests {
  /// A small tanh network with random weights and biases.
  static func network(_ sizes: [Int], seed: UInt64) -> MLP {
    var rng = Generator(seed: seed)
    let model = MLP(sizes: sizes, activation: .tanh, using: &rng)
    for p in model.parameters {
      p.value = p.value + rng.normalMatrix(rows: p.value.rows, columns: p.value.columns)
    }
    return model
  }

  /// A design matrix, targets and noise variances for a linear model with known weights.
  static func linearProblem(rows n: Int, columns d: Int, seed: UInt64) -> (
    design: Matrix, targets: Matrix, variances: [Double]
  ) {
    var rng = Generator(seed: seed)
    let design = LastLayerDesign.rows(rng.normalMatrix(rows: n, columns: d - 1))
    let weights = rng.normalMatrix(rows: d, columns: 1, standardDeviation: 0.7)
    let variances = (0..<n).map { _ in rng.uniform(0.05, 0.5) }
    let targets = Matrix(rows: n, columns: 1) { i, _ in
      naiveProduct(design.row(i), weights)[0, 0] + variances[i].squareRoot() * rng.normal()
    }
    return (design, targets, variances)
  }

  /// $\log\mathcal N(y;\ 0,\ \Phi\Phi^\top/\alpha + D)$ by a Cholesky factorisation of the
  /// $n \times n$ covariance — the evidence without any weight-space algebra.
  static func directLogEvidence(
    design: Matrix, targets: Matrix, priorPrecision alpha: Double, variances: [Double]
  ) throws -> Double {
    var covariance = naiveProduct(design, naiveTranspose(design)) / alpha
    for i in variances.indices { covariance[i, i] += variances[i] }
    return try MultivariateGaussian(
      mean: Matrix(rows: targets.rows, columns: 1), covariance: covariance
    ).logDensity(targets)
  }

  @Test func featuresAreWhatTheLastLayerSeesAndItsOutputIsTheNetworks() {
    let model = Self.network([3, 5, 4, 2], seed: 11)
    var rng = Generator(seed: 12)
    let x = rng.normalMatrix(rows: 6, columns: 3)
    // The two hidden layers by hand.
    var h = x
    for layer in model.layers.dropLast() {
      let dense = layer as! Dense
      h = (naiveProduct(h, dense.weight.value) + dense.bias.value).map(Foundation.tanh)
    }
    let features = model.lastLayerFeatures(at: x)
    expectClose(features, h, tolerance: 1e-12)
    let last = model.layers.last as! Dense
    var unused = Generator(seed: 0)
    expectClose(
      naiveProduct(features, last.weight.value) + last.bias.value,
      model.predict(x, using: &unused), tolerance: 1e-12)
    #expect(model.lastWeightLayerIndex == 2)
  }

  @Test func dropoutIsOffForTheMeanFeaturesAndTheLastWeightLayerIsFound() {
    var rng = Generator(seed: 13)
    let plain = MLP(sizes: [2, 4, 3], using: &rng)
    let withDropout = MLP(
      layers: [plain.layers[0], Dropout(width: 4, rate: 0.5), plain.layers[1]],
      activation: .relu)
    #expect(withDropout.lastWeightLayerIndex == 2)
    let x = rng.normalMatrix(rows: 5, columns: 2)
    expectClose(withDropout.lastLayerFeatures(at: x), plain.lastLayerFeatures(at: x))
    // Sampled features drop units: some entries that are positive without dropout are 0.
    let sampled = withDropout.lastLayerFeatures(at: x, mode: .sample, using: &rng)
    let mean = plain.lastLayerFeatures(at: x)
    #expect(zip(sampled.storage, mean.storage).contains { $0 == 0 && $1 > 0 })
  }

  @Test func lastLayerWeightsInDesignOrderGiveTheDesignTimesTheWeights() {
    let model = Self.network([2, 4, 1], seed: 14)
    var rng = Generator(seed: 15)
    let theta = (0..<5).map { _ in rng.normal() }
    let x = rng.normalMatrix(rows: 7, columns: 2)
    let replaced = model.replacingLastLayer(withWeights: theta)
    var unused = Generator(seed: 0)
    expectClose(
      replaced.predict(x, using: &unused),
      naiveProduct(LastLayerDesign.rows(model.lastLayerFeatures(at: x)), Matrix.column(theta)),
      tolerance: 1e-12)
    // The backbone is shared, not copied.
    #expect(replaced.layers[0] === model.layers[0])
    // Several outputs: the weight row-major [inputs, outputs], then the bias.
    let wide = Self.network([2, 3, 2], seed: 16)
    let thetaWide = (0..<8).map { Double($0) / 10 }
    let layer = wide.replacingLastLayer(withWeights: thetaWide).layers.last as! Dense
    #expect(layer.weight.value == Matrix([[0, 0.1], [0.2, 0.3], [0.4, 0.5]]))
    #expect(layer.bias.value == Matrix([[0.6, 0.7]]))
  }

  @Test(arguments: [false, true])
  func conjugatePosteriorAndEvidenceMatchTheirDefinitions(perExample: Bool) throws {
    let (design, y, variances) = Self.linearProblem(rows: 25, columns: 4, seed: 21)
    let noiseVariances = perExample ? variances : variances.map { _ in 0.2 }
    let alpha = 1.7
    let layer = try ConjugateLastLayer(
      design: design, targets: y, priorPrecision: alpha,
      noise: perExample ? .perExample(variances: variances) : .homoscedastic(variance: 0.2))
    // A = αI + Σ φₙᵀφₙ/σₙ², m = A⁻¹ Σ φₙᵀyₙ/σₙ², by loops.
    var precision = Matrix.identity(4) * alpha
    var projected = Matrix(rows: 4, columns: 1)
    for n in 0..<25 {
      for i in 0..<4 {
        projected[i, 0] += design[n, i] * y[n, 0] / noiseVariances[n]
        for j in 0..<4 { precision[i, j] += design[n, i] * design[n, j] / noiseVariances[n] }
      }
    }
    let covariance = try precision.inverse()
    expectClose(layer.posteriorPrecision, precision, tolerance: 1e-10)
    expectClose(layer.posterior.covariance, covariance, tolerance: 1e-10)
    expectClose(layer.posterior.mean, naiveProduct(covariance, projected), tolerance: 1e-10)
    expectClose(
      layer.logEvidence,
      try Self.directLogEvidence(
        design: design, targets: y, priorPrecision: alpha, variances: noiseVariances),
      tolerance: 1e-10)
  }

  @Test func equalPerExampleVariancesAreTheHomoscedasticLayer() throws {
    let (design, y, _) = Self.linearProblem(rows: 15, columns: 3, seed: 22)
    let one = try ConjugateLastLayer(
      design: design, targets: y, priorPrecision: 0.8, noise: .homoscedastic(variance: 0.3))
    let many = try ConjugateLastLayer(
      design: design, targets: y, priorPrecision: 0.8,
      noise: .perExample(variances: [Double](repeating: 0.3, count: 15)))
    expectClose(many.posterior.mean, one.posterior.mean, tolerance: 1e-12)
    expectClose(many.posterior.covariance, one.posterior.covariance, tolerance: 1e-12)
    expectClose(many.logEvidence, one.logEvidence, tolerance: 1e-12)
  }

  @Test func predictiveIsTheQuadraticFormPlusTheGivenNoise() throws {
    let (design, y, variances) = Self.linearProblem(rows: 20, columns: 3, seed: 23)
    let layer = try ConjugateLastLayer(
      design: design, targets: y, priorPrecision: 2, noise: .perExample(variances: variances))
    var rng = Generator(seed: 24)
    let newDesign = LastLayerDesign.rows(rng.normalMatrix(rows: 5, columns: 2))
    let noise = [0.1, 0.2, 0.3, 0.4, 0.5]
    let predictive = layer.predictive(at: newDesign, noiseVariances: noise)
    let sigma = layer.posterior.covariance
    for i in 0..<5 {
      let row = newDesign.row(i)
      expectClose(predictive.mean[i], naiveProduct(row, layer.posterior.mean)[0, 0])
      expectClose(
        predictive.epistemic[i], naiveProduct(naiveProduct(row, sigma), naiveTranspose(row))[0, 0],
        tolerance: 1e-12)
      #expect(predictive.aleatoric[i] == noise[i])
    }
    let homoscedastic = try ConjugateLastLayer(
      design: design, targets: y, priorPrecision: 2, noise: .homoscedastic(variance: 0.25))
    #expect(
      homoscedastic.predictive(at: newDesign).aleatoric == [Double](repeating: 0.25, count: 5))
  }

  @Test(arguments: [false, true])
  func maximisingTheEvidenceFindsAStationaryMaximum(perExample: Bool) throws {
    let (design, y, variances) = Self.linearProblem(rows: 60, columns: 6, seed: 25)
    let noise: ConjugateLastLayer.Noise =
      perExample ? .perExample(variances: variances) : .homoscedastic(variance: 1)
    let (layer, iterations) = try ConjugateLastLayer.maximisingEvidence(
      design: design, targets: y, noise: noise, initialPriorPrecision: 10)
    #expect(iterations > 1 && iterations < 10_000)
    var sigma2 = 1.0
    if case .homoscedastic(let v) = layer.noise { sigma2 = v }
    #expect(perExample == (layer.noise == noise))  // per-example variances are kept as given
    func evidence(_ a: Double, _ b: Double) throws -> Double {
      try ConjugateLastLayer(
        design: design, targets: y, priorPrecision: layer.priorPrecision * exp(a),
        noise: perExample ? noise : .homoscedastic(variance: sigma2 * exp(b))
      ).logEvidence
    }
    let h = 1e-4
    let slopeAlpha = (try evidence(h, 0) - evidence(-h, 0)) / (2 * h)
    #expect(abs(slopeAlpha) < 1e-5, "∂/∂log α = \(slopeAlpha)")
    if !perExample {
      let slopeNoise = (try evidence(0, h) - evidence(0, -h)) / (2 * h)
      #expect(abs(slopeNoise) < 1e-5, "∂/∂log σ² = \(slopeNoise)")
    }
    // A maximum, not just a stationary point: every neighbour on a grid is lower.
    for a in [-0.3, 0, 0.3] {
      for b in perExample ? [0.0] : [-0.3, 0, 0.3] where a != 0 || b != 0 {
        #expect(try evidence(a, b) < layer.logEvidence)
      }
    }
  }

  @Test func theConjugateLayerIsLastLayerLaplaceAtItsMean() throws {
    var rng = Generator(seed: 26)
    let model = Self.network([1, 6, 1], seed: 27)
    let x = rng.uniformMatrix(rows: 30, columns: 1, -2, 2)
    let y = x.map { sin($0) + 0.2 * rng.normal() }
    let data = Dataset(inputs: x, targets: .values(y))
    let design = LastLayerDesign.rows(model.lastLayerFeatures(at: x))
    let (layer, _) = try ConjugateLastLayer.maximisingEvidence(
      design: design, targets: y, noise: .homoscedastic(variance: 0.1))
    guard case .homoscedastic(let variance) = layer.noise else {
      Issue.record("the noise model changed")
      return
    }
    let laplace = try LaplaceApproximation(
      model: model.replacingLastLayer(withWeights: layer.posterior.mean.storage), data: data,
      likelihood: .gaussian(noiseStandardDeviation: variance.squareRoot()), subset: .lastLayer,
      structure: .full, priorPrecision: layer.priorPrecision)
    expectClose(try laplace.posteriorCovariance(), layer.posterior.covariance, tolerance: 1e-10)
    expectClose(try laplace.logMarginalLikelihood(), layer.logEvidence, tolerance: 1e-10)
    let probes = Matrix.column([-3, 0, 1.5, 4])
    let ours = layer.predictive(at: LastLayerDesign.rows(model.lastLayerFeatures(at: probes)))
    let theirs = laplace.regressionPredictive(at: probes)
    for i in 0..<4 {
      expectClose(ours.mean[i], theirs.mean[i], tolerance: 1e-10)
      expectClose(ours.total[i], theirs.total[i], tolerance: 1e-10)
    }
  }

  /// A tanh backbone with a mean-field last layer whose σ are spread out, and a batch.
  static func variationalNetwork() -> (model: MLP, layer: BayesianDense, batch: Dataset) {
    var rng = Generator(seed: 31)
    let backbone = network([3, 4, 2], seed: 32)
    let layer = BayesianDense(
      inputs: 4, outputs: 2, priorStandardDeviation: 0.8, initialStandardDeviation: 0.3,
      name: "last", using: &rng)
    layer.weightScale.value = layer.weightScale.value + rng.normalMatrix(rows: 4, columns: 2) * 0.3
    layer.biasMean.value = rng.normalMatrix(rows: 1, columns: 2)
    let batch = Dataset(
      inputs: rng.normalMatrix(rows: 5, columns: 3), targets: .classes([0, 1, 1, 0, 1]))
    return (backbone.replacingLastLayer(with: layer), layer, batch)
  }

  @Test func endToEndGradientsMatchFiniteDifferences() {
    let (model, _, batch) = Self.variationalNetwork()
    let objective = VariationalLastLayer(
      model: model, likelihood: .categorical, backbonePriorStandardDeviation: 1.3, samples: 3)
    expectParameterGradientsMatchFiniteDifferences(model.parameters, tolerance: 1e-6) { _ in
      var rng = Generator(seed: 33)  // the same draws at every evaluation
      return objective.loss(on: batch, datasetSize: 40, using: &rng).total
    }
  }

  @Test func withoutABackboneItIsBayesByBackpropAndTheBackbonePriorIsWeightDecay() {
    let (model, layer, batch) = Self.variationalNetwork()
    let features = Dataset(
      inputs: model.lastLayerFeatures(at: batch.inputs), targets: batch.targets)
    let alone = MLP(layers: [layer], activation: .identity)
    var (a, b) = (Generator(seed: 34), Generator(seed: 34))
    let ours = VariationalLastLayer(
      model: alone, likelihood: .categorical, backbonePriorStandardDeviation: nil, samples: 4
    ).loss(on: features, datasetSize: 40, using: &a)
    let reference = BayesByBackprop(model: alone, likelihood: .categorical, samples: 4).loss(
      on: features, datasetSize: 40, using: &b)
    expectClose(ours.total.value.scalarValue, reference.total.value.scalarValue, tolerance: 1e-12)
    // With a backbone: the same draws, plus ‖ψ‖²/(2σp²N).
    var (c, d) = (Generator(seed: 35), Generator(seed: 35))
    let withPrior = VariationalLastLayer(
      model: model, likelihood: .categorical, backbonePriorStandardDeviation: 1.3, samples: 2
    ).loss(on: batch, datasetSize: 40, using: &c)
    let withoutPrior = VariationalLastLayer(
      model: model, likelihood: .categorical, backbonePriorStandardDeviation: nil, samples: 2
    ).loss(on: batch, datasetSize: 40, using: &d)
    let squaredNorm = model.layers[0].parameters.reduce(0.0) { total, p in
      total + p.value.storage.reduce(0) { $0 + $1 * $1 }
    }
    expectClose(
      withPrior.total.value.scalarValue - withoutPrior.total.value.scalarValue,
      squaredNorm / (2 * 1.3 * 1.3 * 40), tolerance: 1e-12)
  }

  @Test func probabilitySamplesDrawOnlyTheLastLayer() {
    let (model, _, batch) = Self.variationalNetwork()
    var (a, b) = (Generator(seed: 36), Generator(seed: 36))
    // The backbone draws nothing, so both routes consume the same noise.
    let ours = VariationalLastLayer.probabilitySamples(
      of: model, at: batch.inputs, samples: 5, using: &a)
    let reference = MonteCarloPredictive.probabilitySamples(
      of: model, at: batch.inputs, samples: 5, using: &b)
    for (x, y) in zip(ours, reference) { expectClose(x, y, tolerance: 1e-12) }
    #expect(ours[0].maxAbsDifference(ours[1]) > 1e-3)  // the draws differ
  }
}
