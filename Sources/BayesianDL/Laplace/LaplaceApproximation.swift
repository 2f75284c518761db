import Foundation

/// The Laplace approximation of a trained network's posterior (MacKay 1992; Daxberger
/// et al. 2021, "Laplace Redux"): a Gaussian centred at the MAP weights $\theta_*$ whose
/// precision is the curvature of the negative log-posterior there,
/// $$p(\theta \mid D) \approx \mathcal N\big(\theta_*,\ \Lambda^{-1}\big), \qquad \Lambda = s^k C + \delta I,$$
/// with $C$ the data term's curvature (``CurvatureKind``) in some ``HessianStructure``,
/// $\delta$ the prior precision of $\theta \sim \mathcal N(0, \delta^{-1}I)$, and for the
/// Gaussian likelihood $s = 1/\sigma^2$ to the power $k$ the curvature carries (1 for the
/// GGN and Hessian, 2 for the empirical Fisher; $k = 0$ for classification).
///
/// Definitions follow laplace-torch, so that the same weights and data give the same
/// numbers: the prior and the noise level enter only here (not in $C$), the marginal
/// likelihood is $\log p(D \mid \theta_*) - \frac12(\log\det\Lambda - \log\det\delta I) - \frac\delta2\lVert\theta_*\rVert^2$,
/// and the predictives are the linearised (GLM) one, its probit approximation, and the
/// Monte Carlo average over sampled networks.
public struct LaplaceApproximation {
  /// The network at the MAP, $f(\cdot\,;\theta_*)$.
  public let model: MLP
  /// Its dense layers.
  public let layers: [Dense]
  /// Which weights are uncertain.
  public let subset: WeightSubset
  /// The layers those weights belong to (the last one, or all).
  public let layerRange: Range<Int>
  /// How the curvature is stored.
  public let structure: HessianStructure
  /// Which curvature stands in for the Hessian.
  public let kind: CurvatureKind
  /// $C$, the curvature without its noise factor.
  public let curvature: any StructuredCurvature
  /// $k$ in $s^k C$.
  public let noisePower: Int
  /// Whether the likelihood is the Gaussian (else the categorical).
  public let isRegression: Bool
  /// $\theta_*$, the uncertain weights at the MAP, in parameter order.
  public let mode: [Double]
  /// $N$, the number of training examples.
  public let count: Int
  /// $K$, the number of network outputs.
  public let outputCount: Int
  /// The noise-free misfit at $\theta_*$: $\frac12\sum\lVert y - f\rVert^2$ or the summed cross-entropy.
  public let misfit: Double
  /// $\delta$, the prior precision.
  public var priorPrecision: Double
  /// $\sigma$, the Gaussian noise level (1 and unused for classification).
  public var noiseStandardDeviation: Double

  /// Fits the approximation: one pass over the data to form the curvature.
  ///
  /// - Parameters:
  ///   - model: a trained network of ``Dense`` layers.
  ///   - data: the training data it was trained on.
  ///   - likelihood: `.gaussian(σ)` or `.categorical`.
  ///   - subset: which weights are uncertain (default: the last layer, as laplace-torch).
  ///   - structure: how the curvature is stored (default: K-FAC, as laplace-torch).
  ///   - kind: which curvature (default: the GGN).
  ///   - priorPrecision: $\delta$ (default 1, as laplace-torch).
  /// - Throws: ``LaplaceError`` for an unsupported network, likelihood or combination.
  public init(
    model: MLP, data: Dataset, likelihood: Likelihood, subset: WeightSubset = .lastLayer,
    structure: HessianStructure = .kronecker, kind: CurvatureKind = .ggn,
    priorPrecision: Double = 1
  ) throws(LaplaceError) {
    precondition(priorPrecision > 0, "LaplaceApproximation: prior precision must be positive")
    let network = try NetworkLinearisation(model: model, inputs: data.inputs)
    self.model = model
    self.layers = network.layers
    self.subset = subset
    self.layerRange = subset == .all ? 0..<layers.count : (layers.count - 1)..<layers.count
    self.structure = structure
    self.kind = kind
    self.isRegression = try LaplaceLikelihood.isGaussian(likelihood)
    (curvature, noisePower) = try CurvatureEstimation.estimate(
      kind, structure: structure, network: network, likelihood: likelihood,
      targets: data.targets, layers: layerRange)
    mode = DenseParameters.vector(of: layers, layerRange)
    count = data.count
    outputCount = network.outputs.columns
    misfit = LaplaceLikelihood.misfit(
      network.outputs, likelihood: likelihood, targets: data.targets)
    self.priorPrecision = priorPrecision
    if case .gaussian(let sigma) = likelihood {
      noiseStandardDeviation = sigma
    } else {
      noiseStandardDeviation = 1
    }
  }

