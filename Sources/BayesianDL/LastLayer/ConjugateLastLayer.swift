import Foundation

/// The exact Bayesian last layer of a regression network: Bayesian linear regression on
/// the frozen features, with a Gaussian prior and Gaussian noise, so that the posterior,
/// the predictive and the evidence need no approximation.
///
/// With design rows $\phi_n = [\phi(x_n), 1]$ (``LastLayerDesign``), prior
/// $\theta \sim \mathcal N(0, \alpha^{-1}I)$ and noise $y_n \sim \mathcal N(\phi_n\theta, \sigma_n^2)$,
/// $$A = \alpha I + \sum_n \phi_n^\top\phi_n/\sigma_n^2, \qquad p(\theta \mid D) = \mathcal N(m, A^{-1}), \qquad m = A^{-1}\sum_n\phi_n^\top y_n/\sigma_n^2.$$
/// The noise is either one level for all targets (homoscedastic) or a known level per
/// target (heteroscedastic: $\sigma_n^2$ read off a trained log-variance head). The second
/// is the first after scaling each row and target by $1/\sigma_n$, which turns the noise
/// into $\mathcal N(0, 1)$ exactly; the evidence of the original targets is that of the
/// scaled ones plus the log-Jacobian $-\sum_n\log\sigma_n$.
public struct ConjugateLastLayer: Sendable {
  /// How the observation noise is modelled.
  public enum Noise: Sendable, Equatable {
    /// One variance $\sigma^2$ for every target.
    case homoscedastic(variance: Double)
    /// A known variance $\sigma_n^2$ for each training target, in their order.
    case perExample(variances: [Double])
  }

  /// The design rows $[\phi(x_n), 1]$, `[n, d]`.
  public let design: Matrix
  /// The targets $y$, `[n, 1]`.
  public let targets: Matrix
  /// The prior precision $\alpha$.
  public let priorPrecision: Double
  /// The noise model.
  public let noise: Noise
  /// The exact posterior $\mathcal N(m, A^{-1})$ over the last layer's weights, in the
  /// order of the design's columns (the weights, then the bias).
  public let posterior: MultivariateGaussian
  /// The posterior precision $A$, `[d, d]`.
  public let posteriorPrecision: Matrix
  /// The exact log evidence $\log p(y \mid \alpha, \sigma) = \log\mathcal N(y;\ 0,\ \Phi\Phi^\top/\alpha + \operatorname{diag}\sigma_n^2)$.
  public let logEvidence: Double

  /// Computes the posterior and the evidence.
  ///
  /// - Parameters:
  ///   - design: $[\phi, 1]$, `[n, d]`.
  ///   - targets: $y$, `[n, 1]`.
  ///   - priorPrecision: $\alpha > 0$.
  ///   - noise: the noise variance(s), all positive.
  /// - Throws: ``LinearAlgebraError`` if $A$ is numerically singular.
  public init(design: Matrix, targets: Matrix, priorPrecision: Double, noise: Noise) throws {
    precondition(
      targets.rows == design.rows && targets.columns == 1,
      "ConjugateLastLayer: targets must be [\(design.rows), 1], not [\(targets.rows), \(targets.columns)]"
    )
    self.design = design
    self.targets = targets
    self.priorPrecision = priorPrecision
    self.noise = noise
    switch noise {
    case .homoscedastic(let variance):
      let regression = try BayesianLinearRegression(
        features: design, targets: targets, priorPrecision: priorPrecision,
        noiseVariance: variance)
      (posterior, posteriorPrecision, logEvidence) = (
        regression.posterior, regression.posteriorPrecision, regression.logEvidence
      )
    case .perExample(let variances):
      let (scaledDesign, scaledTargets) = ConjugateLastLayer.whitened(design, targets, variances)
      let regression = try BayesianLinearRegression(
        features: scaledDesign, targets: scaledTargets, priorPrecision: priorPrecision,
        noiseVariance: 1)
      (posterior, posteriorPrecision) = (regression.posterior, regression.posteriorPrecision)
      logEvidence = regression.logEvidence - 0.5 * variances.reduce(0) { $0 + log($1) }
    }
  }

  /// The predictive at new design rows: mean $\phi_*m$, epistemic variance
  /// $\phi_*A^{-1}\phi_*^\top$ and the given aleatoric variances.
  ///
  /// - Parameters:
  ///   - newDesign: $[\phi(x_*), 1]$, `[k, d]`.
  ///   - noiseVariances: $\sigma^2(x_*)$ for each new input.
  public func predictive(at newDesign: Matrix, noiseVariances: [Double]) -> RegressionPredictive {
    precondition(
      noiseVariances.count == newDesign.rows,
      "ConjugateLastLayer.predictive: \(noiseVariances.count) noise variances for \(newDesign.rows) inputs"
    )
    let mean = newDesign.matmul(posterior.mean).storage
    let spread = newDesign.matmul(posterior.choleskyFactor)  // row i: φᵢL, ‖φᵢL‖² = φᵢA⁻¹φᵢᵀ
    let epistemic = (spread * spread).sum(over: .columns).storage
    return RegressionPredictive(mean: mean, aleatoric: noiseVariances, epistemic: epistemic)
  }

