import Foundation

/// A dense, row-major matrix of `Double`s: the one array type of the course.
///
/// Element $(i, j)$ lives at `storage[i * columns + j]`. A vector is a matrix with one
/// row (`[1, n]`) or one column (`[n, 1]`); a scalar is `[1, 1]`. `Matrix` is a value
/// type with copy-on-write storage, so passing one around is cheap and mutation is
/// local.
public struct Matrix: Equatable, Sendable {
  /// Number of rows.
  public let rows: Int
  /// Number of columns.
  public let columns: Int
  /// The elements in row-major order; `storage.count == rows * columns`.
  public var storage: [Double]

  /// Creates a matrix from row-major elements.
  ///
  /// - Parameters:
  ///   - rows: number of rows (≥ 0).
  ///   - columns: number of columns (≥ 0).
  ///   - storage: `rows * columns` elements, row after row.
  public init(rows: Int, columns: Int, storage: [Double]) {
    precondition(rows >= 0 && columns >= 0, "Matrix: negative shape [\(rows), \(columns)]")
    precondition(
      storage.count == rows * columns,
      "Matrix: \(storage.count) elements cannot fill shape [\(rows), \(columns)]")
    self.rows = rows
    self.columns = columns
    self.storage = storage
  }

  /// Creates a matrix with every element equal to `value`.
  ///
  /// - Parameters:
  ///   - rows: number of rows.
  ///   - columns: number of columns.
  ///   - value: the fill value (default 0).
  public init(rows: Int, columns: Int, repeating value: Double = 0) {
    self.init(rows: rows, columns: columns, storage: Array(repeating: value, count: rows * columns))
  }

  /// Creates a matrix from nested arrays, one inner array per row.
  ///
  /// - Parameter nested: rows of equal length, e.g. `[[1, 2], [3, 4]]`.
  public init(_ nested: [[Double]]) {
    let columns = nested.first?.count ?? 0
    precondition(
      nested.allSatisfy { $0.count == columns }, "Matrix: rows of a nested array differ in length")
    self.init(rows: nested.count, columns: columns, storage: nested.flatMap { $0 })
  }

  /// Creates a matrix by evaluating `element(i, j)` at every position.
  ///
  /// - Parameters:
  ///   - rows: number of rows.
  ///   - columns: number of columns.
  ///   - element: the value at row `i`, column `j`.
  public init(rows: Int, columns: Int, _ element: (Int, Int) -> Double) {
    var storage = [Double]()
    storage.reserveCapacity(rows * columns)
    for i in 0..<rows {
      for j in 0..<columns { storage.append(element(i, j)) }
    }
    self.init(rows: rows, columns: columns, storage: storage)
  }

  /// A column vector `[n, 1]` holding `values`.
  ///
  /// - Parameter values: the entries, top to bottom.
  public static func column(_ values: [Double]) -> Matrix {
    Matrix(rows: values.count, columns: 1, storage: values)
  }

  /// A row vector `[1, n]` holding `values`.
  ///
  /// - Parameter values: the entries, left to right.
  public static func row(_ values: [Double]) -> Matrix {
    Matrix(rows: 1, columns: values.count, storage: values)
  }

  /// A `[1, 1]` matrix holding `value`.
  ///
  /// - Parameter value: the single entry.
  public static func scalar(_ value: Double) -> Matrix {
    Matrix(rows: 1, columns: 1, storage: [value])
  }

  /// The $n \times n$ identity matrix $I_n$.
  ///
  /// - Parameter n: the size.
  public static func identity(_ n: Int) -> Matrix {
    diagonal(Array(repeating: 1, count: n))
  }

  /// A square matrix with `values` on its diagonal and zeros elsewhere.
  ///
  /// - Parameter values: the diagonal entries.
  public static func diagonal(_ values: [Double]) -> Matrix {
    var m = Matrix(rows: values.count, columns: values.count)
    for (i, v) in values.enumerated() { m.storage[i * values.count + i] = v }
    return m
  }

  /// The shape `[rows, columns]` as a pair.
  public var shape: (rows: Int, columns: Int) { (rows, columns) }

