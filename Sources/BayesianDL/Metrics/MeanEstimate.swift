/// A sample mean with its standard error $s/\sqrt n$: what a Monte Carlo estimate or a
/// score averaged over seeds or splits reports.
public struct MeanEstimate: Sendable, Equatable {
  /// The sample mean $\bar x$.
  public let mean: Double
  /// The standard error of the mean, $s/\sqrt n$ with $s$ the sample standard deviation
  /// (0 for a single value).
  public let standardError: Double

  /// An estimate given by its parts, e.g. a published "mean ± standard error".
  ///
  /// - Parameters:
  ///   - mean: the mean.
  ///   - standardError: its standard error.
  public init(mean: Double, standardError: Double) {
    self.mean = mean
    self.standardError = standardError
  }

  /// The mean of `values` and its standard error.
  ///
  /// - Parameter values: $n \ge 1$ numbers.
  public init(of values: [Double]) {
    let summary = SampleSummary.meanAndStandardDeviation(values)
    mean = summary.mean
    standardError = summary.sd / Double(values.count).squareRoot()
  }

  /// How many standard errors the mean lies from `value`, $(\bar x - v)/\mathrm{se}$.
  ///
  /// - Parameter value: the reference, e.g. a closed form.
  public func zScore(against value: Double) -> Double { (mean - value) / standardError }
}
