extension Variable {
  /// The affine map $XW + b$ of a dense layer, with the bias row $b$ added to every row.
  ///
  /// It computes exactly what `x.matmul(w) + b` computes, value and gradients bit for
  /// bit, as one node instead of two: on the small matrices of a course network the
  /// bookkeeping of a node costs as much as its arithmetic. The pullbacks are
  /// $\bar X = \bar Y W^\top$, $\bar W = X^\top \bar Y$ and $\bar b = \sum_i \bar Y_{i\cdot}$.
  ///
  /// - Parameters:
  ///   - weight: $W$, `[columns, outputs]`.
  ///   - bias: $b$, `[1, outputs]`.
  public func affine(_ weight: Variable, _ bias: Variable) -> Variable {
    precondition(
      bias.rows == 1 && bias.columns == weight.columns,
      "affine: bias [\(bias.rows), \(bias.columns)] does not fit weight [\(weight.rows), \(weight.columns)]"
    )
    let (x, w, b) = (node, weight.node, bias.node)
    var value = Matrix.product(x.value, w.value)
    value.addToEveryRow(b.value)
    return tape.record(value, inputs: [self, weight, bias]) { g, tape in
      if tape.requiresGradient(b) { tape.accumulate(g.reduced(to: b.value.shape), into: b) }
      if tape.requiresGradient(x) {
        tape.accumulate(Matrix.product(g, w.value, transposeB: true), into: x)
      }
      if tape.requiresGradient(w) {
        tape.accumulate(Matrix.product(x.value, g, transposeA: true), into: w)
      }
    }
  }
}

extension Matrix {
  /// Adds the row `row` (`[1, columns]`) to every row, in place: $A_{ij} \mathrel{+}= r_j$.
  ///
  /// - Parameter row: the row to add.
  public mutating func addToEveryRow(_ row: Matrix) {
    precondition(
      row.rows == 1 && row.columns == columns,
      "Matrix.addToEveryRow: row [\(row.rows), \(row.columns)] for [\(rows), \(columns)]")
    let width = columns
    storage.withUnsafeMutableBufferPointer { p in
      row.storage.withUnsafeBufferPointer { r in
        for i in 0..<rows {
          let base = p.baseAddress! + i * width
          for j in 0..<width { base[j] += r[j] }
        }
      }
    }
  }
}
