/// The mean and spread of a sample of numbers — what chapters print over seeds, inputs
/// or regions.
public enum SampleSummary {
  /// The sample mean $\bar x = \frac1n\sum_i x_i$.
  ///
  /// - Parameter values: $n \ge 1$ numbers.
  public static func mean(_ values: [Double]) -> Double {
    precondition(!values.isEmpty, "SampleSummary.mean: no values")
    return values.reduce(0, +) / Double(values.count)
  }

  /// The mean of `values` over the points whose input `selected` keeps: a band's width
  /// averaged over a region of a curve (where the data are, in a gap, beyond them).
  ///
  /// - Parameters:
  ///   - values: one number per input.
  ///   - inputs: the inputs, as many as `values`.
  ///   - selected: whether an input belongs to the region; it must keep at least one.
  public static func mean(
    _ values: [Double], at inputs: [Double], where selected: (Double) -> Bool
  ) -> Double {
    precondition(values.count == inputs.count, "SampleSummary.mean: one value per input")
    return mean(inputs.indices.filter { selected(inputs[$0]) }.map { values[$0] })
  }

  /// The sample mean and the sample standard deviation
  /// $s = \sqrt{\frac1{n-1}\sum_i (x_i - \bar x)^2}$ (0 for a single value).
  ///
  /// - Parameter values: $n \ge 1$ numbers.
  public static func meanAndStandardDeviation(_ values: [Double]) -> (mean: Double, sd: Double) {
    let m = mean(values)
    let n = Double(values.count)
    let sd = n > 1 ? (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / (n - 1)).squareRoot() : 0
    return (m, sd)
  }
}
