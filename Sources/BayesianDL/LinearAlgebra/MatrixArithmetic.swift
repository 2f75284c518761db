/// How one operand of an element-wise operation is stretched to the result's shape.
///
/// The course broadcasts only the cases a network needs: equal shapes, a row vector
/// `[1, n]` repeated down the rows (a bias), a column vector `[m, 1]` repeated across
/// the columns (a per-example scale), and a scalar `[1, 1]`.
public enum Broadcast: Sendable {
  /// Same shape as the result.
  case full
  /// A `[1, n]` row used for every row.
  case row
  /// An `[m, 1]` column used for every column.
  case column
  /// A `[1, 1]` value used everywhere.
  case scalar

  /// The broadcast that stretches `operand` to `shape`, or a precondition failure that
  /// names both shapes.
  ///
  /// - Parameters:
  ///   - operand: the shape of the operand.
  ///   - shape: the shape of the result.
  static func of(_ operand: (rows: Int, columns: Int), to shape: (rows: Int, columns: Int))
    -> Broadcast
  {
    if operand == shape { return .full }
    if operand == (1, 1) { return .scalar }
    if operand.rows == 1 && operand.columns == shape.columns { return .row }
    if operand.columns == 1 && operand.rows == shape.rows { return .column }
    preconditionFailure(
      "Matrix: cannot broadcast [\(operand.rows), \(operand.columns)] to [\(shape.rows), \(shape.columns)]"
    )
  }
}

extension Matrix {
  /// The shape two operands broadcast to: along each axis, the other operand's extent
  /// where one has extent 1 (so a `[0, n]` batch plus a `[1, n]` bias stays `[0, n]`).
  ///
  /// - Parameters:
  ///   - a: the left operand.
  ///   - b: the right operand.
  static func broadcastShape(_ a: Matrix, _ b: Matrix) -> (rows: Int, columns: Int) {
    (a.rows == 1 ? b.rows : a.rows, a.columns == 1 ? b.columns : a.columns)
  }

  /// Combines two matrices element by element after broadcasting (see ``Broadcast``).
  ///
  /// - Parameters:
  ///   - a: the left operand.
  ///   - b: the right operand.
  ///   - combine: the element-wise function $f(a_{ij}, b_{ij})$.
  @inline(__always)
  public static func elementwise(
    _ a: Matrix, _ b: Matrix, _ combine: (Double, Double) -> Double
  ) -> Matrix {
    let shape = broadcastShape(a, b)
    let modeA = Broadcast.of(a.shape, to: shape)
    let modeB = Broadcast.of(b.shape, to: shape)
    // Every entry is written below, so the storage starts uninitialised (no memset).
    let count = shape.rows * shape.columns
    if count == 0 { return Matrix(rows: shape.rows, columns: shape.columns) }
    let out = [Double](unsafeUninitializedCapacity: count) { po, initialised in
      a.storage.withUnsafeBufferPointer { pa in
        b.storage.withUnsafeBufferPointer { pb in
          do {
            // Each operand is walked row by row with a row stride (columns or 0) and a
            // column stride (1 or 0); the four stride combinations get their own loop so
            // that the common cases (equal shapes, a bias row) run without branches.
            let (rowA, columnA) = modeA.strides(columns: shape.columns)
            let (rowB, columnB) = modeB.strides(columns: shape.columns)
            for i in 0..<shape.rows {
              let o = po.baseAddress! + i * shape.columns
              let x = pa.baseAddress! + i * rowA
              let y = pb.baseAddress! + i * rowB
              switch (columnA, columnB) {
              case (1, 1):
                for j in 0..<shape.columns { (o + j).initialize(to: combine(x[j], y[j])) }
              case (1, _):
                for j in 0..<shape.columns { (o + j).initialize(to: combine(x[j], y[0])) }
              case (_, 1):
                for j in 0..<shape.columns { (o + j).initialize(to: combine(x[0], y[j])) }
              default: for j in 0..<shape.columns { (o + j).initialize(to: combine(x[0], y[0])) }
              }
            }
          }
        }
      }
      initialised = count
    }
    return Matrix(rows: shape.rows, columns: shape.columns, storage: out)
  }

  /// Sums a gradient of the broadcast result back to an operand's own shape.
  ///
  /// If $y = f(\text{broadcast}(x))$, then $\partial L/\partial x$ is $\partial L/\partial y$
  /// summed over the axes along which $x$ was repeated.
  ///
  /// - Parameter shape: the operand's shape before broadcasting.
  public func reduced(to shape: (rows: Int, columns: Int)) -> Matrix {
    switch Broadcast.of(shape, to: self.shape) {
    case .full: return self
    case .row: return sum(over: .rows)
    case .column: return sum(over: .columns)
    case .scalar: return .scalar(sum())
    }
  }

  /// Element-wise sum with broadcasting.
  public static func + (a: Matrix, b: Matrix) -> Matrix { elementwise(a, b, +) }
  /// Element-wise difference with broadcasting.
  public static func - (a: Matrix, b: Matrix) -> Matrix { elementwise(a, b, -) }
  /// Element-wise (Hadamard) product with broadcasting.
  public static func * (a: Matrix, b: Matrix) -> Matrix { elementwise(a, b, *) }
  /// Element-wise quotient with broadcasting.
  public static func / (a: Matrix, b: Matrix) -> Matrix { elementwise(a, b, /) }

  /// Adds a scalar to every element.
  public static func + (a: Matrix, s: Double) -> Matrix { a.map { $0 + s } }
  /// Subtracts a scalar from every element.
  public static func - (a: Matrix, s: Double) -> Matrix { a.map { $0 - s } }
  /// Multiplies every element by a scalar.
  public static func * (a: Matrix, s: Double) -> Matrix { a.map { $0 * s } }
  /// Multiplies every element by a scalar.
  public static func * (s: Double, a: Matrix) -> Matrix { a.map { s * $0 } }
  /// Divides every element by a scalar.
  public static func / (a: Matrix, s: Double) -> Matrix { a.map { $0 / s } }
  /// Negates every element.
  public static prefix func - (a: Matrix) -> Matrix { a.map { -$0 } }

  /// In-place element-wise sum of two matrices of the same shape.
  public static func += (a: inout Matrix, b: Matrix) {
    precondition(
      a.rows == b.rows && a.columns == b.columns,
      "Matrix +=: shapes [\(a.rows), \(a.columns)] and [\(b.rows), \(b.columns)] differ")
    a.storage.withUnsafeMutableBufferPointer { pa in
      b.storage.withUnsafeBufferPointer { pb in
        for k in 0..<pa.count { pa[k] += pb[k] }
      }
    }
  }
}

extension Broadcast {
  /// How far to move in the operand's storage per result row and per result column.
  @inline(__always)
  func strides(columns: Int) -> (row: Int, column: Int) {
    switch self {
    case .full: return (columns, 1)
    case .row: return (0, 1)
    case .column: return (1, 0)
    case .scalar: return (0, 0)
    }
  }
}
