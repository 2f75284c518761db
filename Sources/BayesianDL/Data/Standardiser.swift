/// Per-column standardisation $z = (x - m)/s$ with the mean $m$ and standard deviation
/// $s$ of a reference (training) set.
///
/// Fit it on training data only, then apply the same $m, s$ to validation and test data,
/// so that no statistic of held-out data leaks into training.
public struct Standardiser: Equatable, Sendable {
  /// Column means $m$, `[1, columns]`.
  public let mean: Matrix
  /// Column standard deviations $s$ (population, divisor $n$), `[1, columns]`; a
  /// constant column gets $s = 1$ so that it maps to zero instead of NaN.
  public let standardDeviation: Matrix

  /// Fits the column statistics of `data`.
  ///
  /// - Parameter data: `[rows, columns]`, at least one row.
  public init(fitting data: Matrix) {
    precondition(data.rows > 0, "Standardiser: no rows to fit")
    mean = data.mean(over: .rows)
    let centred = data - mean
    standardDeviation = (centred * centred).mean(over: .rows).map { v in
      v > 0 ? v.squareRoot() : 1
    }
  }

  /// $(x - m)/s$, column by column.
  ///
  /// - Parameter data: `[rows, columns]` with the fitted column count.
  public func transform(_ data: Matrix) -> Matrix { (data - mean) / standardDeviation }

  /// $z s + m$, the inverse of ``transform(_:)``.
  ///
  /// - Parameter data: standardised values.
  public func inverse(_ data: Matrix) -> Matrix { data * standardDeviation + mean }
}
