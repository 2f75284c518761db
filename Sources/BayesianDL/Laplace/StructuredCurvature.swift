import Foundation

/// A curvature matrix $C$ ($P \times P$) held in a structure that makes the Laplace
/// posterior precision $\Lambda = sC + \delta I$ cheap to invert, sample and take the
/// determinant of: $s$ scales the curvature with the noise level (see
/// ``LaplaceApproximation``) and $\delta$ is the prior precision.
///
/// Every structure exposes $C$'s eigenvalues, because with them
/// $\log\det\Lambda = \sum_i \log(s\lambda_i + \delta)$ and the marginal likelihood's
/// derivatives in $s$ and $\delta$ are closed form, whatever the structure.
public protocol StructuredCurvature: Sendable {
  /// $P$, the number of parameters.
  var parameterCount: Int { get }
  /// The eigenvalues of $C$ that may be non-zero (at most $P$; the others are zero).
  var eigenvalues: [Double] { get }
  /// $C$ as a dense matrix (for small $P$: tests and pictures).
  func dense() -> Matrix
  /// Factors $L, R$ `[m, q]` with $J\Lambda^{-1}J^\top = LR^\top$, for Jacobian rows $J$
  /// `[m, P]`.
  ///
  /// - Parameters:
  ///   - jacobian: the rows $J$.
  ///   - scale: $s$.
  ///   - priorPrecision: $\delta$.
  func whitened(_ jacobian: Matrix, scale: Double, priorPrecision: Double) -> (
    left: Matrix, right: Matrix
  )
  /// One draw of $\theta - \theta_* \sim \mathcal N(0, \Lambda^{-1})$, length $P$.
  ///
  /// - Parameters:
  ///   - scale: $s$.
  ///   - priorPrecision: $\delta$.
  ///   - rng: the generator.
  func sampleDeviation(scale: Double, priorPrecision: Double, using rng: inout Generator)
    -> [Double]
}

extension StructuredCurvature {
  /// The smallest eigenvalue of $\Lambda = sC + \delta I$.
  ///
  /// - Parameters:
  ///   - scale: $s$.
  ///   - priorPrecision: $\delta$.
  public func smallestPrecisionEigenvalue(scale: Double, priorPrecision: Double) -> Double {
    let values = eigenvalues
    var smallest = values.count < parameterCount ? 0 : Double.infinity
    for v in values { smallest = Swift.min(smallest, v) }
    return scale * smallest + priorPrecision
  }

  /// Throws unless $\Lambda = sC + \delta I$ is positive definite.
  ///
  /// - Parameters:
  ///   - scale: $s$.
  ///   - priorPrecision: $\delta$.
  /// - Throws: ``LaplaceError/notPositiveDefinite(eigenvalue:priorPrecision:)``.
  public func requirePositiveDefinite(scale: Double, priorPrecision: Double) throws(LaplaceError) {
    let smallest = smallestPrecisionEigenvalue(scale: scale, priorPrecision: priorPrecision)
    if !(smallest > 0) {
      throw .notPositiveDefinite(
        eigenvalue: smallest - priorPrecision, priorPrecision: priorPrecision)
    }
  }

  /// $\log\det(sC + \delta I) = \sum_i \log(s\lambda_i + \delta) + (P - r)\log\delta$, with the
  /// $r$ listed eigenvalues.
  ///
  /// - Parameters:
  ///   - scale: $s$.
  ///   - priorPrecision: $\delta$.
  public func logDeterminant(scale: Double, priorPrecision: Double) -> Double {
    let values = eigenvalues
    return values.reduce(0) { $0 + log(scale * $1 + priorPrecision) }
      + Double(parameterCount - values.count) * log(priorPrecision)
  }

  /// The effective number of parameters $\gamma = \sum_i s\lambda_i/(s\lambda_i + \delta)$
  /// (MacKay 1992): how many directions the data pin down more than the prior does.
  ///
  /// - Parameters:
  ///   - scale: $s$.
  ///   - priorPrecision: $\delta$.
  public func effectiveParameters(scale: Double, priorPrecision: Double) -> Double {
    eigenvalues.reduce(0) { $0 + scale * $1 / (scale * $1 + priorPrecision) }
  }

  /// The whole matrix $J\Lambda^{-1}J^\top$ `[m, m]`.
  ///
  /// - Parameters:
  ///   - jacobian: $J$ `[m, P]`.
  ///   - scale: $s$.
  ///   - priorPrecision: $\delta$.
  public func covariance(of jacobian: Matrix, scale: Double, priorPrecision: Double) -> Matrix {
    let (l, r) = whitened(jacobian, scale: scale, priorPrecision: priorPrecision)
    return Matrix.product(l, r, transposeB: true)
  }

  /// The diagonal $K \times K$ blocks of $J\Lambda^{-1}J^\top$ when $J$ holds $K$ rows per
  /// input (the output covariance of the linearised network at each input), as
  /// `[T, K·K]`, row $t$ the block of input $t$ row-major.
  ///
  /// - Parameters:
  ///   - jacobian: $J$ `[T·K, P]`, rows $tK + k$.
  ///   - outputs: $K$.
  ///   - scale: $s$.
  ///   - priorPrecision: $\delta$.
  public func covarianceBlocks(
    of jacobian: Matrix, outputs: Int, scale: Double, priorPrecision: Double
  ) -> Matrix {
    precondition(jacobian.rows % outputs == 0, "covarianceBlocks: rows must be a multiple of K")
    let (l, r) = whitened(jacobian, scale: scale, priorPrecision: priorPrecision)
    let inputs = jacobian.rows / outputs
    let q = l.columns
    var blocks = Matrix(rows: inputs, columns: outputs * outputs)
    l.storage.withUnsafeBufferPointer { pl in
      r.storage.withUnsafeBufferPointer { pr in
        for t in 0..<inputs {
          for a in 0..<outputs {
            for b in 0..<outputs {
              let x = pl.baseAddress! + (t * outputs + a) * q
              let y = pr.baseAddress! + (t * outputs + b) * q
              var dot = 0.0
              for k in 0..<q { dot += x[k] * y[k] }
              blocks[t, a * outputs + b] = dot
            }
          }
        }
      }
    }
    return blocks
  }
}

/// Scales column $j$ of `m` by `factors[j]`.
func scalingColumns(_ m: Matrix, by factors: [Double]) -> Matrix {
  precondition(factors.count == m.columns, "scalingColumns: one factor per column")
  var out = m
  out.storage.withUnsafeMutableBufferPointer { p in
    for i in 0..<m.rows {
      for j in 0..<m.columns { p[i * m.columns + j] *= factors[j] }
    }
  }
  return out
}
