import Foundation

extension Variable {
  /// Row-wise softmax, $y_{ij} = e^{z_{ij}}/\sum_k e^{z_{ik}}$; with `causal`, a square
  /// matrix of attention scores in which position $i$ may look only at positions
  /// $j \le i$: the entries above the diagonal get probability 0.
  ///
  /// Pullback: $\bar z_{ij} = y_{ij}\,(\bar y_{ij} - \sum_k \bar y_{ik} y_{ik})$ (masked entries
  /// have $y = 0$ and receive nothing).
  ///
  /// - Parameter causal: mask the entries above the diagonal (needs a square value).
  public func softmaxRows(causal: Bool = false) -> Variable {
    precondition(
      !causal || rows == columns, "Variable.softmaxRows: a causal mask needs a square matrix")
    let x = node
    var y = value
    for i in 0..<rows {
      let width = causal ? i + 1 : columns
      let base = i * columns
      var top = -Double.infinity
      for j in 0..<width { top = Swift.max(top, y.storage[base + j]) }
      var total = 0.0
      for j in 0..<width {
        y.storage[base + j] = Foundation.exp(y.storage[base + j] - top)
        total += y.storage[base + j]
      }
      for j in 0..<columns { y.storage[base + j] = j < width ? y.storage[base + j] / total : 0 }
    }
    return tape.record(y, inputs: [self]) { g, tape in
      let weighted = (g * y).sum(over: .columns)  // [rows, 1]
      tape.accumulate(y * (g - weighted), into: x)
    }
  }
}

/// Scaled dot-product self-attention of one head (Vaswani et al. 2017):
/// $\operatorname{softmax}(QK^\top/\sqrt d)\,V$, with the causal mask of a language model
/// when `causal` is set (position $i$ attends to positions $\le i$ only).
///
/// - Parameters:
///   - queries: $Q$, `[T, d]`.
///   - keys: $K$, `[T, d]`.
///   - values: $V$, `[T, d_v]`.
///   - causal: mask the future.
public func scaledDotProductAttention(
  queries: Variable, keys: Variable, values: Variable, causal: Bool
) -> Variable {
  precondition(
    queries.columns == keys.columns && keys.rows == values.rows,
    "scaledDotProductAttention: shapes do not fit")
  let scores =
    queries.matmul(keys, transposeOther: true) * (1 / Double(queries.columns).squareRoot())
  return scores.softmaxRows(causal: causal).matmul(values)
}
