extension Variable {
  /// The sum of all elements, as a `[1, 1]` variable; $\bar x_{ij} = \bar y$.
  public func sum() -> Variable {
    let x = node
    return tape.record(.scalar(value.sum()), inputs: [self]) { g, tape in
      tape.accumulate(Matrix(rows: x.rows, columns: x.columns, repeating: g.scalarValue), into: x)
    }
  }

  /// The mean of all elements, as a `[1, 1]` variable.
  public func mean() -> Variable { sum() / Double(value.count) }

  /// Sums over one axis (shapes as in ``Matrix/sum(over:)``); the pullback repeats
  /// $\bar y$ along the summed axis.
  ///
  /// - Parameter axis: the axis that disappears.
  public func sum(over axis: Axis) -> Variable {
    let x = node
    return tape.record(value.sum(over: axis), inputs: [self]) { g, tape in
      tape.accumulate(Matrix(rows: x.rows, columns: x.columns, repeating: 0) + g, into: x)
    }
  }

  /// Means over one axis (shapes as in ``Matrix/sum(over:)``).
  ///
  /// - Parameter axis: the axis that disappears.
  public func mean(over axis: Axis) -> Variable {
    sum(over: axis) / Double(axis == .rows ? rows : columns)
  }
}
