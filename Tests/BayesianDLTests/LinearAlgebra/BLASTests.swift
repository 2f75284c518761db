import Foundation
import TestSupport
import Testing

@testable import BayesianDL

/// `Matrix.product` (BLAS `dgemm`) against the textbook triple loop.
@Suite struct BLASTests {
  /// Stores `op` (an `[m, n]` matrix) as itself or, when `transposed`, as its `[n, m]`
  /// transpose, so that passing the stored matrix with that transpose flag means `op`.
  static func stored(_ op: Matrix, transposed: Bool) -> Matrix {
    transposed ? naiveTranspose(op) : op
  }

  @Test(arguments: [false, true], [false, true])
  func productMatchesTripleLoopForEveryTransposeCombination(transposeA: Bool, transposeB: Bool) {
    var rng = Generator(seed: 11)
    let opA = rng.normalMatrix(rows: 3, columns: 5)
    let opB = rng.normalMatrix(rows: 5, columns: 4)
    let product = Matrix.product(
      Self.stored(opA, transposed: transposeA), Self.stored(opB, transposed: transposeB),
      transposeA: transposeA, transposeB: transposeB)
    expectClose(product, naiveProduct(opA, opB), tolerance: 1e-13)
  }

  @Test(arguments: [false, true], [false, true])
  func largerProductMatchesTripleLoop(transposeA: Bool, transposeB: Bool) {
    // Big enough for the blocked kernels of the BLAS, with odd sizes on every axis.
    var rng = Generator(seed: 12)
    let opA = rng.normalMatrix(rows: 37, columns: 53)
    let opB = rng.normalMatrix(rows: 53, columns: 29)
    let product = Matrix.product(
      Self.stored(opA, transposed: transposeA), Self.stored(opB, transposed: transposeB),
      transposeA: transposeA, transposeB: transposeB)
    expectClose(product, naiveProduct(opA, opB), tolerance: 1e-12)
  }

  @Test func productOfHandExample() {
    let a = Matrix([[1, 2], [3, 4], [5, 6]])
    let b = Matrix([[1, 0, -1], [2, 1, 0]])
    #expect(Matrix.product(a, b) == Matrix([[5, 2, -1], [11, 4, -3], [17, 6, -5]]))
    #expect(a.matmul(b) == Matrix([[5, 2, -1], [11, 4, -3], [17, 6, -5]]))
  }

  @Test func alphaScalesTheProduct() {
    var rng = Generator(seed: 13)
    let a = rng.normalMatrix(rows: 4, columns: 3)
    let b = rng.normalMatrix(rows: 4, columns: 6)
    let scaled = Matrix.product(a, b, transposeA: true, alpha: -2.5)
    let reference = naiveProduct(naiveTranspose(a), b).map { -2.5 * $0 }
    expectClose(scaled, reference, tolerance: 1e-13)
  }

  @Test func emptyInnerDimensionGivesZeros() {
    let a = Matrix(rows: 3, columns: 0)
    let b = Matrix(rows: 0, columns: 4)
    let c = Matrix.product(a, b)
    #expect(c.shape == (rows: 3, columns: 4))
    #expect(c.storage.allSatisfy { $0 == 0 })
  }

  @Test func emptyOuterDimensionsGiveEmptyResults() {
    #expect(
      Matrix.product(Matrix(rows: 0, columns: 3), Matrix(rows: 3, columns: 2)).shape == (0, 2))
    #expect(
      Matrix.product(Matrix(rows: 2, columns: 3), Matrix(rows: 3, columns: 0)).shape == (2, 0))
  }

  @Test func vectorProductsAreDotAndOuterProducts() {
    let u = Matrix.row([1, 2, 3])
    let v = Matrix.row([4, -5, 6])
    #expect(Matrix.product(u, v, transposeB: true) == Matrix.scalar(4 - 10 + 18))
    #expect(
      Matrix.product(u, v, transposeA: true)
        == Matrix([[4, -5, 6], [8, -10, 12], [12, -15, 18]]))
  }

  @Test func settingTheThreadCountKeepsResults() {
    var rng = Generator(seed: 14)
    let a = rng.normalMatrix(rows: 40, columns: 40)
    let b = rng.normalMatrix(rows: 40, columns: 40)
    BLASSettings.setThreadCount(1)
    expectClose(Matrix.product(a, b), naiveProduct(a, b), tolerance: 1e-12)
  }
}