  /// The predictive of a homoscedastic layer: its one noise variance at every input.
  ///
  /// - Parameter newDesign: $[\phi(x_*), 1]$, `[k, d]`.
  public func predictive(at newDesign: Matrix) -> RegressionPredictive {
    guard case .homoscedastic(let variance) = noise else {
      preconditionFailure(
        "ConjugateLastLayer.predictive: a per-example noise model needs the new inputs' variances")
    }
    return predictive(
      at: newDesign, noiseVariances: [Double](repeating: variance, count: newDesign.rows))
  }

  /// Rows and targets divided by $\sigma_n$.
  static func whitened(_ design: Matrix, _ targets: Matrix, _ variances: [Double]) -> (
    Matrix, Matrix
  ) {
    precondition(
      variances.count == design.rows,
      "ConjugateLastLayer: \(variances.count) noise variances for \(design.rows) examples")
    precondition(
      variances.allSatisfy { $0 > 0 && $0.isFinite },
      "ConjugateLastLayer: noise variances must be positive and finite")
    let scale = Matrix.column(variances.map { 1 / $0.squareRoot() })
    return (design * scale, targets * scale)
  }
}

extension ConjugateLastLayer {
  /// The last layer whose prior precision $\alpha$ (and, for homoscedastic noise, noise
  /// variance $\sigma^2$) maximise the exact evidence — type-II maximum likelihood, or
  /// "empirical Bayes" — by MacKay's fixed-point updates (Bishop 2006, §3.5.2):
  /// $$\gamma = \sum_i \frac{\lambda_i}{\lambda_i + \alpha}, \qquad \alpha \leftarrow \frac{\gamma}{\lVert m\rVert^2}, \qquad \sigma^2 \leftarrow \frac{\lVert y - \Phi m\rVert^2}{n - \gamma},$$
  /// with $\lambda_i$ the eigenvalues of $\sum_n\phi_n^\top\phi_n/\sigma_n^2$ and $\gamma$ the
  /// effective number of weights the data determine. Each update sets the derivative of
  /// the log evidence in that variable to zero with the others held, so a fixed point is a
  /// stationary point of the evidence. One eigendecomposition serves every iteration.
  ///
  /// - Parameters:
  ///   - design: $[\phi, 1]$, `[n, d]`.
  ///   - targets: $y$, `[n, 1]`.
  ///   - noise: the starting noise variance (homoscedastic; tuned) or the known
  ///     per-example variances (kept as they are).
  ///   - initialPriorPrecision: the starting $\alpha$.
  ///   - tolerance: stop when $\log\alpha$ and $\log\sigma^2$ move less than this.
  ///   - maxIterations: the largest number of updates.
  /// - Returns: the layer at the final $\alpha$ (and $\sigma^2$), and the number of updates.
  /// - Throws: ``LinearAlgebraError`` if an eigendecomposition or the final posterior
  ///   fails.
  public static func maximisingEvidence(
    design: Matrix, targets: Matrix, noise: Noise, initialPriorPrecision: Double = 1,
    tolerance: Double = 1e-10, maxIterations: Int = 10_000
  ) throws -> (layer: ConjugateLastLayer, iterations: Int) {
    precondition(initialPriorPrecision > 0, "maximisingEvidence: α must start positive")
    let n = Double(design.rows)
    // Work with scaled rows so that the noise is N(0, β⁻¹) with β tuned (homoscedastic)
    // or β = 1 fixed (per-example variances already divided out).
    var (phi, y) = (design, targets)
    var beta = 1.0
    var tuneNoise = false
    switch noise {
    case .homoscedastic(let variance):
      precondition(variance > 0, "maximisingEvidence: σ² must start positive")
      beta = 1 / variance
      tuneNoise = true
    case .perExample(let variances):
      (phi, y) = whitened(design, targets, variances)
    }
    let gram = Matrix.product(phi, phi, transposeA: true)  // ΦᵀΦ, [d, d]
    let (lambdas, vectors) = try gram.symmetricEigen()
    let projected = Matrix.product(
      vectors, Matrix.product(phi, y, transposeA: true), transposeA: true)
    var alpha = initialPriorPrecision
    var iterations = 0
    while iterations < maxIterations {
      iterations += 1
      // m = β V diag(1/(βλ + α)) Vᵀ Φᵀy; γ = Σ βλ/(βλ + α).
      var coefficients = projected
      var gamma = 0.0
      for i in lambdas.indices {
        let lambda = Swift.max(lambdas[i], 0) * beta  // eigenvalues of a Gram matrix are ≥ 0
        coefficients.storage[i] *= beta / (lambda + alpha)
        gamma += lambda / (lambda + alpha)
      }
      let m = vectors.matmul(coefficients)
      let squaredNorm = m.storage.reduce(0) { $0 + $1 * $1 }
      let newAlpha = gamma / squaredNorm
      var newBeta = beta
      if tuneNoise {
        let residual = y - phi.matmul(m)
        newBeta = (n - gamma) / residual.storage.reduce(0) { $0 + $1 * $1 }
      }
      let moved = Swift.max(abs(log(newAlpha / alpha)), abs(log(newBeta / beta)))
      (alpha, beta) = (newAlpha, newBeta)
      if !(moved > tolerance) { break }
    }
    let fitted: Noise = tuneNoise ? .homoscedastic(variance: 1 / beta) : noise
    return (
      try ConjugateLastLayer(
        design: design, targets: targets, priorPrecision: alpha, noise: fitted),
      iterations
    )
  }
}
