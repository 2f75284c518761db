import Foundation

extension ClassificationMetrics {
  /// The expected calibration error with equal-width confidence bins (Guo et al., 2017):
  /// $\mathrm{ECE} = \sum_b \frac{n_b}{n}\,\lvert\mathrm{acc}_b - \mathrm{conf}_b\rvert$, where the
  /// confidence of a row is its largest probability and it is correct if that class is the
  /// label.
  ///
  /// Bin $b$ of $B$ holds confidences in $(\frac{b}{B}, \frac{b+1}{B}]$ — right-closed, so a
  /// confidence of exactly 1 falls in the last bin — and bin 0 also takes a confidence
  /// of exactly 0. Empty bins contribute nothing. See ``Reliability``.
  ///
  /// - Parameters:
  ///   - probabilities: `[n, classes]`, rows summing to 1.
  ///   - labels: the true classes.
  ///   - bins: $B$ (15 as in Guo et al.; note 000 uses 10).
  public static func expectedCalibrationError(
    _ probabilities: Matrix, labels: [Int], bins: Int = 15
  ) -> Double {
    Reliability(probabilities, labels: labels, bins: bins).expectedCalibrationError
  }

  /// The maximum calibration error: the largest gap
  /// $\lvert\mathrm{acc}_b - \mathrm{conf}_b\rvert$ over the non-empty equal-width bins of
  /// ``expectedCalibrationError(_:labels:bins:)``.
  ///
  /// - Parameters:
  ///   - probabilities: `[n, classes]`, rows summing to 1.
  ///   - labels: the true classes.
  ///   - bins: $B$.
  public static func maximumCalibrationError(
    _ probabilities: Matrix, labels: [Int], bins: Int = 15
  ) -> Double {
    Reliability(probabilities, labels: labels, bins: bins).maximumCalibrationError
  }

  /// The adaptive (equal-mass) ECE: the same sum over $B$ bins that each hold the same
  /// number of predictions (to within one), so that no bin is nearly empty when the
  /// confidences crowd near 1 (Nguyen & O'Connor, 2015).
  ///
  /// - Parameters:
  ///   - probabilities: `[n, classes]`, rows summing to 1.
  ///   - labels: the true classes.
  ///   - bins: $B$.
  public static func adaptiveCalibrationError(
    _ probabilities: Matrix, labels: [Int], bins: Int = 15
  ) -> Double {
    Reliability(probabilities, labels: labels, bins: bins, equalMass: true)
      .expectedCalibrationError
  }

  /// The classwise ECE (Kull et al., 2019): the mean over classes $k$ of the equal-width
  /// ECE of the predicted $p_k$ as the probability of the event "the label is $k$",
  /// $\frac1C\sum_k \sum_b \frac{n_{kb}}{n}\lvert \bar 1[y = k]_{kb} - \bar p_{k,kb}\rvert$. It
  /// looks at every class's probability, not only the largest.
  ///
  /// - Parameters:
  ///   - probabilities: `[n, classes]`, rows summing to 1.
  ///   - labels: the true classes.
  ///   - bins: $B$.
  public static func classwiseCalibrationError(
    _ probabilities: Matrix, labels: [Int], bins: Int = 15
  ) -> Double {
    validate(probabilities, labels)
    let c = probabilities.columns
    let total = (0..<c).reduce(0.0) { sum, k in
      let column = (0..<labels.count).map { probabilities[$0, k] }
      let happened = labels.map { $0 == k }
      return sum
        + Reliability(confidences: column, correct: happened, bins: bins).expectedCalibrationError
    }
    return total / Double(c)
  }
}