  /// Number of elements, `rows * columns`.
  public var count: Int { storage.count }

  /// The element at row `i`, column `j` (both 0-based).
  public subscript(i: Int, j: Int) -> Double {
    get {
      precondition(
        i >= 0 && i < rows && j >= 0 && j < columns,
        "Matrix: index (\(i), \(j)) outside shape [\(rows), \(columns)]")
      return storage[i * columns + j]
    }
    set {
      precondition(
        i >= 0 && i < rows && j >= 0 && j < columns,
        "Matrix: index (\(i), \(j)) outside shape [\(rows), \(columns)]")
      storage[i * columns + j] = newValue
    }
  }

  /// The only element of a `[1, 1]` matrix.
  public var scalarValue: Double {
    precondition(count == 1, "Matrix: scalarValue needs shape [1, 1], not [\(rows), \(columns)]")
    return storage[0]
  }

  /// Row `i` as a `[1, columns]` matrix.
  ///
  /// - Parameter i: the row index.
  public func row(_ i: Int) -> Matrix {
    precondition(i >= 0 && i < rows, "Matrix: row \(i) outside [0, \(rows))")
    return Matrix(
      rows: 1, columns: columns, storage: Array(storage[(i * columns)..<((i + 1) * columns)]))
  }

  /// Column `j` as a `[rows, 1]` matrix.
  ///
  /// - Parameter j: the column index.
  public func column(_ j: Int) -> Matrix {
    precondition(j >= 0 && j < columns, "Matrix: column \(j) outside [0, \(columns))")
    return Matrix(rows: rows, columns: 1) { i, _ in storage[i * columns + j] }
  }

  /// The rows in `range`, as a `[range.count, columns]` matrix.
  ///
  /// - Parameter range: row indices, within `0..<rows`.
  public func rows(_ range: Range<Int>) -> Matrix {
    precondition(
      range.lowerBound >= 0 && range.upperBound <= rows,
      "Matrix: rows \(range) outside [0, \(rows))")
    return Matrix(
      rows: range.count, columns: columns,
      storage: Array(storage[(range.lowerBound * columns)..<(range.upperBound * columns)]))
  }

  /// The rows at `indices` (in that order, repeats allowed).
  ///
  /// - Parameter indices: row indices, each within `0..<rows`.
  public func rows(at indices: [Int]) -> Matrix {
    // Row by row into uninitialised storage (a minibatch is gathered every step; appending
    // slices retains and checks capacity per row).
    for i in indices { precondition(i >= 0 && i < rows, "Matrix: row \(i) outside [0, \(rows))") }
    if indices.isEmpty || columns == 0 { return Matrix(rows: indices.count, columns: columns) }
    let out = [Double](unsafeUninitializedCapacity: indices.count * columns) { po, initialised in
      storage.withUnsafeBufferPointer { ps in
        for (r, i) in indices.enumerated() {
          (po.baseAddress! + r * columns).initialize(
            from: ps.baseAddress! + i * columns, count: columns)
        }
      }
      initialised = indices.count * columns
    }
    return Matrix(rows: indices.count, columns: columns, storage: out)
  }

  /// The columns in `range`, as a `[rows, range.count]` matrix.
  ///
  /// - Parameter range: column indices, within `0..<columns`.
  public func columns(_ range: Range<Int>) -> Matrix {
    precondition(
      range.lowerBound >= 0 && range.upperBound <= columns,
      "Matrix: columns \(range) outside [0, \(columns))")
    var out = [Double]()
    out.reserveCapacity(rows * range.count)
    for i in 0..<rows {
      out.append(
        contentsOf: storage[(i * columns + range.lowerBound)..<(i * columns + range.upperBound)])
    }
    return Matrix(rows: rows, columns: range.count, storage: out)
  }

  /// The same elements read as a `[rows, columns]` matrix (row-major order kept).
  ///
  /// - Parameters:
  ///   - rows: new number of rows.
  ///   - columns: new number of columns; `rows * columns` must equal `count`.
  public func reshaped(rows: Int, columns: Int) -> Matrix {
    precondition(
      rows * columns == count,
      "Matrix: cannot reshape [\(self.rows), \(self.columns)] to [\(rows), \(columns)]")
    return Matrix(rows: rows, columns: columns, storage: storage)
  }

