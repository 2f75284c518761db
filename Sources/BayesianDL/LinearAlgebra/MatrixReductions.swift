/// An axis of a matrix to reduce over.
public enum Axis: Sendable {
  /// Reduce over the row index $i$: one result per column, shape `[1, columns]`.
  case rows
  /// Reduce over the column index $j$: one result per row, shape `[rows, 1]`.
  case columns
}

extension Matrix {
  /// The sum of all elements, $\sum_{ij} A_{ij}$.
  ///
  /// Four running sums over interleaved elements, added at the end: the additions no
  /// longer wait on each other (about four times faster than one running sum), and the
  /// rounding error grows more slowly.
  public func sum() -> Double { fourWaySum { $0 } }

  /// The sum of the squared elements, $\sum_{ij} A_{ij}^2$: the same numbers as
  /// `map { $0 * $0 }.sum()`, without the copy.
  public func sumOfSquares() -> Double { fourWaySum { $0 * $0 } }

  /// $\sum_{ij} f(A_{ij})$ in the order of ``sum()``: element k into running sum k mod 4,
  /// the elements after the last whole group of four into the first, then
  /// $(s_0 + s_1) + (s_2 + s_3)$.
  @inline(__always)
  private func fourWaySum(_ f: (Double) -> Double) -> Double {
    storage.withUnsafeBufferPointer { p in
      var partial = (0.0, 0.0, 0.0, 0.0)
      var k = 0
      while k + 4 <= p.count {
        partial.0 += f(p[k])
        partial.1 += f(p[k + 1])
        partial.2 += f(p[k + 2])
        partial.3 += f(p[k + 3])
        k += 4
      }
      while k < p.count {
        partial.0 += f(p[k])
        k += 1
      }
      return (partial.0 + partial.1) + (partial.2 + partial.3)
    }
  }

  /// The mean of all elements.
  public func mean() -> Double { sum() / Double(count) }

  /// Sums over one axis.
  ///
  /// `sum(over: .rows)` is $\sum_i A_{ij}$ as `[1, columns]`; `sum(over: .columns)` is
  /// $\sum_j A_{ij}$ as `[rows, 1]`.
  ///
  /// - Parameter axis: the axis that disappears.
  public func sum(over axis: Axis) -> Matrix {
    reduce(over: axis, initial: 0, +)
  }

  /// Means over one axis (see ``sum(over:)`` for the shapes).
  ///
  /// - Parameter axis: the axis that disappears.
  public func mean(over axis: Axis) -> Matrix {
    let n = Double(axis == .rows ? rows : columns)
    return sum(over: axis).map { $0 / n }
  }

  /// Maxima over one axis (see ``sum(over:)`` for the shapes).
  ///
  /// - Parameter axis: the axis that disappears.
  public func max(over axis: Axis) -> Matrix {
    reduce(over: axis, initial: -.infinity) { Swift.max($0, $1) }
  }

  /// The column index of the largest element in each row (first one on ties).
  public func argmaxPerRow() -> [Int] {
    (0..<rows).map { i in
      var best = 0
      for j in 1..<Swift.max(columns, 1)
      where storage[i * columns + j] > storage[i * columns + best] {
        best = j
      }
      return best
    }
  }

  /// The largest element.
  public func max() -> Double { storage.max() ?? -.infinity }

  /// The smallest element.
  public func min() -> Double { storage.min() ?? .infinity }

  /// The Frobenius norm $\lVert A \rVert_F = \sqrt{\sum_{ij} A_{ij}^2}$.
  public var frobeniusNorm: Double {
    storage.reduce(0) { $0 + $1 * $1 }.squareRoot()
  }

  /// Folds one axis with `combine`, starting from `initial`.
  @inline(__always)
  func reduce(over axis: Axis, initial: Double, _ combine: (Double, Double) -> Double) -> Matrix {
    switch axis {
    case .rows:
      var out = [Double](repeating: initial, count: columns)
      storage.withUnsafeBufferPointer { p in
        out.withUnsafeMutableBufferPointer { o in
          for i in 0..<rows {
            let row = p.baseAddress! + i * columns
            for j in 0..<columns { o[j] = combine(o[j], row[j]) }
          }
        }
      }
      return Matrix(rows: 1, columns: columns, storage: out)
    case .columns:
      var out = [Double](repeating: initial, count: rows)
      storage.withUnsafeBufferPointer { p in
        for i in 0..<rows {
          var acc = initial
          for j in 0..<columns { acc = combine(acc, p[i * columns + j]) }
          out[i] = acc
        }
      }
      return Matrix(rows: rows, columns: 1, storage: out)
    }
  }
}
