import Foundation
import TestSupport
import Testing

@testable import BayesianDL

/// The Laplace core against independent references: Bayesian linear regression (where
/// Laplace is exact), Jacobians by finite differences, dense matrices built by hand,
/// and Monte Carlo with tolerances from its standard error.
@Suite struct LaplaceCoreTests {
  /// A small tanh network and a regression data set on it.
  static func regression(sizes: [Int] = [1, 5, 4, 1], count: Int = 12, seed: UInt64 = 7)
    -> (model: MLP, data: Dataset)
  {
    var rng = Generator(seed: seed)
    let model = MLP(sizes: sizes, activation: .tanh, using: &rng)
    for p in model.parameters {
      p.value =
        p.value
        + rng.normalMatrix(rows: p.value.rows, columns: p.value.columns, standardDeviation: 0.3)
    }
    let x = rng.uniformMatrix(rows: count, columns: sizes[0], -2, 2)
    let y = Matrix(rows: count, columns: sizes.last!) { i, _ in sin(x[i, 0]) + 0.2 * rng.normal() }
    return (model, Dataset(inputs: x, targets: .values(y)))
  }

  /// A small tanh classifier and labelled data.
  static func classification(classes: Int = 3, count: Int = 15, seed: UInt64 = 9)
    -> (model: MLP, data: Dataset)
  {
    var rng = Generator(seed: seed)
    let model = MLP(sizes: [2, 4, classes], activation: .tanh, using: &rng)
    let x = rng.normalMatrix(rows: count, columns: 2)
    let labels = (0..<count).map { _ in Int(rng.next() % UInt64(classes)) }
    return (model, Dataset(inputs: x, targets: .classes(labels)))
  }

  /// The Jacobian of the outputs over all weights at one input, by central differences.
  static func finiteDifferenceJacobian(_ model: MLP, at x: Matrix) -> Matrix {
    let layers = try! NetworkLinearisation.denseLayers(of: model)
    let range = 0..<layers.count
    let theta = DenseParameters.vector(of: layers, range)
    var rng = Generator(seed: 0)
    let k = model.outputs
    var j = Matrix(rows: k, columns: theta.count)
    let h = 1e-6
    for i in theta.indices {
      var plus = theta
      var minus = theta
      plus[i] += h
      minus[i] -= h
      let fp = MLP(
        layers: DenseParameters.layers(layers, range, replacedBy: plus),
        activation: model.activation
      ).predict(x, using: &rng)
      let fm = MLP(
        layers: DenseParameters.layers(layers, range, replacedBy: minus),
        activation: model.activation
      ).predict(x, using: &rng)
      for c in 0..<k { j[c, i] = (fp[0, c] - fm[0, c]) / (2 * h) }
    }
    return j
  }

  @Test func jacobianProductsMatchFiniteDifferences() throws {
    let (model, data) = Self.classification()
    let network = try NetworkLinearisation(model: model, inputs: data.inputs.rows(0..<1))
    let reference = Self.finiteDifferenceJacobian(model, at: data.inputs.rows(0..<1))
    for c in 0..<model.outputs {
      let seed = Matrix(rows: 1, columns: model.outputs) { _, j in j == c ? 1 : 0 }
      let row = network.jacobianProducts(seed, layers: 0..<2)
      #expect(row.maxAbsDifference(reference.row(c)) < 1e-8)
    }
  }

  @Test func summedJacobianProductsAreTheColumnSumsOfThePerExampleRows() throws {
    let (model, data) = Self.classification()
    let network = try NetworkLinearisation(model: model, inputs: data.inputs)
    var rng = Generator(seed: 7)
    let seed = rng.normalMatrix(rows: data.count, columns: model.outputs)
    let rows = network.jacobianProducts(seed, layers: 0..<2).sum(over: .rows).storage
    let summed = network.summedJacobianProducts(seed, layers: 0..<2)
    #expect(zip(rows, summed).allSatisfy { abs($0 - $1) < 1e-12 * (1 + abs($0)) })
  }

  /// The GGN built by hand from finite-difference Jacobians: Σₙ Jₙᵀ Λₙ Jₙ.
  static func referenceGGN(_ model: MLP, _ data: Dataset, categorical: Bool) -> Matrix {
    var ggn: Matrix? = nil
    for n in 0..<data.count {
      let x = data.inputs.rows(n..<(n + 1))
      let j = finiteDifferenceJacobian(model, at: x)
      var lambda = Matrix.identity(model.outputs)
      if categorical {
        var rng = Generator(seed: 0)
        let p = model.predict(x, using: &rng).softmaxRows()
        lambda = Matrix(rows: model.outputs, columns: model.outputs) { a, b in
          (a == b ? p[0, a] : 0) - p[0, a] * p[0, b]
        }
      }
      let term = Matrix.product(j, lambda.matmul(j), transposeA: true)
      ggn = ggn.map { $0 + term } ?? term
    }
    return ggn!
  }

