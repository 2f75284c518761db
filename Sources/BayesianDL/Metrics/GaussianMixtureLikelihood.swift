import Foundation

/// The test log-likelihood of a predictive that is an equal-weight mixture of Gaussians —
/// what MC dropout, deep ensembles and sampled networks predict, and what the UCI
/// benchmark tables report — computed stably with log-sum-exp:
/// $$\frac1N\sum_n \log \frac1M\sum_{m=1}^M \mathcal N(y_n;\ \mu_{mn}, v_{mn}).$$
public enum GaussianMixtureLikelihood {
  /// The mean log density of `targets` under the mixture.
  ///
  /// - Parameters:
  ///   - means: $M$ arrays of component means, one value per target.
  ///   - variances: $M$ arrays of component variances (> 0), the same shape.
  ///   - targets: $y_n$.
  public static func meanLogDensity(means: [[Double]], variances: [[Double]], targets: [Double])
    -> Double
  {
    precondition(
      !means.isEmpty && means.count == variances.count,
      "GaussianMixtureLikelihood: one variance array per component")
    precondition(
      means.allSatisfy { $0.count == targets.count }
        && variances.allSatisfy { $0.count == targets.count },
      "GaussianMixtureLikelihood: one value per target in every component")
    let logM = log(Double(means.count))
    let perTarget = targets.indices.map { n in
      let logs = means.indices.map { m in
        Gaussian(mean: means[m][n], standardDeviation: variances[m][n].squareRoot())
          .logDensity(targets[n])
      }
      let top = logs.max()!
      return top + log(logs.reduce(0) { $0 + exp($1 - top) }) - logM
    }
    return SampleSummary.mean(perTarget)
  }
}
