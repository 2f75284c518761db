import Foundation

/// Closed-form Kullback–Leibler divergences between Gaussians.
///
/// $\mathrm{KL}(q\,\|\,p) = \mathbb E_q[\log q - \log p] \ge 0$, with equality only when
/// $q = p$. All forms here are sums over independent coordinates.
public enum KLDivergence {
  /// $\mathrm{KL}\big(\mathcal N(\mu_q, \sigma_q^2)\,\|\,\mathcal N(\mu_p, \sigma_p^2)\big)
  /// = \tfrac12\Big[\log\frac{\sigma_p^2}{\sigma_q^2} + \frac{\sigma_q^2 + (\mu_q-\mu_p)^2}{\sigma_p^2} - 1\Big]$
  /// for one coordinate.
  ///
  /// - Parameters:
  ///   - q: the first argument (the approximation).
  ///   - p: the second argument (the prior or target).
  public static func gaussian(_ q: Gaussian, _ p: Gaussian) -> Double {
    diagonal(
      meanQ: [q.mean], varianceQ: [q.variance], meanP: [p.mean], varianceP: [p.variance])
  }

  /// KL between diagonal Gaussians, summed over coordinates:
  /// $\tfrac12\sum_k\big[\log\sigma_{p,k}^2 - \log\sigma_{q,k}^2 + (\sigma_{q,k}^2 + (\mu_{q,k}-\mu_{p,k})^2)/\sigma_{p,k}^2 - 1\big]$.
  ///
  /// - Parameters:
  ///   - meanQ: $\mu_q$.
  ///   - varianceQ: $\sigma_q^2 > 0$.
  ///   - meanP: $\mu_p$ (same length).
  ///   - varianceP: $\sigma_p^2 > 0$ (same length).
  public static func diagonal(
    meanQ: [Double], varianceQ: [Double], meanP: [Double], varianceP: [Double]
  ) -> Double {
    precondition(
      [varianceQ.count, meanP.count, varianceP.count].allSatisfy { $0 == meanQ.count },
      "KLDivergence.diagonal: arguments differ in length")
    var total = 0.0
    for k in meanQ.indices {
      let d = meanQ[k] - meanP[k]
      total += log(varianceP[k]) - log(varianceQ[k]) + (varianceQ[k] + d * d) / varianceP[k] - 1
    }
    return 0.5 * total
  }

  /// KL from a diagonal Gaussian $q = \mathcal N(\mu, \operatorname{diag}\sigma^2)$ to the
  /// zero-mean prior $\mathcal N(0, \sigma_p^2 I)$:
  /// $\tfrac12\sum_k\big[\log\sigma_p^2 - \log\sigma_k^2 + (\sigma_k^2 + \mu_k^2)/\sigma_p^2 - 1\big]$.
  ///
  /// This is the complexity term of Bayes by Backprop. (Note 000 writes the two log
  /// terms the other way round; see ``Errata/note000KLToPrior(mean:logVariance:priorStandardDeviation:)``.)
  ///
  /// - Parameters:
  ///   - mean: $\mu$.
  ///   - logVariance: $\log\sigma^2$ (same length).
  ///   - priorStandardDeviation: $\sigma_p > 0$.
  public static func toZeroMeanPrior(
    mean: [Double], logVariance: [Double], priorStandardDeviation: Double
  ) -> Double {
    precondition(mean.count == logVariance.count, "KLDivergence.toZeroMeanPrior: lengths differ")
    let priorVariance = priorStandardDeviation * priorStandardDeviation
    let logPrior = log(priorVariance)
    var total = 0.0
    for k in mean.indices {
      total +=
        logPrior - logVariance[k] + (exp(logVariance[k]) + mean[k] * mean[k]) / priorVariance - 1
    }
    return 0.5 * total
  }
}

extension KLDivergence {
  /// The same KL as ``toZeroMeanPrior(mean:logVariance:priorStandardDeviation:)-([Double],[Double],Double)``,
  /// on a tape so that it can be minimised, as one fused node.
  ///
  /// Its pullback is the closed-form gradient
  /// $\partial\mathrm{KL}/\partial\mu_k = \mu_k/\sigma_p^2$ and
  /// $\partial\mathrm{KL}/\partial\log\sigma_k^2 = \tfrac12(\sigma_k^2/\sigma_p^2 - 1)$.
  ///
  /// - Parameters:
  ///   - mean: $\mu$, any shape.
  ///   - logVariance: $\log\sigma^2$, the same shape.
  ///   - priorStandardDeviation: $\sigma_p > 0$.
  /// - Returns: a `[1, 1]` variable.
  public static func toZeroMeanPrior(
    mean: Variable, logVariance: Variable, priorStandardDeviation: Double
  ) -> Variable {
    precondition(
      mean.rows == logVariance.rows && mean.columns == logVariance.columns,
      "KLDivergence.toZeroMeanPrior: mean and log-variance shapes differ")
    let priorVariance = priorStandardDeviation * priorStandardDeviation
    let variance = logVariance.value.map(Foundation.exp)
    var total = 0.0
    for k in 0..<variance.count {
      let mu = mean.value.storage[k]
      total += (variance.storage[k] + mu * mu) / priorVariance - logVariance.value.storage[k]
    }
    total = 0.5 * (total + Double(variance.count) * (log(priorVariance) - 1))
    let (m, s) = (mean.node, logVariance.node)
    return mean.tape.record(.scalar(total), inputs: [mean, logVariance]) { g, tape in
      let scale = g.scalarValue
      tape.accumulate(m.value * (scale / priorVariance), into: m)
      tape.accumulate(variance.map { scale * 0.5 * ($0 / priorVariance - 1) }, into: s)
    }
  }
}