  /// $P$, the number of uncertain weights.
  public var parameterCount: Int { mode.count }

  /// $s^k$ for a noise level $\sigma$: the factor on $C$ in the posterior precision.
  ///
  /// - Parameter sigma: $\sigma$.
  public func curvatureScale(noiseStandardDeviation sigma: Double) -> Double {
    pow(1 / (sigma * sigma), Double(noisePower))
  }

  /// $s^k$ at the current noise level.
  public var curvatureScale: Double {
    curvatureScale(noiseStandardDeviation: noiseStandardDeviation)
  }

  /// $\Lambda = s^k C + \delta I$ as a dense matrix (small $P$ only).
  public var posteriorPrecision: Matrix {
    curvature.dense() * curvatureScale + Matrix.identity(parameterCount) * priorPrecision
  }

  /// $\Lambda^{-1}$ as a dense matrix (small $P$ only), from the structure's own
  /// factorisation ($J\Lambda^{-1}J^\top$ with $J = I$).
  ///
  /// - Throws: ``LaplaceError/notPositiveDefinite(eigenvalue:priorPrecision:)``.
  public func posteriorCovariance() throws(LaplaceError) -> Matrix {
    try curvature.requirePositiveDefinite(scale: curvatureScale, priorPrecision: priorPrecision)
    return curvature.covariance(
      of: Matrix.identity(parameterCount), scale: curvatureScale, priorPrecision: priorPrecision)
  }

  /// $\log p(D \mid \theta_*)$ at a noise level: $-s\cdot\text{misfit} - NK\log(\sigma\sqrt{2\pi})$
  /// for the Gaussian, $-\text{misfit}$ for the categorical.
  ///
  /// - Parameter sigma: $\sigma$ (ignored for classification).
  public func logLikelihood(noiseStandardDeviation sigma: Double) -> Double {
    guard isRegression else { return -misfit }
    return -misfit / (sigma * sigma)
      - Double(count * outputCount) * log(sigma * (2 * Double.pi).squareRoot())
  }

  /// The Laplace approximation of the log evidence,
  /// $$\log p(D) \approx \log p(D \mid \theta_*) - \tfrac12\big(\log\det\Lambda - P\log\delta\big) - \tfrac\delta2\lVert\theta_*\rVert^2,$$
  /// i.e. $\log p(D \mid \theta_*) + \log p(\theta_*) + \frac P2\log 2\pi - \frac12\log\det\Lambda$
  /// (exact for a model linear in $\theta$ with a Gaussian likelihood).
  ///
  /// - Parameters:
  ///   - delta: $\delta$ (default: the current one).
  ///   - sigma: $\sigma$ (default: the current one).
  /// - Throws: ``LaplaceError/notPositiveDefinite(eigenvalue:priorPrecision:)``.
  public func logMarginalLikelihood(
    priorPrecision delta: Double? = nil, noiseStandardDeviation sigma: Double? = nil
  )
    throws(LaplaceError) -> Double
  {
    let delta = delta ?? priorPrecision
    let sigma = sigma ?? noiseStandardDeviation
    let scale = curvatureScale(noiseStandardDeviation: sigma)
    try curvature.requirePositiveDefinite(scale: scale, priorPrecision: delta)
    let logDeterminantRatio =
      curvature.logDeterminant(scale: scale, priorPrecision: delta)
      - Double(parameterCount) * log(delta)
    let scatter = delta * mode.reduce(0) { $0 + $1 * $1 }
    return logLikelihood(noiseStandardDeviation: sigma) - 0.5 * (logDeterminantRatio + scatter)
  }

