import Foundation

/// Formulas as the source notes wrote them, where they are wrong.
///
/// Kept in the core so that a chapter can show, and a test can prove, how each one
/// fails. No result the course reports rests on them; where a chapter trains with one,
/// it is to show what the wrong formula does.
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

extension Errata {
  /// Note 001's `BayesianLastLayerLinear.kl_divergence`, summed over weights:
  /// $$\sum_k \tfrac12\tau_k(\tau_k^{-1} + \mu_k^2) - \tfrac12(\log\tau_k - \log\alpha) = \sum_k \tfrac12(1 + \tau_k\mu_k^2 - \log\tau_k + \log\alpha),$$
  /// for $q = \mathcal N(\mu_k, 1/\tau_k)$ and the prior $\mathcal N(0, 1/\alpha)$. The KL is
  /// $\tfrac12(\alpha/\tau_k + \alpha\mu_k^2 - 1 + \log\tau_k - \log\alpha)$: the note puts
  /// the posterior precision $\tau$ where the prior precision $\alpha$ belongs, drops the
  /// $-\tfrac12$ and flips the sign of the log term. So it is $\tfrac12$ at $q = p$ (where the
  /// KL is 0), negative for large $\tau$, and for fixed $\mu$ smallest at $\tau = 1/\mu^2$
  /// instead of $\tau = \alpha$; it has no minimum at all, falling without bound as
  /// $\mu \to 0$, $\tau \to \infty$.
  ///
  /// - Parameters:
  ///   - mean: $\mu$.
  ///   - logPrecision: $\log\tau$ (same length).
  ///   - priorPrecision: $\alpha > 0$.
  public static func note001KLToPrior(
    mean: [Double], logPrecision: [Double], priorPrecision: Double
  ) -> Double {
    precondition(mean.count == logPrecision.count, "note001KLToPrior: lengths differ")
    var total = 0.0
    for k in mean.indices {
      let tau = exp(logPrecision[k])
      total +=
        0.5 * tau * (1 / tau + mean[k] * mean[k]) - 0.5 * (logPrecision[k] - log(priorPrecision))
    }
    return total
  }
}
