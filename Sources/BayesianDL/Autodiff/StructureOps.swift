extension Variable {
  /// The columns `range` of the value, e.g. the mean and the variance heads of one
  /// output layer; the pullback places $\bar y$ back in those columns.
  ///
  /// - Parameter range: column indices.
  public func columns(_ range: Range<Int>) -> Variable {
    let x = node
    return tape.record(value.columns(range), inputs: [self]) { g, tape in
      var dx = Matrix(rows: x.rows, columns: x.columns)
      for i in 0..<x.rows {
        for (k, j) in range.enumerated() {
          dx.storage[i * x.columns + j] = g.storage[i * g.columns + k]
        }
      }
      tape.accumulate(dx, into: x)
    }
  }

  /// The rows `range` of the value; the pullback places $\bar y$ back in those rows.
  ///
  /// - Parameter range: row indices.
  public func rows(_ range: Range<Int>) -> Variable {
    let x = node
    return tape.record(value.rows(range), inputs: [self]) { g, tape in
      var dx = Matrix(rows: x.rows, columns: x.columns)
      dx.storage.replaceSubrange(
        (range.lowerBound * x.columns)..<(range.upperBound * x.columns), with: g.storage)
      tape.accumulate(dx, into: x)
    }
  }

  /// The same elements read as `[rows, columns]` (row-major order kept).
  ///
  /// - Parameters:
  ///   - rows: new row count.
  ///   - columns: new column count.
  public func reshaped(rows: Int, columns: Int) -> Variable {
    let x = node
    return tape.record(value.reshaped(rows: rows, columns: columns), inputs: [self]) { g, tape in
      tape.accumulate(g.reshaped(rows: x.rows, columns: x.columns), into: x)
    }
  }

  /// Places variables with equal row counts side by side; each receives its block of
  /// $\bar y$.
  ///
  /// - Parameter parts: the blocks, left to right, all on one tape.
  public static func hstack(_ parts: [Variable]) -> Variable {
    precondition(!parts.isEmpty, "Variable.hstack: no parts")
    let nodes = parts.map(\.node)
    return parts[0].tape.record(Matrix.hstack(parts.map(\.value)), inputs: parts) { g, tape in
      var start = 0
      for part in nodes {
        tape.accumulate(g.columns(start..<(start + part.columns)), into: part)
        start += part.columns
      }
    }
  }

  /// Stacks variables with equal column counts on top of each other; each receives its
  /// block of $\bar y$.
  ///
  /// - Parameter parts: the blocks, top to bottom, all on one tape.
  public static func vstack(_ parts: [Variable]) -> Variable {
    precondition(!parts.isEmpty, "Variable.vstack: no parts")
    let nodes = parts.map(\.node)
    return parts[0].tape.record(Matrix.vstack(parts.map(\.value)), inputs: parts) { g, tape in
      var start = 0
      for part in nodes {
        tape.accumulate(g.rows(start..<(start + part.rows)), into: part)
        start += part.rows
      }
    }
  }
}
