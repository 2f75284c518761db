import Foundation

/// Convergence diagnostics of one scalar quantity over several Markov chains (each chain
/// the quantity's values at its draws, in order).
public enum MCMCDiagnostics {
  /// The split-$\hat R$ of Gelman et al. (BDA3, §11.4), without rank normalisation: each
  /// chain is cut in two halves of $n$ draws; with $W$ the mean within-half variance and
  /// $B/n$ the variance of the halves' means,
  /// $$\hat R = \sqrt{\frac{\frac{n-1}{n}W + B/n}{W}}.$$
  /// It is near 1 when the halves agree, and above 1 when a chain has not mixed or the
  /// chains sit in different places. Stan's guidance (Vehtari et al. 2021) is $\hat R < 1.01$.
  ///
  /// - Parameter chains: one array per chain, at least 4 draws each, all of one length.
  public static func splitRHat(_ chains: [[Double]]) -> Double {
    let halves = split(chains)
    let n = Double(halves[0].count)
    let means = halves.map(SampleSummary.mean)
    let within = SampleSummary.mean(
      zip(halves, means).map { half, m in
        half.reduce(0) { $0 + ($1 - m) * ($1 - m) } / (n - 1)
      })
    let betweenOverN = sampleVariance(means)
    guard within > 0 else { return betweenOverN > 0 ? .infinity : 1 }
    return (((n - 1) / n * within + betweenOverN) / within).squareRoot()
  }

  /// The effective sample size of the draws of all chains, as Stan computes it (Stan
  /// Reference Manual, "Effective sample size"; Geyer 1992): the autocorrelations
  /// $\hat\rho_t = 1 - (W - \frac1M\sum_m \hat\gamma_{t,m})/\widehat{\operatorname{var}}^+$
  /// from the chains' autocovariances $\hat\gamma_{t,m}$, summed in pairs
  /// $P_k = \hat\rho_{2k} + \hat\rho_{2k+1}$ while they are positive and made
  /// monotone (Geyer's initial monotone sequence); then
  /// $\hat N_{\text{eff}} = MN/\hat\tau$ with $\hat\tau = -1 + 2\sum_k P_k$.
  ///
  /// - Parameter chains: one array per chain, at least 4 draws each, all of one length.
  public static func effectiveSampleSize(_ chains: [[Double]]) -> Double {
    precondition(!chains.isEmpty, "effectiveSampleSize: no chains")
    let n = chains[0].count
    precondition(
      n >= 4 && chains.allSatisfy { $0.count == n }, "effectiveSampleSize: chains of one length ≥ 4"
    )
    let m = Double(chains.count)
    let means = chains.map(SampleSummary.mean)
    // The autocovariance of chain k at lag t (biased, divided by n), computed as needed:
    // the sum below usually stops after a few lags.
    func autocovariance(_ k: Int, _ t: Int) -> Double {
      let (chain, mean) = (chains[k], means[k])
      return (0..<(n - t)).reduce(0.0) { $0 + (chain[$1] - mean) * (chain[$1 + t] - mean) }
        / Double(n)
    }
    let nn = Double(n)
    let within = SampleSummary.mean(chains.indices.map { autocovariance($0, 0) * nn / (nn - 1) })
    var variancePlus = within * (nn - 1) / nn
    if chains.count > 1 { variancePlus += sampleVariance(means) }
    guard variancePlus > 0 else { return m * nn }
    func rho(_ t: Int) -> Double {
      1 - (within - SampleSummary.mean(chains.indices.map { autocovariance($0, t) }))
        / variancePlus
    }
    var tau = -1.0
    var previousPair = Double.infinity
    var t = 0
    while t + 1 < n {
      var pair = rho(t) + rho(t + 1)
      if pair <= 0 { break }
      pair = Swift.min(pair, previousPair)  // the initial monotone sequence
      tau += 2 * pair
      previousPair = pair
      t += 2
    }
    return m * nn / Swift.max(tau, 1 / log10(m * nn))
  }

  /// Every chain cut into its first and second halves (an odd middle draw dropped).
  private static func split(_ chains: [[Double]]) -> [[Double]] {
    precondition(!chains.isEmpty, "splitRHat: no chains")
    let n = chains[0].count
    precondition(
      n >= 4 && chains.allSatisfy { $0.count == n }, "splitRHat: chains of one length ≥ 4")
    let half = n / 2
    return chains.flatMap { [Array($0[..<half]), Array($0[(n - half)...])] }
  }

  /// The unbiased variance of `values`.
  private static func sampleVariance(_ values: [Double]) -> Double {
    let m = SampleSummary.mean(values)
    return values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1)
  }
}
