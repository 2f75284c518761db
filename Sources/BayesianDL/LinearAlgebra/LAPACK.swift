import Foundation
import CBLAS

/// Why a factorisation or solve could not be carried out.
public enum LinearAlgebraError: Error, Equatable, CustomStringConvertible {
  /// Cholesky failed: the leading minor of this order (1-based) is not positive.
  case notPositiveDefinite(leadingMinor: Int)
  /// LU found an exactly zero pivot at this (1-based) position.
  case singular(pivot: Int)
  /// The eigensolver did not converge.
  case noConvergence

  /// A sentence for the learner.
  public var description: String {
    switch self {
    case .notPositiveDefinite(let k):
      return "matrix is not positive definite: its leading minor of order \(k) is not positive"
    case .singular(let k): return "matrix is singular: pivot \(k) is zero"
    case .noConvergence: return "symmetric eigensolver did not converge"
    }
  }
}

/// Factorisations and solves through LAPACK (`lapacke.h`), on row-major matrices.
extension Matrix {
  private static func lapackChar(_ c: Character) -> CChar { CChar(c.asciiValue!) }

  private func requireSquare(_ what: String) {
    precondition(rows == columns, "\(what) needs a square matrix, got [\(rows), \(columns)]")
  }

  /// The Cholesky factor: the lower-triangular $L$ with $A = L L^\top$.
  ///
  /// Only the lower triangle of $A$ is read.
  ///
  /// - Throws: ``LinearAlgebraError/notPositiveDefinite(leadingMinor:)`` when $A$ is not
  ///   symmetric positive definite.
  public func cholesky() throws -> Matrix {
    requireSquare("Cholesky")
    var l = self
    let n = Int32(rows)
    let info = l.storage.withUnsafeMutableBufferPointer { p in
      LAPACKE_dpotrf(LAPACK_ROW_MAJOR, Matrix.lapackChar("L"), n, p.baseAddress, Swift.max(n, 1))
    }
    if info > 0 { throw LinearAlgebraError.notPositiveDefinite(leadingMinor: Int(info)) }
    precondition(info == 0, "LAPACKE_dpotrf: illegal argument \(-info)")
    for i in 0..<rows {
      for j in (i + 1)..<Swift.max(columns, i + 1) { l.storage[i * columns + j] = 0 }
    }
    return l
  }

  /// Solves $T X = B$ (or $T^\top X = B$) for a triangular $T$ = `self`.
  ///
  /// - Parameters:
  ///   - b: the right-hand sides, one per column.
  ///   - lower: whether `self` is lower triangular (else upper).
  ///   - transpose: solve with $T^\top$ instead of $T$.
  public func solveTriangular(_ b: Matrix, lower: Bool, transpose: Bool = false) -> Matrix {
    requireSquare("Triangular solve")
    precondition(
      b.rows == rows,
      "Triangular solve: [\(rows), \(columns)] system with [\(b.rows), \(b.columns)] right-hand side"
    )
    var x = b
    let info = storage.withUnsafeBufferPointer { pt in
      x.storage.withUnsafeMutableBufferPointer { px in
        LAPACKE_dtrtrs(
          LAPACK_ROW_MAJOR, Matrix.lapackChar(lower ? "L" : "U"),
          Matrix.lapackChar(transpose ? "T" : "N"), Matrix.lapackChar("N"),
          Int32(rows), Int32(b.columns), pt.baseAddress, Int32(Swift.max(rows, 1)),
          px.baseAddress, Int32(Swift.max(b.columns, 1)))
      }
    }
    precondition(info >= 0, "LAPACKE_dtrtrs: illegal argument \(-info)")
    precondition(info == 0, "Triangular solve: diagonal entry \(info) is zero")
    return x
  }

