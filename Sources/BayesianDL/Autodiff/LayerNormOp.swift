extension Variable {
  /// Each row standardised to mean 0 and variance 1 (Ba et al. 2016):
  /// $\hat x_i = (x_i - \mu)/\sqrt{v + \epsilon}$ with the row's mean $\mu$ and (biased)
  /// variance $v$. A layer norm is this times a gain plus a bias, both `[1, d]`
  /// (broadcast by `*` and `+`).
  ///
  /// Pullback, per row of width $d$ with $s = \sqrt{v + \epsilon}$:
  /// $\bar x = \big(\bar y - \operatorname{mean}(\bar y) - \hat x\,\operatorname{mean}(\bar y\odot\hat x)\big)/s$.
  ///
  /// - Parameter epsilon: $\epsilon > 0$, for rows that are (nearly) constant.
  public func layerNormalisedRows(epsilon: Double = 1e-5) -> Variable {
    precondition(epsilon > 0, "Variable.layerNormalisedRows: epsilon must be positive")
    let x = node
    let d = Double(columns)
    var normalised = value
    var scales = [Double](repeating: 0, count: rows)
    for i in 0..<rows {
      let row = value.storage[(i * columns)..<((i + 1) * columns)]
      let mean = row.reduce(0, +) / d
      let variance = row.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / d
      scales[i] = (variance + epsilon).squareRoot()
      for j in 0..<columns {
        normalised.storage[i * columns + j] = (value.storage[i * columns + j] - mean) / scales[i]
      }
    }
    let y = normalised
    return tape.record(y, inputs: [self]) { g, tape in
      var dx = g
      for i in 0..<y.rows {
        let base = i * y.columns
        var meanG = 0.0
        var meanGY = 0.0
        for j in 0..<y.columns {
          meanG += g.storage[base + j]
          meanGY += g.storage[base + j] * y.storage[base + j]
        }
        meanG /= d
        meanGY /= d
        for j in 0..<y.columns {
          dx.storage[base + j] =
            (g.storage[base + j] - meanG - y.storage[base + j] * meanGY) / scales[i]
        }
      }
      tape.accumulate(dx, into: x)
    }
  }
}
