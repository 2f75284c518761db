import Foundation

/// Scores of predicted class probabilities against true labels.
public enum ClassificationMetrics {
  /// Checks that `probabilities` is `[labels.count, classes]`, non-negative, and that every
  /// row sums to 1 within `1e-6`.
  static func validate(_ probabilities: Matrix, _ labels: [Int]) {
    precondition(
      probabilities.rows == labels.count,
      "metrics: \(probabilities.rows) rows of probabilities for \(labels.count) labels")
    for i in 0..<probabilities.rows {
      let row = probabilities.row(i).storage
      precondition(row.allSatisfy { $0 >= 0 }, "metrics: row \(i) has a negative probability")
      let total = row.reduce(0, +)
      precondition(abs(total - 1) < 1e-6, "metrics: row \(i) sums to \(total), not 1")
      precondition(
        labels[i] >= 0 && labels[i] < probabilities.columns,
        "metrics: label \(labels[i]) outside 0..<\(probabilities.columns)")
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

  /// The expected calibration error with equal-width confidence bins (Guo et al., 2017):
  /// $\mathrm{ECE} = \sum_b \frac{n_b}{n}\,\lvert\mathrm{acc}_b - \mathrm{conf}_b\rvert$, where the
  /// confidence of a row is its largest probability and it is correct if that class is the
  /// label.
  ///
  /// Bin $b$ of $B$ holds confidences in $(\frac{b}{B}, \frac{b+1}{B}]$ — right-closed, so a
  /// confidence of exactly 1 falls in the last bin — and bin 0 also takes a confidence
  /// of exactly 0. Empty bins contribute nothing.
  ///
  /// - Parameters:
  ///   - probabilities: `[n, classes]`, rows summing to 1.
  ///   - labels: the true classes.
  ///   - bins: $B$ (15 as in Guo et al.; note 000 uses 10).
  public static func expectedCalibrationError(
    _ probabilities: Matrix, labels: [Int], bins: Int = 15
  )
    -> Double
  {
    validate(probabilities, labels)
    precondition(bins >= 1, "expectedCalibrationError: needs at least one bin")
    var count = [Double](repeating: 0, count: bins)
    var correct = [Double](repeating: 0, count: bins)
    var confidence = [Double](repeating: 0, count: bins)
    let predicted = probabilities.argmaxPerRow()
    for i in 0..<labels.count {
      let c = probabilities[i, predicted[i]]
      let b = min(max(Int((c * Double(bins)).rounded(.up)) - 1, 0), bins - 1)
      count[b] += 1
      confidence[b] += c
      if predicted[i] == labels[i] { correct[b] += 1 }
    }
    var ece = 0.0
    for b in 0..<bins where count[b] > 0 {
      ece += abs(correct[b] - confidence[b]) / Double(labels.count)
    }
    return ece
  }
}
