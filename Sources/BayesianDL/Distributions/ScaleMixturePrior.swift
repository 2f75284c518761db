import Foundation

/// The scale-mixture prior of Blundell et al. (2015): every weight independently
/// $p(w) = \pi\,\mathcal N(w \mid 0, \sigma_1^2) + (1-\pi)\,\mathcal N(w \mid 0, \sigma_2^2)$,
/// with a broad component $\sigma_1$ and a narrow one $\sigma_2 \ll 1$ that pulls many
/// weights towards zero.
///
/// Its KL to a Gaussian $q$ has no closed form, so it is estimated by Monte Carlo
/// (``ScaleValues/klToScaleMixturePrior(mean:scale:prior:noise:)``).
public struct ScaleMixturePrior: Equatable, Sendable {
  /// The weight $\pi \in (0, 1)$ of the first component.
  public let mixingWeight: Double
  /// $\sigma_1$, the first component's standard deviation.
  public let firstStandardDeviation: Double
  /// $\sigma_2$, the second component's standard deviation.
  public let secondStandardDeviation: Double

  /// Creates the prior.
  ///
  /// - Parameters:
  ///   - mixingWeight: $\pi \in (0, 1)$.
  ///   - firstStandardDeviation: $\sigma_1 > 0$.
  ///   - secondStandardDeviation: $\sigma_2 > 0$.
  public init(mixingWeight: Double, firstStandardDeviation: Double, secondStandardDeviation: Double)
  {
    precondition(mixingWeight > 0 && mixingWeight < 1, "ScaleMixturePrior: π must be in (0, 1)")
    precondition(
      firstStandardDeviation > 0 && secondStandardDeviation > 0,
      "ScaleMixturePrior: standard deviations must be positive")
    self.mixingWeight = mixingWeight
    self.firstStandardDeviation = firstStandardDeviation
    self.secondStandardDeviation = secondStandardDeviation
  }

  /// $\log p(w)$ and $\frac{d}{dw}\log p(w)$, computed through the log-sum-exp of the two
  /// weighted components so that neither underflows for large $|w|$.
  ///
  /// The derivative is $-w\,(r_1/\sigma_1^2 + r_2/\sigma_2^2)$ with $r_i$ the
  /// responsibilities of the components at $w$.
  ///
  /// - Parameter w: a weight.
  public func logDensityAndSlope(_ w: Double) -> (logDensity: Double, slope: Double) {
    let (s1, s2) = (firstStandardDeviation, secondStandardDeviation)
    let a = log(mixingWeight) - log(s1) - 0.5 * w * w / (s1 * s1)
    let b = log(1 - mixingWeight) - log(s2) - 0.5 * w * w / (s2 * s2)
    let m = max(a, b)
    let total = m + log(exp(a - m) + exp(b - m))
    let r1 = exp(a - total)
    let r2 = exp(b - total)
    return (total - 0.5 * log(2 * Double.pi), -w * (r1 / (s1 * s1) + r2 / (s2 * s2)))
  }

  /// $\log p(w)$ for one weight.
  ///
  /// - Parameter w: a weight.
  public func logDensity(_ w: Double) -> Double { logDensityAndSlope(w).logDensity }
}
