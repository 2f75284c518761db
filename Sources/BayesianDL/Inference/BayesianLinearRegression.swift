import Foundation

/// Bayesian linear regression: the one model in which every quantity of variational
/// inference is exact.
///
/// Model: $y = \Phi w + \varepsilon$, prior $w \sim \mathcal N(0, \alpha^{-1} I)$, noise
/// $\varepsilon \sim \mathcal N(0, \sigma^2 I)$. The posterior is Gaussian,
/// $$A = \alpha I + \Phi^\top\Phi/\sigma^2, \qquad p(w \mid D) = \mathcal N(m, A^{-1}), \qquad m = A^{-1}\Phi^\top y/\sigma^2,$$
/// and so is the evidence (Bishop, 2006, eq. 3.86):
/// $$\log p(D) = \tfrac d2\log\alpha - \tfrac n2\log 2\pi\sigma^2 - \tfrac12\log\det A - \tfrac1{2\sigma^2}\lVert y - \Phi m\rVert^2 - \tfrac\alpha2\lVert m\rVert^2.$$
/// For a Gaussian $q = \mathcal N(\mu, \Sigma)$ the ELBO is closed form too, which makes
/// the identity $\log p(D) = \mathrm{ELBO}(q) + \mathrm{KL}(q\,\|\,p(w \mid D))$ checkable to
/// round-off.
public struct BayesianLinearRegression: Sendable {
  /// The design matrix $\Phi$, `[n, d]`.
  public let features: Matrix
  /// The targets $y$, `[n, 1]`.
  public let targets: Matrix
  /// The prior precision $\alpha$.
  public let priorPrecision: Double
  /// The noise variance $\sigma^2$.
  public let noiseVariance: Double
  /// The posterior precision $A$, `[d, d]`.
  public let posteriorPrecision: Matrix
  /// The exact posterior $\mathcal N(m, A^{-1})$.
  public let posterior: MultivariateGaussian
  /// The exact log evidence $\log p(D)$.
  public let logEvidence: Double

  /// Computes the posterior and the evidence.
  ///
  /// - Parameters:
  ///   - features: $\Phi$, `[n, d]`.
  ///   - targets: $y$, `[n, 1]`.
  ///   - priorPrecision: $\alpha > 0$.
  ///   - noiseVariance: $\sigma^2 > 0$.
  /// - Throws: ``LinearAlgebraError`` if $A$ is numerically singular (e.g. a vanishing
  ///   $\alpha$ with collinear features).
  public init(features: Matrix, targets: Matrix, priorPrecision: Double, noiseVariance: Double)
    throws
  {
    precondition(
      priorPrecision > 0 && noiseVariance > 0, "BayesianLinearRegression: α and σ² must be positive"
    )
    precondition(
      targets.rows == features.rows && targets.columns == 1,
      "BayesianLinearRegression: targets must be [\(features.rows), 1]")
    self.features = features
    self.targets = targets
    self.priorPrecision = priorPrecision
    self.noiseVariance = noiseVariance
    (posteriorPrecision, posterior) = try BayesianLinearRegression.gaussianPosterior(
      features: features, targets: targets, priorPrecision: priorPrecision,
      likelihoodVariance: noiseVariance)
    let n = Double(features.rows)
    let d = Double(features.columns)
    let m = posterior.mean
    let residual = targets - features.matmul(m)
    let precisionLogDeterminant = -posterior.logDeterminant  // log det A = −log det A⁻¹
    logEvidence =
      0.5 * d * log(priorPrecision) - 0.5 * n * log(2 * Double.pi * noiseVariance)
      - 0.5 * precisionLogDeterminant
      - 0.5 * residual.storage.reduce(0) { $0 + $1 * $1 } / noiseVariance
      - 0.5 * priorPrecision * m.storage.reduce(0) { $0 + $1 * $1 }
  }

  /// The number of weights $d$.
  public var dimension: Int { features.columns }

  /// The prior $\mathcal N(0, \alpha^{-1} I)$.
  public var prior: MultivariateGaussian {
    // An isotropic Gaussian is always positive definite.
    try! MultivariateGaussian(
      mean: Matrix(rows: dimension, columns: 1),
      covariance: Matrix.identity(dimension) / priorPrecision)
  }

  /// $\mathbb E_q[\log p(D \mid w)] = -\tfrac n2\log 2\pi\sigma^2 - \tfrac1{2\sigma^2}\big(\lVert y - \Phi\mu\rVert^2 + \operatorname{tr}(\Phi\Sigma\Phi^\top)\big)$,
  /// with the trace computed as $\lVert\Phi L\rVert_F^2$.
  ///
  /// - Parameter q: a Gaussian over the weights.
  public func expectedLogLikelihood(under q: MultivariateGaussian) -> Double {
    let residual = targets - features.matmul(q.mean)
    let spread = features.matmul(q.choleskyFactor).storage.reduce(0) { $0 + $1 * $1 }
    let fit = residual.storage.reduce(0) { $0 + $1 * $1 }
    return -0.5 * Double(features.rows) * log(2 * Double.pi * noiseVariance)
      - 0.5 * (fit + spread) / noiseVariance
  }

  /// The evidence lower bound $\mathrm{ELBO}(q) = \mathbb E_q[\log p(D \mid w)] - \mathrm{KL}(q\,\|\,p(w))$, exact.
  ///
  /// - Parameter q: a Gaussian over the weights.
  public func elbo(_ q: MultivariateGaussian) -> Double {
    expectedLogLikelihood(under: q) - q.kl(to: prior)
  }

