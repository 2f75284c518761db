import Foundation

/// Scores of predicted class probabilities against true labels.
public enum ClassificationMetrics {
  /// Checks that `probabilities` is `[labels.count, classes]` with finite, non-negative
  /// entries, that every row sums to 1 within `1e-6`, and that every label is a class;
  /// stops with a message naming the first row at fault (a programming error here — the
  /// `bdl` tool checks its input files itself and names the file and line).
  static func validate(_ probabilities: Matrix, _ labels: [Int]) {
    precondition(
      probabilities.rows == labels.count,
      "metrics: \(probabilities.rows) rows of probabilities for \(labels.count) labels")
    precondition(!labels.isEmpty, "metrics: no predictions")
    let c = probabilities.columns
    probabilities.storage.withUnsafeBufferPointer { p in
      for i in 0..<labels.count {
        var total = 0.0
        for k in 0..<c {
          let v = p[i * c + k]
          precondition(v.isFinite, "metrics: row \(i) has a non-finite probability \(v)")
          precondition(v >= 0, "metrics: row \(i) has a negative probability \(v)")
          total += v
        }
        precondition(abs(total - 1) < 1e-6, "metrics: row \(i) sums to \(total), not 1")
        precondition(
          labels[i] >= 0 && labels[i] < c, "metrics: label \(labels[i]) outside 0..<\(c)")
      }
    }
  }

  /// The fraction of rows whose most probable class (the first, on ties) is the label.
  ///
  /// - Parameters:
  ///   - probabilities: `[n, classes]`, rows summing to 1.
  ///   - labels: the true classes.
  public static func accuracy(_ probabilities: Matrix, labels: [Int]) -> Double {
    validate(probabilities, labels)
    let predicted = probabilities.argmaxPerRow()
    return Double(zip(predicted, labels).filter { $0 == $1 }.count) / Double(labels.count)
  }

  /// The mean negative log-likelihood $-\frac1n\sum_i \log p_i(y_i)$ in nats; a zero
  /// probability for the true class gives $+\infty$.
  ///
  /// - Parameters:
  ///   - probabilities: `[n, classes]`, rows summing to 1.
  ///   - labels: the true classes.
  public static func negativeLogLikelihood(_ probabilities: Matrix, labels: [Int]) -> Double {
    validate(probabilities, labels)
    let total = labels.enumerated().reduce(0.0) { $0 - log(probabilities[$1.offset, $1.element]) }
    return total / Double(labels.count)
  }

  /// The entropy $H[p_i] = -\sum_k p_{ik}\log p_{ik}$ of each row, in nats ($0\log 0 = 0$).
  ///
  /// - Parameter probabilities: `[n, classes]`.
  public static func entropy(_ probabilities: Matrix) -> [Double] {
    (0..<probabilities.rows).map { i in
      probabilities.row(i).storage.reduce(0) { $0 - ($1 > 0 ? $1 * log($1) : 0) }
    }
  }

  /// The Brier score, $\frac1n\sum_i \sum_k (p_{ik} - 1[y_i = k])^2 \in [0, 2]$: the mean
  /// squared error of the probability vector against the one-hot label (Brier, 1950). A
  /// proper scoring rule, like the NLL, but bounded.
  ///
  /// - Parameters:
  ///   - probabilities: `[n, classes]`, rows summing to 1.
  ///   - labels: the true classes.
  public static func brierScore(_ probabilities: Matrix, labels: [Int]) -> Double {
    validate(probabilities, labels)
    let c = probabilities.columns
    var total = 0.0
    probabilities.storage.withUnsafeBufferPointer { p in
      for i in 0..<labels.count {
        for k in 0..<c {
          let d = p[i * c + k] - (k == labels[i] ? 1 : 0)
          total += d * d
        }
      }
    }
    return total / Double(labels.count)
  }

  /// The total-variation distance between two predictives, row by row:
  /// $\tfrac12\sum_k \lvert p_k - q_k\rvert$, from 0 (the same) to 1 (disjoint support).
  ///
  /// - Parameters:
  ///   - p: `[n, classes]`, rows summing to 1.
  ///   - q: the same shape.
  public static func totalVariationDistances(_ p: Matrix, _ q: Matrix) -> [Double] {
    precondition(
      p.rows == q.rows && p.columns == q.columns, "totalVariationDistances: shapes differ")
    return (0..<p.rows).map { i in
      0.5 * (0..<p.columns).reduce(0) { $0 + abs(p[i, $1] - q[i, $1]) }
    }
  }
}
