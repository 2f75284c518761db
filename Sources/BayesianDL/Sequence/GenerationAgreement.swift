import Foundation

/// What $N$ sampled completions of one prompt say about a language model's uncertainty,
/// with no notion of meaning: exact string matches only (note 000 §8.3).
///
/// - ``distinctFraction``: $n_{\text{distinct}}/N$ — 1 when every sample differs, $1/N$
///   when all agree.
/// - ``modalShare``: the share of samples equal to the most common one — the vote behind
///   self-consistency (Wang et al. 2023), here without grouping answers by meaning.
/// - the mean and spread of the samples' log-probabilities under the model.
public struct GenerationAgreement: Sendable {
  /// The sampled completions, in drawing order.
  public let completions: [String]
  /// Each completion's $\log p(y \mid x)$ under the model.
  public let logProbabilities: [Double]
  /// $n_{\text{distinct}}/N$.
  public let distinctFraction: Double
  /// The most common completion (the first drawn, among ties).
  public let modalCompletion: String
  /// The share of samples equal to ``modalCompletion``.
  public let modalShare: Double

  /// Summarises completions and their log-probabilities.
  ///
  /// - Parameters:
  ///   - completions: $N \ge 1$ completions.
  ///   - logProbabilities: $\log p(y_n \mid x)$ of each.
  public init(completions: [String], logProbabilities: [Double]) {
    precondition(
      !completions.isEmpty && completions.count == logProbabilities.count,
      "GenerationAgreement: \(completions.count) completions, \(logProbabilities.count) log-probabilities"
    )
    self.completions = completions
    self.logProbabilities = logProbabilities
    let n = Double(completions.count)
    var counts = [String: Int]()
    for c in completions { counts[c, default: 0] += 1 }
    distinctFraction = Double(counts.count) / n
    let top = counts.values.max()!
    modalCompletion = completions.first { counts[$0] == top }!
    modalShare = Double(top) / n
  }

  /// The mean and sample standard deviation of the log-probabilities.
  public var logProbabilitySummary: (mean: Double, sd: Double) {
    SampleSummary.meanAndStandardDeviation(logProbabilities)
  }

  /// The Monte Carlo estimate of the model's entropy over completions,
  /// $\hat H = -\frac1N\sum_n \log p(y_n \mid x)$, and its standard error $s/\sqrt N$.
  ///
  /// Unbiased only when the completions were drawn from the model itself
  /// (``NucleusSampler/model``): under temperature or nucleus sampling the samples come
  /// from another distribution and this average is a cross-entropy, not an entropy.
  public var entropyEstimate: (value: Double, standardError: Double) {
    let (mean, sd) = logProbabilitySummary
    return (-mean, sd / Double(logProbabilities.count).squareRoot())
  }
}