  /// The best factorised (mean-field) Gaussian, in closed form: for a Gaussian target
  /// $\mathcal N(m, A^{-1})$, $\mathrm{KL}(q\,\|\,p)$ over $q = \prod_i \mathcal N(\mu_i, v_i)$ is minimised
  /// by $\mu = m$ and $v_i = 1/A_{ii}$ (the conditional, not the marginal, variance).
  public var meanFieldOptimum: MultivariateGaussian {
    // A diagonal with positive entries is positive definite.
    try! MultivariateGaussian(
      mean: posterior.mean,
      covariance: Matrix.diagonal(posteriorPrecision.diagonalEntries.map { 1 / $0 }))
  }

  /// Coordinate-ascent variational inference (CAVI) for the mean-field Gaussian: each
  /// sweep sets, in turn, $v_i = 1/A_{ii}$ and
  /// $\mu_i = m_i - \frac{1}{A_{ii}}\sum_{j\ne i}A_{ij}(\mu_j - m_j)$, the exact maximiser of
  /// the ELBO in factor $i$ with the others fixed. The ELBO never decreases.
  ///
  /// - Parameters:
  ///   - sweeps: passes over the coordinates.
  ///   - start: the initial means (default: zero).
  /// - Returns: the final factorised Gaussian and the ELBO after each sweep.
  public func coordinateAscentMeanField(sweeps: Int, start: Matrix? = nil)
    -> (q: MultivariateGaussian, elbos: [Double])
  {
    let d = dimension
    let m = posterior.mean
    var mu = start ?? Matrix(rows: d, columns: 1)
    let variances = posteriorPrecision.diagonalEntries.map { 1 / $0 }
    func current() -> MultivariateGaussian {
      try! MultivariateGaussian(mean: mu, covariance: Matrix.diagonal(variances))
    }
    var elbos = [Double]()
    for _ in 0..<sweeps {
      for i in 0..<d {
        var coupling = 0.0
        for j in 0..<d where j != i { coupling += posteriorPrecision[i, j] * (mu[j, 0] - m[j, 0]) }
        mu[i, 0] = m[i, 0] - coupling * variances[i]
      }
      elbos.append(elbo(current()))
    }
    return (current(), elbos)
  }

  /// The maximiser of the β-weighted objective $\mathbb E_q[\log p(D \mid w)] - \beta\,\mathrm{KL}(q\,\|\,p(w))$:
  /// $q_\beta \propto p(w)\,p(D \mid w)^{1/\beta}$, the posterior of a model whose noise
  /// variance is $\beta\sigma^2$ (a "tempered" posterior; $\beta = 1$ is Bayes).
  ///
  /// - Parameter klWeight: $\beta > 0$.
  /// - Throws: ``LinearAlgebraError`` if the tempered precision is numerically singular.
  public func temperedPosterior(klWeight: Double) throws -> MultivariateGaussian {
    precondition(klWeight > 0, "temperedPosterior: β must be positive")
    return try BayesianLinearRegression.gaussianPosterior(
      features: features, targets: targets, priorPrecision: priorPrecision,
      likelihoodVariance: klWeight * noiseVariance
    ).posterior
  }

  /// The predictive at new inputs under a Gaussian $q$ over the weights: mean $\Phi_*\mu$ and
  /// variance $\operatorname{diag}(\Phi_*\Sigma\Phi_*^\top) + \sigma^2$.
  ///
  /// - Parameters:
  ///   - newFeatures: $\Phi_*$, `[k, d]`.
  ///   - q: the distribution over the weights (the posterior for the Bayesian predictive).
  ///   - includeNoise: add $\sigma^2$ (the predictive of $y$) or not (of $f$).
  public func predictive(
    at newFeatures: Matrix, under q: MultivariateGaussian, includeNoise: Bool = true
  ) -> (mean: [Double], variance: [Double]) {
    let mean = newFeatures.matmul(q.mean).storage
    let spread = newFeatures.matmul(q.choleskyFactor)  // rows: Φ*ᵢ L, so ‖row‖² = Φ*ᵢ Σ Φ*ᵢᵀ
    let variance = (0..<newFeatures.rows).map { i in
      spread.row(i).storage.reduce(0) { $0 + $1 * $1 } + (includeNoise ? noiseVariance : 0)
    }
    return (mean, variance)
  }

  /// $A = \alpha I + \Phi^\top\Phi/s$ and $\mathcal N(A^{-1}\Phi^\top y/s, A^{-1})$ for a
  /// likelihood variance $s$.
  private static func gaussianPosterior(
    features: Matrix, targets: Matrix, priorPrecision: Double, likelihoodVariance: Double
  ) throws -> (precision: Matrix, posterior: MultivariateGaussian) {
    let d = features.columns
    let precision =
      Matrix.identity(d) * priorPrecision
      + Matrix.product(features, features, transposeA: true) / likelihoodVariance
    let covariance = try precision.inverse()
    let symmetric = (covariance + covariance.transposed) * 0.5  // remove round-off asymmetry
    let mean = try precision.solveSPD(
      Matrix.product(features, targets, transposeA: true) / likelihoodVariance)
    return (precision, try MultivariateGaussian(mean: mean, covariance: symmetric))
  }
}