  /// The gradient of ``logMarginalLikelihood(priorPrecision:noiseStandardDeviation:)`` in
  /// the log-parameters, closed form from the curvature's eigenvalues $\lambda_i$:
  /// $$\frac{\partial}{\partial\log\delta} = \tfrac12\gamma - \tfrac\delta2\lVert\theta_*\rVert^2, \qquad
  /// \frac{\partial}{\partial\log\sigma} = 2s\cdot\text{misfit} - NK + k\gamma,$$
  /// with $\gamma = \sum_i s^k\lambda_i/(s^k\lambda_i + \delta)$ the effective number of
  /// parameters (the second is zero for classification).
  ///
  /// - Parameters:
  ///   - delta: $\delta$.
  ///   - sigma: $\sigma$.
  public func logMarginalLikelihoodGradient(
    priorPrecision delta: Double, noiseStandardDeviation sigma: Double
  )
    -> (logPriorPrecision: Double, logNoise: Double)
  {
    let scale = curvatureScale(noiseStandardDeviation: sigma)
    let gamma = curvature.effectiveParameters(scale: scale, priorPrecision: delta)
    let dDelta = 0.5 * gamma - 0.5 * delta * mode.reduce(0) { $0 + $1 * $1 }
    guard isRegression else { return (dDelta, 0) }
    let dSigma =
      2 * misfit / (sigma * sigma) - Double(count * outputCount) + Double(noisePower) * gamma
    return (dDelta, dSigma)
  }

  /// Chooses $\delta$ (and, for regression, $\sigma$) by maximising the Laplace log
  /// marginal likelihood with the curvature held fixed, by Adam steps on $\log\delta$ and
  /// $\log\sigma$ as laplace-torch does (its default learning rate 0.1), except that a step
  /// that lowers the objective is undone and the learning rate halved, so that the
  /// iteration settles on the maximum instead of circling it.
  ///
  /// - Parameters:
  ///   - tuneNoise: also choose $\sigma$ (regression only).
  ///   - steps: the largest number of steps.
  ///   - learningRate: Adam's initial step size in log-space.
  /// - Returns: the log marginal likelihood after each accepted step.
  /// - Throws: ``LaplaceError/notPositiveDefinite(eigenvalue:priorPrecision:)`` if the
  ///   starting point is not positive definite.
  @discardableResult
  public mutating func optimiseMarginalLikelihood(
    tuneNoise: Bool = true, steps: Int = 2000, learningRate: Double = 0.1
  ) throws(LaplaceError) -> [Double] {
    let tuneSigma = tuneNoise && isRegression
    var x = [log(priorPrecision), log(noiseStandardDeviation)]
    var value = try logMarginalLikelihood()
    var history = [value]
    var (m, v) = ([0.0, 0.0], [0.0, 0.0])
    var rate = learningRate
    var t = 0
    for _ in 0..<steps {
      let g = logMarginalLikelihoodGradient(
        priorPrecision: exp(x[0]), noiseStandardDeviation: exp(x[1]))
      let gradient = [g.logPriorPrecision, tuneSigma ? g.logNoise : 0]
      if gradient.allSatisfy({ abs($0) < 1e-9 }) || rate < 1e-12 { break }
      t += 1
      var candidate = x
      for i in 0..<2 {
        m[i] = 0.9 * m[i] + 0.1 * gradient[i]
        v[i] = 0.999 * v[i] + 0.001 * gradient[i] * gradient[i]
        let mHat = m[i] / (1 - pow(0.9, Double(t)))
        let vHat = v[i] / (1 - pow(0.999, Double(t)))
        candidate[i] += rate * mHat / (vHat.squareRoot() + 1e-12)  // ascent
      }
      let next = try? logMarginalLikelihood(
        priorPrecision: exp(candidate[0]), noiseStandardDeviation: exp(candidate[1]))
      if let next, next >= value {
        x = candidate
        value = next
        history.append(value)
      } else {
        rate *= 0.5
        (m, v, t) = ([0, 0], [0, 0], 0)
      }
    }
    priorPrecision = exp(x[0])
    noiseStandardDeviation = exp(x[1])
    return history
  }
}

extension LaplaceApproximation {
  /// The smallest eigenvalue of the posterior precision $\Lambda = s^kC + \delta I$ at the
  /// current $\delta$ and $\sigma$: positive exactly when the approximation is a Gaussian.
  public var smallestPrecisionEigenvalue: Double {
    curvature.smallestPrecisionEigenvalue(scale: curvatureScale, priorPrecision: priorPrecision)
  }
}
