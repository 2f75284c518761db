import Foundation

/// Formulas as the source notes wrote them, where they are wrong.
///
/// Kept in the core so that a chapter can show, and a test can prove, how each one
/// fails. Nothing in the course trains with them.
public enum Errata {
  /// Note 000's `kl_divergence_gaussian_to_prior`, which writes
  /// $\tfrac12\sum[\log\sigma^2 - \log\sigma_p^2 + (\sigma^2 + \mu^2)/\sigma_p^2 - 1]$:
  /// the two log terms carry the wrong signs.
  ///
  /// It differs from the true KL by $\sum(\log\sigma^2 - \log\sigma_p^2)$, so it goes
  /// negative when $\sigma < \sigma_p$ (a KL never can), and minimising it rewards
  /// $\sigma \to 0$ without bound, collapsing the posterior onto a point.
  ///
  /// - Parameters:
  ///   - mean: $\mu$.
  ///   - logVariance: $\log\sigma^2$.
  ///   - priorStandardDeviation: $\sigma_p$.
  public static func note000KLToPrior(
    mean: [Double], logVariance: [Double], priorStandardDeviation: Double
  ) -> Double {
    let priorVariance = priorStandardDeviation * priorStandardDeviation
    var total = 0.0
    for k in mean.indices {
      total +=
        logVariance[k] - log(priorVariance) + (exp(logVariance[k]) + mean[k] * mean[k])
        / priorVariance - 1
    }
    return 0.5 * total
  }
}