  /// Solves $A X = B$ for a symmetric positive-definite $A$ = `self`, by Cholesky.
  ///
  /// - Parameter b: the right-hand sides, one per column.
  /// - Throws: ``LinearAlgebraError/notPositiveDefinite(leadingMinor:)``.
  public func solveSPD(_ b: Matrix) throws -> Matrix {
    let l = try cholesky()
    return l.solveTriangular(l.solveTriangular(b, lower: true), lower: true, transpose: true)
  }

  /// The inverse $A^{-1}$, by LU factorisation with partial pivoting.
  ///
  /// - Throws: ``LinearAlgebraError/singular(pivot:)``.
  public func inverse() throws -> Matrix {
    requireSquare("Inverse")
    var a = self
    var pivots = [Int32](repeating: 0, count: rows)
    let n = Int32(rows)
    let info = a.storage.withUnsafeMutableBufferPointer { p in
      LAPACKE_dgetrf(LAPACK_ROW_MAJOR, n, n, p.baseAddress, Swift.max(n, 1), &pivots)
    }
    if info > 0 { throw LinearAlgebraError.singular(pivot: Int(info)) }
    let info2 = a.storage.withUnsafeMutableBufferPointer { p in
      LAPACKE_dgetri(LAPACK_ROW_MAJOR, n, p.baseAddress, Swift.max(n, 1), &pivots)
    }
    precondition(info2 == 0, "LAPACKE_dgetri failed with info \(info2)")
    return a
  }

  /// $\log\lvert\det A\rvert$ and the sign of $\det A$, by LU factorisation.
  ///
  /// - Returns: `sign` is −1, 0 or +1; `logAbs` is $-\infty$ when $A$ is singular.
  public func logDeterminant() -> (sign: Double, logAbs: Double) {
    requireSquare("Determinant")
    if rows == 0 { return (1, 0) }
    var a = self
    var pivots = [Int32](repeating: 0, count: rows)
    let n = Int32(rows)
    let info = a.storage.withUnsafeMutableBufferPointer { p in
      LAPACKE_dgetrf(LAPACK_ROW_MAJOR, n, n, p.baseAddress, n, &pivots)
    }
    if info > 0 { return (0, -.infinity) }
    var sign = 1.0
    var logAbs = 0.0
    for i in 0..<rows {
      let d = a.storage[i * columns + i]
      if d < 0 { sign = -sign }
      if pivots[i] != Int32(i + 1) { sign = -sign }
      logAbs += Foundation.log(abs(d))
    }
    return (sign, logAbs)
  }

  /// $\log\det A$ for a symmetric positive-definite $A$: $2\sum_i \log L_{ii}$ with
  /// $L$ its Cholesky factor.
  ///
  /// - Throws: ``LinearAlgebraError/notPositiveDefinite(leadingMinor:)``.
  public func logDeterminantSPD() throws -> Double {
    try cholesky().diagonalEntries.reduce(0) { $0 + 2 * Foundation.log($1) }
  }

  /// The eigendecomposition $A = V \operatorname{diag}(\lambda) V^\top$ of a symmetric
  /// $A$ (only its lower triangle is read).
  ///
  /// - Returns: eigenvalues in ascending order, and the orthonormal eigenvectors as the
  ///   columns of `vectors`, in the same order.
  /// - Throws: ``LinearAlgebraError/noConvergence``.
  public func symmetricEigen() throws -> (values: [Double], vectors: Matrix) {
    requireSquare("Symmetric eigendecomposition")
    var v = self
    var values = [Double](repeating: 0, count: rows)
    let n = Int32(rows)
    let info = v.storage.withUnsafeMutableBufferPointer { p in
      LAPACKE_dsyevd(
        LAPACK_ROW_MAJOR, Matrix.lapackChar("V"), Matrix.lapackChar("L"), n, p.baseAddress,
        Swift.max(n, 1), &values)
    }
    if info > 0 { throw LinearAlgebraError.noConvergence }
    precondition(info == 0, "LAPACKE_dsyevd: illegal argument \(-info)")
    return (values, v)
  }
}
