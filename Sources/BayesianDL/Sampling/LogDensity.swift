/// A log density, known up to an additive constant, with its gradient: what Hamiltonian
/// Monte Carlo and Langevin dynamics need from a target distribution.
public protocol DifferentiableLogDensity: Sendable {
  /// The number of coordinates of $\theta$.
  var dimension: Int { get }

  /// $\log\pi(\theta)$ + const and $\nabla_\theta \log\pi(\theta)$.
  ///
  /// - Parameter theta: a point, `dimension` numbers.
  func logDensityAndGradient(_ theta: [Double]) -> (value: Double, gradient: [Double])
}

/// A multivariate Gaussian $\mathcal N(\mu, \Sigma)$ as a target:
/// $\log\pi(\theta) = -\tfrac12(\theta - \mu)^\top\Sigma^{-1}(\theta - \mu)$, gradient
/// $-\Sigma^{-1}(\theta - \mu)$. A target whose answer is known, for testing samplers.
public struct GaussianLogDensity: DifferentiableLogDensity {
  /// $\mu$.
  public let mean: [Double]
  /// $\Sigma^{-1}$.
  public let precision: Matrix

  /// A Gaussian target from its mean and covariance.
  ///
  /// - Parameters:
  ///   - mean: $\mu$.
  ///   - covariance: $\Sigma$, symmetric positive definite.
  /// - Throws: ``LinearAlgebraError`` if $\Sigma$ is not positive definite.
  public init(mean: [Double], covariance: Matrix) throws {
    precondition(
      covariance.rows == mean.count && covariance.columns == mean.count,
      "GaussianLogDensity: the covariance must be \(mean.count)×\(mean.count)")
    self.mean = mean
    self.precision = try covariance.solveSPD(Matrix.identity(mean.count))
  }

  /// The number of coordinates.
  public var dimension: Int { mean.count }

  /// $-\tfrac12 d^\top\Sigma^{-1}d$ and $-\Sigma^{-1}d$ with $d = \theta - \mu$.
  ///
  /// - Parameter theta: a point.
  public func logDensityAndGradient(_ theta: [Double]) -> (value: Double, gradient: [Double]) {
    let d = zip(theta, mean).map { $0 - $1 }
    let pd = Matrix.product(precision, Matrix.column(d)).storage
    return (-0.5 * zip(d, pd).reduce(0) { $0 + $1.0 * $1.1 }, pd.map { -$0 })
  }
}
