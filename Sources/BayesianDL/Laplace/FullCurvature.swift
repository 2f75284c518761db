import Foundation

/// A full curvature matrix kept as its eigendecomposition $C = U\operatorname{diag}(\lambda)U^\top$,
/// with $U$ `[P, r]` orthonormal columns and $r \le P$: the rest of the spectrum is zero.
///
/// Then $\Lambda^{-1} = U\operatorname{diag}\big(\tfrac1{s\lambda + \delta}\big)U^\top + \tfrac1\delta(I - UU^\top)$.
/// A GGN or empirical Fisher of $N$ examples with $K$ outputs has rank at most $NK$, so
/// when $NK < P$ (a 4000-weight network on 100 points) it is built from the small
/// $NK \times NK$ Gram matrix instead of the $P \times P$ one: the same matrix, exactly,
/// for a fraction of the cost.
public struct FullCurvature: StructuredCurvature {
  /// The eigenvectors $U$, `[P, r]`.
  public let vectors: Matrix
  /// The eigenvalues $\lambda$, length $r$.
  public let values: [Double]

  /// Decomposes a dense symmetric curvature (which may be indefinite, like a Hessian).
  ///
  /// - Parameter matrix: $C$, `[P, P]`.
  /// - Throws: ``LaplaceError/noConvergence``.
  public init(dense matrix: Matrix) throws(LaplaceError) {
    do {
      let (values, vectors) = try matrix.symmetricEigen()
      self.init(vectors: vectors, values: values)
    } catch { throw .noConvergence }
  }

  /// Wraps an eigendecomposition.
  ///
  /// - Parameters:
  ///   - vectors: $U$ `[P, r]` with orthonormal columns.
  ///   - values: $\lambda$, length $r$.
  public init(vectors: Matrix, values: [Double]) {
    precondition(vectors.columns == values.count, "FullCurvature: one eigenvalue per vector")
    self.vectors = vectors
    self.values = values
  }

  /// The curvature $C = V^\top V$ of stacked rows $V$ `[M, P]` (per-example Jacobian
  /// products), through whichever of $VV^\top$ and $V^\top V$ is smaller.
  ///
  /// - Parameter factor: $V$.
  /// - Throws: ``LaplaceError/noConvergence``.
  public init(factor: Matrix) throws(LaplaceError) {
    if factor.rows >= factor.columns {
      try self.init(dense: Matrix.product(factor, factor, transposeA: true))
      return
    }
    // VVᵀ = W diag(λ) Wᵀ ⇒ VᵀV = U diag(λ) Uᵀ with U = VᵀW diag(λ)^{-1/2}, for λ > 0.
    let gram = Matrix.product(factor, factor, transposeB: true)
    let (gramValues, gramVectors): ([Double], Matrix)
    do { (gramValues, gramVectors) = try gram.symmetricEigen() } catch { throw .noConvergence }
    let largest = gramValues.last ?? 0
    // Eigenvalues below round-off of the largest are zero: their U columns would be noise.
    let kept = gramValues.indices.filter { gramValues[$0] > largest * 1e-13 && gramValues[$0] > 0 }
    var w = Matrix(rows: gram.rows, columns: kept.count)
    for (c, k) in kept.enumerated() {
      let norm = 1 / gramValues[k].squareRoot()
      for i in 0..<gram.rows { w[i, c] = gramVectors[i, k] * norm }
    }
    self.init(
      vectors: Matrix.product(factor, w, transposeA: true), values: kept.map { gramValues[$0] })
  }

  /// $P$.
  public var parameterCount: Int { vectors.rows }
  /// $\lambda$.
  public var eigenvalues: [Double] { values }
  /// $U\operatorname{diag}(\lambda)U^\top$.
  public func dense() -> Matrix {
    Matrix.product(scalingColumns(vectors, by: values), vectors, transposeB: true)
  }

  /// With $Y = JU$: $L = R = Y\operatorname{diag}(s\lambda + \delta)^{-1/2}$ when $r = P$;
  /// otherwise $L = [Y\operatorname{diag}(c),\, J/\sqrt\delta]$, $R = [Y,\, J/\sqrt\delta]$ with
  /// $c = \frac1{s\lambda + \delta} - \frac1\delta$.
  ///
  /// - Parameters:
  ///   - jacobian: $J$ `[m, P]`.
  ///   - scale: $s$.
  ///   - priorPrecision: $\delta$.
  public func whitened(_ jacobian: Matrix, scale: Double, priorPrecision: Double) -> (
    left: Matrix, right: Matrix
  ) {
    let y = Matrix.product(jacobian, vectors)
    if values.count == parameterCount {
      let w = scalingColumns(y, by: values.map { 1 / (scale * $0 + priorPrecision).squareRoot() })
      return (w, w)
    }
    let c = values.map { 1 / (scale * $0 + priorPrecision) - 1 / priorPrecision }
    let isotropic = jacobian / priorPrecision.squareRoot()
    return (Matrix.hstack([scalingColumns(y, by: c), isotropic]), Matrix.hstack([y, isotropic]))
  }

  /// $U\big(z_1/\sqrt{s\lambda + \delta}\big) + (I - UU^\top)z_2/\sqrt\delta$, with $z_1$, $z_2$
  /// standard normal (the second term only when $r < P$).
  ///
  /// - Parameters:
  ///   - scale: $s$.
  ///   - priorPrecision: $\delta$.
  ///   - rng: the generator.
  public func sampleDeviation(scale: Double, priorPrecision: Double, using rng: inout Generator)
    -> [Double]
  {
    let r = values.count
    let z1 = Matrix.column(values.map { rng.normal() / (scale * $0 + priorPrecision).squareRoot() })
    var theta = vectors.matmul(z1)
    if r < parameterCount {
      let z2 = rng.normalMatrix(rows: parameterCount, columns: 1, standardDeviation: 1)
      let inSpan = vectors.matmul(Matrix.product(vectors, z2, transposeA: true))
      theta += (z2 - inSpan) / priorPrecision.squareRoot()
    }
    return theta.storage
  }
}
