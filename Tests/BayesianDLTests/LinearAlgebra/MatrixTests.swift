import Foundation
import TestSupport
import Testing

@testable import BayesianDL

/// The dense row-major ``Matrix``: construction, indexing, broadcasting arithmetic,
/// reductions and reshaping, all against hand-written examples and explicit loops.
@Suite struct MatrixTests {
  /// [[1, 2, 3], [4, 5, 6]], the running hand example.
  let a = Matrix([[1, 2, 3], [4, 5, 6]])

  @Test func initialisersGiveTheRequestedShapes() {
    let zeros = Matrix(rows: 2, columns: 3)
    #expect(zeros.rows == 2 && zeros.columns == 3 && zeros.count == 6)
    #expect(zeros.storage == [0, 0, 0, 0, 0, 0])
    #expect(Matrix(rows: 2, columns: 2, repeating: 7).storage == [7, 7, 7, 7])
    #expect(a.shape == (rows: 2, columns: 3))
    #expect(Matrix.row([1, 2, 3]).shape == (rows: 1, columns: 3))
    #expect(Matrix.column([1, 2, 3]).shape == (rows: 3, columns: 1))
    #expect(Matrix.scalar(5).shape == (rows: 1, columns: 1))
    #expect(Matrix.scalar(5).scalarValue == 5)
    #expect(Matrix([]).shape == (rows: 0, columns: 0))
    #expect(Matrix(rows: 0, columns: 4).count == 0)
  }

  @Test func nestedArraysAreStoredRowMajor() {
    #expect(a.storage == [1, 2, 3, 4, 5, 6])
    let b = Matrix(rows: 2, columns: 3) { i, j in Double(10 * i + j) }
    #expect(b.storage == [0, 1, 2, 10, 11, 12])
  }

  @Test func subscriptReadsAndWritesElementIJ() {
    #expect(a[0, 0] == 1)
    #expect(a[0, 2] == 3)
    #expect(a[1, 0] == 4)
    #expect(a[1, 2] == 6)
    var b = a
    b[1, 1] = -5
    #expect(b.storage == [1, 2, 3, 4, -5, 6])
    #expect(a[1, 1] == 5, "value semantics: the copy's write does not reach the original")
  }

  @Test func identityAndDiagonalHaveOnlyDiagonalEntries() {
    #expect(Matrix.identity(3).storage == [1, 0, 0, 0, 1, 0, 0, 0, 1])
    #expect(Matrix.diagonal([2, -1]).storage == [2, 0, 0, -1])
    #expect(Matrix([[1, 2], [3, 4]]).diagonalEntries == [1, 4])
  }

  @Test func rowAndColumnExtractVectors() {
    #expect(a.row(1) == Matrix.row([4, 5, 6]))
    #expect(a.column(2) == Matrix.column([3, 6]))
    #expect(a.rows(1..<2) == Matrix([[4, 5, 6]]))
    #expect(a.columns(1..<3) == Matrix([[2, 3], [5, 6]]))
    #expect(a.columns(0..<0).shape == (rows: 2, columns: 0))
  }

  @Test func rowsAtIndicesGathersInOrderWithRepeats() {
    let m = Matrix([[1, 1], [2, 2], [3, 3]])
    #expect(m.rows(at: [2, 0, 2]) == Matrix([[3, 3], [1, 1], [3, 3]]))
    #expect(m.rows(at: []).shape == (rows: 0, columns: 2))
  }

  @Test func reshapedKeepsRowMajorOrder() {
    let r = a.reshaped(rows: 3, columns: 2)
    #expect(r == Matrix([[1, 2], [3, 4], [5, 6]]))
    #expect(a.reshaped(rows: 1, columns: 6) == Matrix.row([1, 2, 3, 4, 5, 6]))
  }

  @Test func transposedSwapsIndices() {
    #expect(a.transposed == Matrix([[1, 4], [2, 5], [3, 6]]))
    var rng = Generator(seed: 1)
    let m = rng.normalMatrix(rows: 4, columns: 7)
    let t = m.transposed
    for i in 0..<4 {
      for j in 0..<7 { #expect(t[j, i] == m[i, j]) }
    }
    #expect(t.transposed == m)
  }

  @Test func hstackAndVstackPlaceBlocksSideBySideAndOnTop() {
    let left = Matrix([[1], [2]])
    let right = Matrix([[3, 4], [5, 6]])
    #expect(Matrix.hstack([left, right]) == Matrix([[1, 3, 4], [2, 5, 6]]))
    let top = Matrix([[1, 2]])
    let bottom = Matrix([[3, 4], [5, 6]])
    #expect(Matrix.vstack([top, bottom]) == Matrix([[1, 2], [3, 4], [5, 6]]))
    #expect(Matrix.hstack([]).count == 0)
    #expect(Matrix.vstack([]).count == 0)
  }

  // MARK: Broadcasting

  /// An operand shape relative to the [2, 3] result.
  enum Operand: String, CaseIterable {
    case full, row, column, scalar

    /// The operand as a matrix, and the value it contributes at result position (i, j).
    var matrix: Matrix {
      switch self {
      case .full: return Matrix([[0.5, -1, 2], [3, 1.5, -4]])
      case .row: return Matrix.row([10, 20, 40])
      case .column: return Matrix.column([-2, 8])
      case .scalar: return Matrix.scalar(0.25)
      }
    }

    func element(_ i: Int, _ j: Int) -> Double {
      let m = matrix
      switch self {
      case .full: return m.storage[i * 3 + j]
      case .row: return m.storage[j]
      case .column: return m.storage[i]
      case .scalar: return m.storage[0]
      }
    }
  }

  static var operators: [(String, (Matrix, Matrix) -> Matrix, (Double, Double) -> Double)] {
    [
      ("+", { $0 + $1 }, { $0 + $1 }), ("-", { $0 - $1 }, { $0 - $1 }),
      ("*", { $0 * $1 }, { $0 * $1 }), ("/", { $0 / $1 }, { $0 / $1 }),
    ]
  }

  @Test(arguments: Operand.allCases, Operand.allCases)
  func broadcastOperatorsMatchExplicitLoops(left: Operand, right: Operand) {
    // The result is [2, 3] whenever either side is full, or one is a row and the other
    // a column (an outer combination). Pairs that stay smaller are checked at their own
    // shape.
    let rows = (left == .full || left == .column || right == .full || right == .column) ? 2 : 1
    let columns = (left == .full || left == .row || right == .full || right == .row) ? 3 : 1
    for (name, op, scalarOp) in Self.operators {
      let result = op(left.matrix, right.matrix)
      #expect(
        result.shape == (rows: rows, columns: columns), "\(left) \(name) \(right) shape")
      guard result.shape == (rows: rows, columns: columns) else { continue }
      let expected = makeMatrix(rows, columns) { i, j in
        scalarOp(left.element(i, j), right.element(i, j))
      }
      #expect(result == expected, "\(left) \(name) \(right)")
    }
  }

