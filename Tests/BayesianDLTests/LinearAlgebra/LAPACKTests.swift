import Foundation
import TestSupport
import Testing

@testable import BayesianDL

/// Factorisations and solves through LAPACK, checked by multiplying back and against
/// hand-computed examples.
@Suite struct LAPACKTests {
  /// The determinant by Laplace expansion along the first row (exponential cost, fine
  /// for n ≤ 5): an independent reference for ``Matrix/logDeterminant()``.
  static func laplaceDeterminant(_ m: [[Double]]) -> Double {
    let n = m.count
    if n == 1 { return m[0][0] }
    var total = 0.0
    for j in 0..<n {
      let minor = m.dropFirst().map { row in
        row.enumerated().filter { $0.offset != j }.map(\.element)
      }
      total += (j % 2 == 0 ? 1 : -1) * m[0][j] * laplaceDeterminant(Array(minor))
    }
    return total
  }

  static func nested(_ a: Matrix) -> [[Double]] {
    (0..<a.rows).map { i in (0..<a.columns).map { j in a[i, j] } }
  }

  // MARK: Cholesky

  @Test func choleskyOfAKnownMatrix() throws {
    // [[4, 2], [2, 3]] = L Lᵀ with L = [[2, 0], [1, √2]]: 2·2 = 4, 2·1 = 2, 1 + 2 = 3.
    let l = try Matrix([[4, 2], [2, 3]]).cholesky()
    expectClose(l, Matrix([[2, 0], [1, 2.0.squareRoot()]]), tolerance: 1e-15)
  }

