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

/// $\sum_k \lVert x_k\rVert^2$, the sum of the squared entries of several variables (a
/// Gaussian prior's weight decay), as one `[1, 1]` node; $\bar x_k = 2\bar y\,x_k$.
///
/// The same numbers as summing `square(x).sum()` over the variables from zero, as one
/// node instead of three per variable.
///
/// - Parameter variables: the variables, all on one tape (at least one).
public func sumOfSquares(_ variables: [Variable]) -> Variable {
  precondition(!variables.isEmpty, "sumOfSquares: no variables")
  let tape = variables[0].tape
  precondition(
    variables.allSatisfy { $0.tape === tape }, "sumOfSquares: variables on different tapes")
  var total = 0.0
  for v in variables { total = total + v.value.sumOfSquares() }
  let nodes = variables.map(\.node)
  return tape.record(.scalar(total), inputs: variables) { g, tape in
    let gradient = g.scalarValue
    for x in nodes where tape.requiresGradient(x) {
      tape.accumulate(x.value.map { gradient * (2 * $0) }, into: x)
    }
  }
}
