extension Variable {
  /// Rows of the value picked by index, `[indices.count, columns]` — an embedding lookup
  /// when the value is a table of token vectors. Rows may repeat; the pullback adds each
  /// row of $\bar y$ into the row it came from.
  ///
  /// - Parameter indices: row indices, each in `0..<rows`.
  public func gatheringRows(_ indices: [Int]) -> Variable {
    precondition(
      indices.allSatisfy { (0..<rows).contains($0) }, "Variable.gatheringRows: index out of range")
    let x = node
    let width = columns
    var y = Matrix(rows: indices.count, columns: width)
    for (r, i) in indices.enumerated() {
      y.storage.replaceSubrange(
        (r * width)..<((r + 1) * width), with: value.storage[(i * width)..<((i + 1) * width)])
    }
    return tape.record(y, inputs: [self]) { g, tape in
      var dx = Matrix(rows: x.rows, columns: width)
      for (r, i) in indices.enumerated() {
        for k in 0..<width { dx.storage[i * width + k] += g.storage[r * width + k] }
      }
      tape.accumulate(dx, into: x)
    }
  }
}