  @Test func choleskyReconstructsARandomSPDMatrix() throws {
    var rng = Generator(seed: 21)
    let a = randomSPD(6, using: &rng)
    let l = try a.cholesky()
    for i in 0..<6 {
      #expect(l[i, i] > 0)
      for j in (i + 1)..<6 { #expect(l[i, j] == 0, "upper triangle of L must be zero") }
    }
    expectClose(naiveProduct(l, naiveTranspose(l)), a, tolerance: 1e-13)
  }

  @Test func choleskyReadsOnlyTheLowerTriangle() throws {
    var rng = Generator(seed: 22)
    let a = randomSPD(4, using: &rng)
    var garbled = a
    for i in 0..<4 {
      for j in (i + 1)..<4 { garbled[i, j] = 1e6 }
    }
    #expect(try garbled.cholesky() == a.cholesky())
  }

  @Test func choleskyOfAnIndefiniteMatrixThrows() {
    // det [[1, 2], [2, 1]] = −3: the first minor is 1 > 0, the second is negative.
    #expect(throws: LinearAlgebraError.notPositiveDefinite(leadingMinor: 2)) {
      try Matrix([[1, 2], [2, 1]]).cholesky()
    }
    #expect(throws: LinearAlgebraError.notPositiveDefinite(leadingMinor: 1)) {
      try Matrix([[-1, 0], [0, 1]]).cholesky()
    }
    #expect(throws: LinearAlgebraError.notPositiveDefinite(leadingMinor: 3)) {
      try Matrix([[1, 0, 0], [0, 1, 0], [0, 0, 0]]).cholesky()
    }
  }

  // MARK: Solves

  @Test(arguments: [true, false], [false, true])
  func solveTriangularSatisfiesTheSystem(lower: Bool, transpose: Bool) {
    var rng = Generator(seed: 23)
    let n = 5
    var t = rng.normalMatrix(rows: n, columns: n)
    for i in 0..<n {
      for j in 0..<n where lower ? j > i : j < i { t[i, j] = 0 }
      t[i, i] = 2 + abs(t[i, i])
    }
    let b = rng.normalMatrix(rows: n, columns: 3)
    let x = t.solveTriangular(b, lower: lower, transpose: transpose)
    let op = transpose ? naiveTranspose(t) : t
    expectClose(naiveProduct(op, x), b, tolerance: 1e-13)
  }

  @Test func solveTriangularOfAHandExample() {
    // [[2, 0], [1, 4]] x = [4, 6]  ⇒  x₁ = 2, x₂ = (6 − 2)/4 = 1.
    let x = Matrix([[2, 0], [1, 4]]).solveTriangular(Matrix.column([4, 6]), lower: true)
    #expect(x == Matrix.column([2, 1]))
  }

  @Test func solveSPDSatisfiesTheSystem() throws {
    var rng = Generator(seed: 24)
    let a = randomSPD(5, using: &rng)
    let b = rng.normalMatrix(rows: 5, columns: 2)
    let x = try a.solveSPD(b)
    expectClose(naiveProduct(a, x), b, tolerance: 1e-12)
    // Hand example: [[4, 2], [2, 3]] x = [2, 1] ⇒ x = [0.5, 0].
    expectClose(
      try Matrix([[4, 2], [2, 3]]).solveSPD(Matrix.column([2, 1])), Matrix.column([0.5, 0]))
  }

  @Test func solveSPDOfAnIndefiniteMatrixThrows() {
    #expect(throws: LinearAlgebraError.notPositiveDefinite(leadingMinor: 2)) {
      try Matrix([[1, 2], [2, 1]]).solveSPD(Matrix.column([1, 1]))
    }
  }

  // MARK: Inverse and determinants

  @Test func inverseOfAHandExample() throws {
    // [[4, 7], [2, 6]]⁻¹ = (1/10) [[6, −7], [−2, 4]].
    expectClose(
      try Matrix([[4, 7], [2, 6]]).inverse(), Matrix([[0.6, -0.7], [-0.2, 0.4]]), tolerance: 1e-15)
  }

  @Test func inverseTimesMatrixIsIdentity() throws {
    var rng = Generator(seed: 25)
    let a = rng.normalMatrix(rows: 6, columns: 6)
    let inverse = try a.inverse()
    expectClose(naiveProduct(inverse, a), Matrix.identity(6), tolerance: 1e-11)
    expectClose(naiveProduct(a, inverse), Matrix.identity(6), tolerance: 1e-11)
  }

  @Test func inverseOfASingularMatrixThrows() {
    // LU with pivoting: rows swap to [[2, 4], [1, 2]]; then 2 − ½·4 = 0 exactly at pivot 2.
    #expect(throws: LinearAlgebraError.singular(pivot: 2)) {
      try Matrix([[1, 2], [2, 4]]).inverse()
    }
  }

  @Test func logDeterminantOfHandExamples() {
    let cases: [(Matrix, sign: Double, determinant: Double)] = [
      (Matrix([[4, 7], [2, 6]]), 1, 10),  // 24 − 14
      (Matrix([[1, 2], [3, 4]]), -1, 2),  // 4 − 6
      (Matrix([[0, 1], [1, 0]]), -1, 1),  // a pure row swap
      (Matrix([[2, 0, 0], [0, -3, 0], [0, 0, 0.5]]), -1, 3),
      (Matrix([[0, 2, 1], [1, 1, 0], [3, 0, 1]]), -1, 5),  // 0 − 2·1 + 1·(−3)
      (Matrix([[-2, 0], [0, -3]]), 1, 6),
    ]
    for (m, sign, determinant) in cases {
      let result = m.logDeterminant()
      #expect(result.sign == sign, "sign of det \(m)")
      expectClose(result.logAbs, Foundation.log(determinant), tolerance: 1e-14)
    }
  }

  @Test func logDeterminantOfASingularMatrixIsMinusInfinity() {
    let result = Matrix([[1, 2], [2, 4]]).logDeterminant()
    #expect(result.sign == 0)
    #expect(result.logAbs == -.infinity)
  }

  @Test func logDeterminantOfTheEmptyMatrixIsZero() {
    let result = Matrix(rows: 0, columns: 0).logDeterminant()
    #expect(result.sign == 1 && result.logAbs == 0)
  }

  @Test func logDeterminantMatchesLaplaceExpansion() {
    var rng = Generator(seed: 26)
    for _ in 0..<10 {
      let m = rng.normalMatrix(rows: 4, columns: 4)
      let determinant = Self.laplaceDeterminant(Self.nested(m))
      let result = m.logDeterminant()
      #expect(result.sign == (determinant < 0 ? -1 : 1))
      expectClose(result.logAbs, Foundation.log(abs(determinant)), tolerance: 1e-12)
    }
  }

  @Test func logDeterminantSPDMatchesGeneralLogDeterminant() throws {
    expectClose(
      try Matrix([[4, 2], [2, 3]]).logDeterminantSPD(), Foundation.log(8), tolerance: 1e-15)
    var rng = Generator(seed: 27)
    let a = randomSPD(5, using: &rng)
    let general = a.logDeterminant()
    #expect(general.sign == 1)
    expectClose(try a.logDeterminantSPD(), general.logAbs, tolerance: 1e-13)
    expectClose(
      try a.logDeterminantSPD(), Foundation.log(Self.laplaceDeterminant(Self.nested(a))),
      tolerance: 1e-12)
  }

  // MARK: Symmetric eigendecomposition

  @Test func symmetricEigenOfAKnown2x2() throws {
    // [[2, 1], [1, 2]] has eigenvalues 1 (vector (1, −1)/√2) and 3 (vector (1, 1)/√2).
    let (values, vectors) = try Matrix([[2, 1], [1, 2]]).symmetricEigen()
    expectClose(values[0], 1, tolerance: 1e-15)
    expectClose(values[1], 3, tolerance: 1e-15)
    let r = 0.5.squareRoot()
    // Eigenvectors are defined up to sign: compare |⟨v, e⟩| with 1.
    expectClose(abs(vectors[0, 0] * r - vectors[1, 0] * r), 1, tolerance: 1e-15)
    expectClose(abs(vectors[0, 1] * r + vectors[1, 1] * r), 1, tolerance: 1e-15)
  }

  @Test func symmetricEigenReconstructsTheMatrix() throws {
    var rng = Generator(seed: 28)
    let b = rng.normalMatrix(rows: 5, columns: 5)
    let a = makeMatrix(5, 5) { i, j in b[i, j] + b[j, i] }
    let (values, v) = try a.symmetricEigen()
    for k in 1..<values.count { #expect(values[k - 1] <= values[k], "eigenvalues ascend") }
    let reconstructed = naiveProduct(naiveProduct(v, Matrix.diagonal(values)), naiveTranspose(v))
    expectClose(reconstructed, a, tolerance: 1e-12)
    expectClose(naiveProduct(naiveTranspose(v), v), Matrix.identity(5), tolerance: 1e-13)
    for k in 0..<5 {
      let column = makeMatrix(5, 1) { i, _ in v[i, k] }
      expectClose(naiveProduct(a, column), column.map { values[k] * $0 }, tolerance: 1e-12)
    }
  }

  @Test func errorsDescribeThemselves() {
    #expect(LinearAlgebraError.notPositiveDefinite(leadingMinor: 3).description.contains("3"))
    #expect(LinearAlgebraError.singular(pivot: 2).description.contains("pivot 2"))
  }
}