  @Test func operationsOnEmptyMatricesGiveEmptyResults() {
    #expect(
      (Matrix(rows: 3, columns: 0) + Matrix(rows: 3, columns: 0)).shape == (rows: 3, columns: 0))
    #expect(Matrix(rows: 0, columns: 2).sum() == 0)
  }

  @Test func scalarOperatorsApplyToEveryElement() {
    #expect(a + 1 == Matrix([[2, 3, 4], [5, 6, 7]]))
    #expect(a - 1 == Matrix([[0, 1, 2], [3, 4, 5]]))
    #expect(a * 2 == Matrix([[2, 4, 6], [8, 10, 12]]))
    #expect(2 * a == Matrix([[2, 4, 6], [8, 10, 12]]))
    #expect(a / 2 == Matrix([[0.5, 1, 1.5], [2, 2.5, 3]]))
    #expect(-a == Matrix([[-1, -2, -3], [-4, -5, -6]]))
    #expect(a.map { $0 * $0 } == Matrix([[1, 4, 9], [16, 25, 36]]))
  }

  @Test func compoundAdditionAddsInPlace() {
    var b = a
    b += Matrix([[1, 1, 1], [2, 2, 2]])
    #expect(b == Matrix([[2, 3, 4], [6, 7, 8]]))
  }

  @Test func reducedToSumsOverTheBroadcastAxes() {
    #expect(a.reduced(to: (rows: 2, columns: 3)) == a)
    #expect(a.reduced(to: (rows: 1, columns: 3)) == Matrix.row([5, 7, 9]))
    #expect(a.reduced(to: (rows: 2, columns: 1)) == Matrix.column([6, 15]))
    #expect(a.reduced(to: (rows: 1, columns: 1)) == Matrix.scalar(21))
  }

  // MARK: Reductions

  @Test func sumAndMeanOfAllElements() {
    #expect(a.sum() == 21)
    #expect(a.mean() == 3.5)
  }

  /// By hand on a small matrix, and the bits of squaring then summing on lengths that
  /// leave every remainder after the groups of four.
  @Test func sumOfSquaresIsTheSumOfTheSquaredElements() {
    #expect(a.sumOfSquares() == 91)  // 1 + 4 + 9 + 16 + 25 + 36
    var rng = Generator(seed: 31)
    for count in 1...11 {
      let m = rng.normalMatrix(rows: 1, columns: count, standardDeviation: 1)
      #expect(m.sumOfSquares().bitPattern == m.map { $0 * $0 }.sum().bitPattern, "\(count)")
    }
  }

  @Test func sumAndMeanOverAnAxis() {
    #expect(a.sum(over: .rows) == Matrix.row([5, 7, 9]))
    #expect(a.sum(over: .columns) == Matrix.column([6, 15]))
    #expect(a.mean(over: .rows) == Matrix.row([2.5, 3.5, 4.5]))
    #expect(a.mean(over: .columns) == Matrix.column([2, 5]))
  }

  @Test func maxOverAnAxisHandlesAllNegativeEntries() {
    let m = Matrix([[-1, -5, -3], [-2, -4, -7]])
    #expect(m.max(over: .rows) == Matrix.row([-1, -4, -3]))
    #expect(m.max(over: .columns) == Matrix.column([-1, -2]))
    #expect(m.max() == -1)
    #expect(m.min() == -7)
  }

  @Test func argmaxPerRowTakesTheFirstOfTies() {
    let m = Matrix([[1, 3, 3], [5, 0, 1], [-1, -1, -0.5]])
    #expect(m.argmaxPerRow() == [1, 0, 2])
  }

  @Test func frobeniusNormAndDifferencesByHand() {
    #expect(Matrix([[3, 4], [0, 0]]).frobeniusNorm == 5)
    #expect(a.maxAbsDifference(Matrix([[1, 2, 3.5], [4, 3, 6]])) == 2)
    #expect(a.isFinite)
    #expect(!Matrix([[1, .nan]]).isFinite)
    #expect(!Matrix([[1, .infinity]]).isFinite)
  }
}