  /// The transpose $A^\top$.
  public var transposed: Matrix {
    var out = [Double](repeating: 0, count: count)
    for i in 0..<rows {
      for j in 0..<columns { out[j * rows + i] = storage[i * columns + j] }
    }
    return Matrix(rows: columns, columns: rows, storage: out)
  }

  /// The diagonal entries $A_{ii}$ of a square matrix.
  public var diagonalEntries: [Double] {
    precondition(rows == columns, "Matrix: diagonal of a non-square [\(rows), \(columns)] matrix")
    return (0..<rows).map { storage[$0 * columns + $0] }
  }

  /// Applies `transform` to every element.
  ///
  /// - Parameter transform: the element-wise function.
  @inline(__always)
  public func map(_ transform: (Double) -> Double) -> Matrix {
    // A plain loop into uninitialised storage: `Array.map` appends element by element
    // (a capacity check each time), which keeps `sqrt`, `exp`, … from being vectorised.
    let count = self.count
    let out = storage.withUnsafeBufferPointer { source in
      [Double](unsafeUninitializedCapacity: count) { target, initialised in
        for k in 0..<count { (target.baseAddress! + k).initialize(to: transform(source[k])) }
        initialised = count
      }
    }
    return Matrix(rows: rows, columns: columns, storage: out)
  }

  /// Stacks matrices with equal column counts on top of each other.
  ///
  /// - Parameter parts: the blocks, top to bottom.
  public static func vstack(_ parts: [Matrix]) -> Matrix {
    guard let first = parts.first else { return Matrix(rows: 0, columns: 0) }
    precondition(
      parts.allSatisfy { $0.columns == first.columns },
      "Matrix.vstack: blocks have different column counts \(parts.map(\.columns))")
    return Matrix(
      rows: parts.reduce(0) { $0 + $1.rows }, columns: first.columns,
      storage: parts.flatMap(\.storage))
  }

  /// Places matrices with equal row counts side by side.
  ///
  /// - Parameter parts: the blocks, left to right.
  public static func hstack(_ parts: [Matrix]) -> Matrix {
    guard let first = parts.first else { return Matrix(rows: 0, columns: 0) }
    precondition(
      parts.allSatisfy { $0.rows == first.rows },
      "Matrix.hstack: blocks have different row counts \(parts.map(\.rows))")
    var out = [Double]()
    out.reserveCapacity(first.rows * parts.reduce(0) { $0 + $1.columns })
    for i in 0..<first.rows {
      for part in parts {
        out.append(contentsOf: part.storage[(i * part.columns)..<((i + 1) * part.columns)])
      }
    }
    return Matrix(rows: first.rows, columns: parts.reduce(0) { $0 + $1.columns }, storage: out)
  }

  /// The largest absolute difference between two matrices of equal shape.
  ///
  /// - Parameter other: a matrix of the same shape.
  public func maxAbsDifference(_ other: Matrix) -> Double {
    precondition(
      rows == other.rows && columns == other.columns,
      "Matrix: shapes [\(rows), \(columns)] and [\(other.rows), \(other.columns)] differ")
    var worst = 0.0
    for k in 0..<count { worst = Swift.max(worst, abs(storage[k] - other.storage[k])) }
    return worst
  }

  /// Whether every element is finite (no NaN, no ±∞).
  public var isFinite: Bool { storage.allSatisfy(\.isFinite) }
}

extension Matrix: CustomStringConvertible {
  /// A compact text form, one row per line.
  public var description: String {
    var lines = ["Matrix [\(rows), \(columns)]"]
    for i in 0..<Swift.min(rows, 8) {
      let shown = (0..<Swift.min(columns, 8)).map { j in
        String(format: "%10.4g", storage[i * columns + j])
      }
      lines.append(shown.joined(separator: " ") + (columns > 8 ? " …" : ""))
    }
    if rows > 8 { lines.append("…") }
    return lines.joined(separator: "\n")
  }
}