  @Test(arguments: [false, true]) func fullAndDiagonalGGNMatchTheHandBuiltOne(categorical: Bool)
    throws
  {
    let (model, data) = categorical ? Self.classification() : Self.regression()
    let likelihood: Likelihood = categorical ? .categorical : .gaussian(noiseStandardDeviation: 0.5)
    let reference = Self.referenceGGN(model, data, categorical: categorical)
    let full = try LaplaceApproximation(
      model: model, data: data, likelihood: likelihood, subset: .all, structure: .full)
    let diagonal = try LaplaceApproximation(
      model: model, data: data, likelihood: likelihood, subset: .all, structure: .diagonal)
    let scale = reference.storage.map(abs).max()!
    #expect(full.curvature.dense().maxAbsDifference(reference) < 1e-6 * scale)
    #expect(
      diagonal.curvature.dense().maxAbsDifference(Matrix.diagonal(reference.diagonalEntries)) < 1e-6
        * scale)
  }

  @Test func lowRankFullCurvatureEqualsTheDenseOne() throws {
    // 12 examples, 1 output, 23 weights: the GGN has rank ≤ 12 and goes through the Gram matrix.
    let (model, data) = Self.regression(sizes: [1, 5, 2, 1])
    let laplace = try LaplaceApproximation(
      model: model, data: data, likelihood: .gaussian(noiseStandardDeviation: 0.5), subset: .all,
      structure: .full)
    #expect(laplace.curvature.eigenvalues.count <= data.count)
    let dense = try FullCurvature(dense: laplace.curvature.dense())
    let j = Self.finiteDifferenceJacobian(model, at: Matrix([[0.3]]))
    for delta in [0.1, 2.0] {
      let lowRank = laplace.curvature.covariance(of: j, scale: 4, priorPrecision: delta)
      let reference = try
        (laplace.curvature.dense() * 4 + Matrix.identity(laplace.parameterCount) * delta).inverse()
      #expect(lowRank.maxAbsDifference(j.matmul(reference).matmul(j.transposed)) < 1e-10)
      #expect(
        abs(
          laplace.curvature.logDeterminant(scale: 4, priorPrecision: delta)
            - dense.logDeterminant(scale: 4, priorPrecision: delta)) < 1e-8)
    }
  }

  @Test func lastLayerLaplaceOnFixedFeaturesIsBayesianLinearRegression() throws {
    var (model, data) = Self.regression(sizes: [1, 6, 1], count: 20)
    let layers = try NetworkLinearisation.denseLayers(of: model)
    let sigma = 0.3
    let delta = 1.7
    // Features [φ(x), 1], and the exact posterior of the last layer's weights.
    let network = NetworkLinearisation(layers: layers, activation: .tanh, inputs: data.inputs)
    let features = LastLayerDesign.rows(network.layerInputs[1])
    let exact = try BayesianLinearRegression(
      features: features, targets: data.targets.values, priorPrecision: delta,
      noiseVariance: sigma * sigma)
    // Put the last layer at the posterior mean: the MAP of a linear-Gaussian model.
    let mean = exact.posterior.mean.storage
    layers[1].weight.value = Matrix(rows: 6, columns: 1, storage: Array(mean[0..<6]))
    layers[1].bias.value = Matrix(rows: 1, columns: 1, storage: [mean[6]])
    model = MLP(layers: layers, activation: .tanh)
    for structure in HessianStructure.allCases {
      let laplace = try LaplaceApproximation(
        model: model, data: data, likelihood: .gaussian(noiseStandardDeviation: sigma),
        subset: .lastLayer, structure: structure, priorPrecision: delta)
      if structure == .diagonal { continue }  // the diagonal drops the correlations on purpose
      #expect(
        try laplace.posteriorCovariance().maxAbsDifference(exact.posterior.covariance) < 1e-10)
      #expect(abs(try laplace.logMarginalLikelihood() - exact.logEvidence) < 1e-9)
      let xs = Matrix.column([-3, 0, 2.5])
      let predictive = laplace.regressionPredictive(at: xs)
      let testFeatures = LastLayerDesign.rows(
        NetworkLinearisation(layers: layers, activation: .tanh, inputs: xs).layerInputs[1])
      let reference = exact.predictive(at: testFeatures, under: exact.posterior)
      for t in 0..<3 {
        #expect(abs(predictive.mean[t] - reference.mean[t]) < 1e-10)
        #expect(abs(predictive.total[t] - reference.variance[t]) < 1e-10)
      }
    }
  }

  @Test func hessianEqualsGGNForALinearModelAndDiffersForANetwork() throws {
    let (linear, linearData) = Self.regression(sizes: [1, 1])
    let h = try LaplaceApproximation(
      model: linear, data: linearData, likelihood: .gaussian(noiseStandardDeviation: 1),
      subset: .all, structure: .full, kind: .hessian)
    let g = try LaplaceApproximation(
      model: linear, data: linearData, likelihood: .gaussian(noiseStandardDeviation: 1),
      subset: .all, structure: .full, kind: .ggn)
    #expect(h.curvature.dense().maxAbsDifference(g.curvature.dense()) < 1e-7)
    let (model, data) = Self.regression()
    let hn = try LaplaceApproximation(
      model: model, data: data, likelihood: .gaussian(noiseStandardDeviation: 1), subset: .all,
      structure: .full, kind: .hessian)
    let gn = try LaplaceApproximation(
      model: model, data: data, likelihood: .gaussian(noiseStandardDeviation: 1), subset: .all,
      structure: .full, kind: .ggn)
    #expect(hn.curvature.dense().maxAbsDifference(gn.curvature.dense()) > 1e-3)
    #expect(gn.curvature.eigenvalues.min()! > -1e-9)
  }

  @Test func kroneckerIsExactForOneExampleAndForARegressionLastLayer() throws {
    let (model, data) = Self.classification(count: 1)
    let kfac = try LaplaceApproximation(
      model: model, data: data, likelihood: .categorical, subset: .all, structure: .kronecker)
    let full = try LaplaceApproximation(
      model: model, data: data, likelihood: .categorical, subset: .all, structure: .full)
    // One example: Σₙ a aᵀ ⊗ Σ_c δδᵀ is a single product, but layers stay independent.
    let f = full.curvature.dense()
    let k = kfac.curvature.dense()
    let firstBlock = 3 * 4
    for i in 0..<firstBlock { for j in 0..<firstBlock { #expect(abs(f[i, j] - k[i, j]) < 1e-12) } }
    let (rm, rd) = Self.regression()
    let lastK = try LaplaceApproximation(
      model: rm, data: rd, likelihood: .gaussian(noiseStandardDeviation: 1), structure: .kronecker)
    let lastF = try LaplaceApproximation(
      model: rm, data: rd, likelihood: .gaussian(noiseStandardDeviation: 1), structure: .full)
    #expect(lastK.curvature.dense().maxAbsDifference(lastF.curvature.dense()) < 1e-10)
  }

  @Test(arguments: HessianStructure.allCases)
  func covarianceBlocksAndSamplesAgreeWithTheDenseCovariance(structure: HessianStructure) throws {
    let (model, data) = Self.classification()
    let laplace = try LaplaceApproximation(
      model: model, data: data, likelihood: .categorical, subset: .all, structure: structure,
      priorPrecision: 0.8)
    let sigma = try (laplace.posteriorPrecision).inverse()
    #expect(try laplace.posteriorCovariance().maxAbsDifference(sigma) < 1e-10)
    let xs = Matrix([[0.5, -1], [4, 4]])
    let (_, rows) = laplace.jacobian(at: xs)
    let blocks = laplace.glmPredictive(at: xs).covariance
    let dense = rows.matmul(sigma).matmul(rows.transposed)
    for t in 0..<2 {
      for a in 0..<3 {
        for b in 0..<3 {
          #expect(abs(blocks[t, a * 3 + b] - dense[t * 3 + a, t * 3 + b]) < 1e-10)
        }
      }
    }
    // Sampled deviations: each variance within 5 standard errors of Σᵢᵢ.
    var rng = Generator(seed: 4)
    let s = 4000
    var sums = [Double](repeating: 0, count: laplace.parameterCount)
    for _ in 0..<s {
      let d = laplace.curvature.sampleDeviation(scale: 1, priorPrecision: 0.8, using: &rng)
      for i in d.indices { sums[i] += d[i] * d[i] }
    }
    for i in 0..<laplace.parameterCount {
      let variance = sigma[i, i]
      #expect(abs(sums[i] / Double(s) - variance) < 5 * variance * (2.0 / Double(s)).squareRoot())
    }
  }

  @Test func marginalLikelihoodGradientMatchesFiniteDifferencesAndTheOptimumIsStationary() throws {
    let (model, data) = Self.regression()
    for kind in [CurvatureKind.ggn, .empiricalFisher] {
      var laplace = try LaplaceApproximation(
        model: model, data: data, likelihood: .gaussian(noiseStandardDeviation: 0.4), subset: .all,
        structure: .full, kind: kind, priorPrecision: 0.9)
      let (d, s) = (0.9, 0.4)
      let h = 1e-5
      let g = laplace.logMarginalLikelihoodGradient(priorPrecision: d, noiseStandardDeviation: s)
      let fdDelta =
        (try laplace.logMarginalLikelihood(priorPrecision: d * exp(h), noiseStandardDeviation: s)
          - laplace.logMarginalLikelihood(priorPrecision: d * exp(-h), noiseStandardDeviation: s))
        / (2 * h)
      let fdSigma =
        (try laplace.logMarginalLikelihood(priorPrecision: d, noiseStandardDeviation: s * exp(h))
          - laplace.logMarginalLikelihood(priorPrecision: d, noiseStandardDeviation: s * exp(-h)))
        / (2 * h)
      #expect(abs(g.logPriorPrecision - fdDelta) < 1e-6)
      #expect(abs(g.logNoise - fdSigma) < 1e-6)
      let history = try laplace.optimiseMarginalLikelihood()
      #expect(zip(history, history.dropFirst()).allSatisfy { $0 <= $1 })
      let at = laplace.logMarginalLikelihoodGradient(
        priorPrecision: laplace.priorPrecision,
        noiseStandardDeviation: laplace.noiseStandardDeviation)
      #expect(abs(at.logPriorPrecision) < 1e-6 && abs(at.logNoise) < 1e-6)
    }
  }

  @Test func probitIsCloseToMonteCarloOverTheSameGaussian() throws {
    let (model, data) = Self.classification(classes: 2, count: 30)
    let laplace = try LaplaceApproximation(
      model: model, data: data, likelihood: .categorical, subset: .all, structure: .full,
      priorPrecision: 0.5)
    let xs = Matrix([[0, 0], [1, -1], [3, 3], [-4, 2]])
    var rng = Generator(seed: 1)
    let mc = laplace.glmSampledProbabilities(at: xs, samples: 20000, using: &rng)
    let probit = laplace.probitProbabilities(at: xs)
    #expect(probit.maxAbsDifference(mc) < 0.03)
  }

  @Test func unsupportedInputsGiveClearErrors() throws {
    var rng = Generator(seed: 1)
    let dropout = MLP(sizes: [1, 4, 1], dropout: 0.5, using: &rng)
    let data = Dataset(inputs: Matrix([[0.0]]), targets: .values(Matrix([[1.0]])))
    #expect(throws: LaplaceError.unsupportedLayer(index: 1, type: "Dropout")) {
      try LaplaceApproximation(
        model: dropout, data: data, likelihood: .gaussian(noiseStandardDeviation: 1))
    }
    let plain = MLP(sizes: [1, 4, 1], using: &rng)
    #expect(throws: LaplaceError.self) {
      try LaplaceApproximation(model: plain, data: data, likelihood: .heteroscedastic)
    }
    #expect(throws: LaplaceError.self) {
      try LaplaceApproximation(
        model: plain, data: data, likelihood: .gaussian(noiseStandardDeviation: 1),
        structure: .kronecker, kind: .hessian)
    }
  }

  @Test(arguments: [false, true]) func exactHessianMatchesSecondDifferencesOfTheLoss(
    categorical: Bool
  ) throws {
    let (model, data) = categorical ? Self.classification(count: 8) : Self.regression(count: 8)
    let likelihood: Likelihood = categorical ? .categorical : .gaussian(noiseStandardDeviation: 1)
    let layers = try NetworkLinearisation.denseLayers(of: model)
    let range = 0..<layers.count
    let theta = DenseParameters.vector(of: layers, range)
    func loss(_ point: [Double]) -> Double {
      let moved = DenseParameters.layers(layers, range, replacedBy: point)
      let outputs = NetworkLinearisation(layers: moved, activation: .tanh, inputs: data.inputs)
        .outputs
      return LaplaceLikelihood.misfit(outputs, likelihood: likelihood, targets: data.targets)
    }
    let hessian = CurvatureEstimation.exactHessian(
      network: NetworkLinearisation(layers: layers, activation: .tanh, inputs: data.inputs),
      likelihood: likelihood, targets: data.targets, layers: range)
    let h = 1e-4
    let scale = hessian.storage.map(abs).max()!
    for i in stride(from: 0, to: theta.count, by: 3) {
      for j in stride(from: 0, to: theta.count, by: 2) {
        func at(_ a: Double, _ b: Double) -> Double {
          var p = theta
          p[i] += a
          p[j] += b
          return loss(p)
        }
        let reference = (at(h, h) - at(h, -h) - at(-h, h) + at(-h, -h)) / (4 * h * h)
        #expect(abs(hessian[i, j] - reference) < 1e-5 * scale, "H[\(i), \(j)]")
      }
    }
  }
}
