/// The predictive of a regression model that is an equal-weight mixture of Gaussians
/// $\frac1M\sum_m \mathcal N(\mu_m(x), \sigma_m^2(x))$ — a heteroscedastic deep ensemble, or
/// MC-dropout passes of a mean-and-variance network — summarised per input by its mean
/// and its variance split by the law of total variance (see ``UncertaintyDecomposition``).
public struct RegressionPredictive: Sendable {
  /// The mixture mean $\bar\mu(x) = \frac1M\sum_m \mu_m(x)$.
  public let mean: [Double]
  /// The aleatoric variance $\frac1M\sum_m \sigma_m^2(x)$.
  public let aleatoric: [Double]
  /// The epistemic variance $\frac1M\sum_m (\mu_m(x) - \bar\mu(x))^2$.
  public let epistemic: [Double]

  /// The total predictive variance, aleatoric + epistemic.
  public var total: [Double] { zip(aleatoric, epistemic).map(+) }

  /// Summarises the components.
  ///
  /// - Parameters:
  ///   - means: $M$ predicted means, each `[n, 1]`.
  ///   - variances: $M$ predicted noise variances, each `[n, 1]`.
  public init(means: [Matrix], variances: [Matrix]) {
    let split = UncertaintyDecomposition(means: means, variances: variances)
    mean = (means.dropFirst().reduce(means[0], +) / Double(means.count)).storage
    aleatoric = split.aleatoric
    epistemic = split.epistemic
  }

  /// Wraps a predictive given by its parts.
  ///
  /// - Parameters:
  ///   - mean: the predictive mean at each input.
  ///   - aleatoric: the noise variance at each input.
  ///   - epistemic: the variance of the mean at each input.
  public init(mean: [Double], aleatoric: [Double], epistemic: [Double]) {
    precondition(
      mean.count == aleatoric.count && mean.count == epistemic.count,
      "RegressionPredictive: lengths differ")
    self.mean = mean
    self.aleatoric = aleatoric
    self.epistemic = epistemic
  }

  /// The same predictive for targets that were standardised with `scaler` before
  /// training, in their original units: $\mu \mapsto s\mu + m$, variances times $s^2$.
  ///
  /// - Parameter scaler: the one-column standardiser fitted to the training targets.
  public func inOriginalUnits(of scaler: Standardiser) -> RegressionPredictive {
    precondition(scaler.mean.count == 1, "RegressionPredictive: needs a one-column standardiser")
    let (shift, scale) = (scaler.mean[0, 0], scaler.standardDeviation[0, 0])
    return RegressionPredictive(
      mean: mean.map { $0 * scale + shift }, aleatoric: aleatoric.map { $0 * scale * scale },
      epistemic: epistemic.map { $0 * scale * scale })
  }

  /// The mean log density of `targets` under the Gaussians $\mathcal N(\mu_n, v_n)$ with
  /// the total variance: $\frac1N\sum_n \log\mathcal N(y_n;\mu_n, v_n)$ (the Gaussian
  /// summary of the predictive, not the mixture itself).
  ///
  /// - Parameter targets: $y_n$, one per input.
  public func meanLogLikelihood(of targets: [Double]) -> Double {
    precondition(
      targets.count == mean.count,
      "RegressionPredictive: \(targets.count) targets for \(mean.count) inputs")
    let total = self.total
    return SampleSummary.mean(
      targets.indices.map {
        Gaussian(mean: mean[$0], standardDeviation: total[$0].squareRoot()).logDensity(targets[$0])
      })
  }

  /// The fraction of `targets` within $\mu_n \pm k\sqrt{v_n}$, where $v_n$ is the total
  /// variance, or only the epistemic one when `includingNoise` is false (a band of $f$, not
  /// of $y$).
  ///
  /// - Parameters:
  ///   - targets: $y_n$, one per input.
  ///   - k: the half-width in standard deviations (1.96 for a central 95 % interval).
  ///   - includingNoise: whether the band includes the aleatoric variance.
  public func coverage(of targets: [Double], within k: Double, includingNoise: Bool = true)
    -> Double
  {
    precondition(
      targets.count == mean.count,
      "RegressionPredictive: \(targets.count) targets for \(mean.count) inputs")
    let variances = includingNoise ? total : epistemic
    let inside = targets.indices.filter {
      abs(targets[$0] - mean[$0]) <= k * variances[$0].squareRoot()
    }
    return Double(inside.count) / Double(targets.count)
  }

  /// The 2-Wasserstein distance, input by input, between this predictive and `other`,
  /// each summarised as a Gaussian with its mean and total variance:
  /// $W_2 = \sqrt{(\mu - \mu')^2 + (s - s')^2}$ with $s = \sqrt{v}$ (the closed form for two
  /// one-dimensional Gaussians), in the units of $y$.
  ///
  /// - Parameter other: a predictive at the same inputs.
  public func wassersteinDistances(to other: RegressionPredictive) -> [Double] {
    precondition(mean.count == other.mean.count, "RegressionPredictive: different inputs")
    let (s, t) = (total, other.total)
    return mean.indices.map { i in
      let dm = mean[i] - other.mean[i]
      let ds = s[i].squareRoot() - t[i].squareRoot()
      return (dm * dm + ds * ds).squareRoot()
    }
  }
}
