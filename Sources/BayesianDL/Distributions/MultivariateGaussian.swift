import Foundation

/// A multivariate normal distribution $\mathcal N(\mu, \Sigma)$ with a full covariance.
///
/// Stores the Cholesky factor $L$ ($\Sigma = LL^\top$), through which densities, draws and
/// divergences are computed without ever inverting $\Sigma$.
public struct MultivariateGaussian: Sendable {
  /// The mean $\mu$, `[d, 1]`.
  public let mean: Matrix
  /// The covariance $\Sigma$, `[d, d]`, symmetric positive definite.
  public let covariance: Matrix
  /// The lower-triangular Cholesky factor $L$ of $\Sigma$.
  public let choleskyFactor: Matrix

  /// Creates $\mathcal N(\mu, \Sigma)$.
  ///
  /// - Parameters:
  ///   - mean: $\mu$, `[d, 1]`.
  ///   - covariance: $\Sigma$, `[d, d]`.
  /// - Throws: ``LinearAlgebraError/notPositiveDefinite(leadingMinor:)`` if $\Sigma$ is not
  ///   symmetric positive definite.
  public init(mean: Matrix, covariance: Matrix) throws {
    precondition(mean.columns == 1, "MultivariateGaussian: the mean must be a column [d, 1]")
    precondition(
      covariance.rows == mean.rows && covariance.columns == mean.rows,
      "MultivariateGaussian: covariance [\(covariance.rows), \(covariance.columns)] for a mean of length \(mean.rows)"
    )
    self.mean = mean
    self.covariance = covariance
    self.choleskyFactor = try covariance.cholesky()
  }

  /// The dimension $d$.
  public var dimension: Int { mean.rows }

  /// $\log\det\Sigma = 2\sum_i \log L_{ii}$.
  public var logDeterminant: Double {
    choleskyFactor.diagonalEntries.reduce(0) { $0 + 2 * log($1) }
  }

  /// $\log \mathcal N(x \mid \mu, \Sigma) = -\tfrac12\big[d\log 2\pi + \log\det\Sigma + \lVert L^{-1}(x-\mu)\rVert^2\big]$.
  ///
  /// - Parameter x: a point, `[d, 1]`.
  public func logDensity(_ x: Matrix) -> Double {
    let z = choleskyFactor.solveTriangular(x - mean, lower: true)
    let squared = z.storage.reduce(0) { $0 + $1 * $1 }
    return -0.5 * (Double(dimension) * log(2 * Double.pi) + logDeterminant + squared)
  }

  /// A draw $\mu + L\varepsilon$, $\varepsilon \sim \mathcal N(0, I)$.
  ///
  /// - Parameter rng: the generator.
  public func sample(using rng: inout Generator) -> Matrix {
    mean + choleskyFactor.matmul(rng.normalMatrix(rows: dimension, columns: 1))
  }

  /// $\mathrm{KL}(q\,\|\,p)$ between full-covariance Gaussians:
  /// $\tfrac12\big[\operatorname{tr}(\Sigma_p^{-1}\Sigma_q) + (\mu_p-\mu_q)^\top\Sigma_p^{-1}(\mu_p-\mu_q) - d + \log\det\Sigma_p - \log\det\Sigma_q\big]$.
  ///
  /// The trace is $\lVert L_p^{-1}L_q\rVert_F^2$ and the quadratic form
  /// $\lVert L_p^{-1}(\mu_p-\mu_q)\rVert^2$, both by triangular solves.
  ///
  /// - Parameter p: the second argument, of the same dimension.
  public func kl(to p: MultivariateGaussian) -> Double {
    precondition(p.dimension == dimension, "MultivariateGaussian.kl: dimensions differ")
    let traceTerm = p.choleskyFactor.solveTriangular(choleskyFactor, lower: true).storage
      .reduce(0) { $0 + $1 * $1 }
    let difference = p.choleskyFactor.solveTriangular(p.mean - mean, lower: true).storage
      .reduce(0) { $0 + $1 * $1 }
    return 0.5 * (traceTerm + difference - Double(dimension) + p.logDeterminant - logDeterminant)
  }

  /// Points on the ellipse $\{\mu + k L u : \lVert u\rVert = 1\}$ of a 2-D Gaussian: the
  /// contour $k$ Mahalanobis units from the mean (for a figure).
  ///
  /// - Parameters:
  ///   - radius: $k$.
  ///   - points: how many points, the first repeated at the end to close the curve.
  public func ellipse(radius: Double, points: Int = 200) -> (x: [Double], y: [Double]) {
    precondition(dimension == 2, "MultivariateGaussian.ellipse: needs a 2-D Gaussian")
    var xs = [Double]()
    var ys = [Double]()
    for k in 0...points {
      let t = 2 * Double.pi * Double(k) / Double(points)
      let u = Matrix.column([radius * cos(t), radius * sin(t)])
      let p = mean + choleskyFactor.matmul(u)
      xs.append(p[0, 0])
      ys.append(p[1, 0])
    }
    return (xs, ys)
  }
}
