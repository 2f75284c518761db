import Foundation

/// A univariate normal distribution $\mathcal N(\mu, \sigma^2)$.
public struct Gaussian: Equatable, Sendable {
  /// The mean $\mu$.
  public var mean: Double
  /// The standard deviation $\sigma > 0$.
  public var standardDeviation: Double

  /// Creates $\mathcal N(\mu, \sigma^2)$.
  ///
  /// - Parameters:
  ///   - mean: $\mu$.
  ///   - standardDeviation: $\sigma > 0$.
  public init(mean: Double, standardDeviation: Double) {
    precondition(
      standardDeviation > 0,
      "Gaussian: standard deviation must be positive, got \(standardDeviation)")
    self.mean = mean
    self.standardDeviation = standardDeviation
  }

  /// The variance $\sigma^2$.
  public var variance: Double { standardDeviation * standardDeviation }

  /// $\log \mathcal N(x \mid \mu, \sigma^2) = -\tfrac12\log 2\pi\sigma^2 - (x-\mu)^2/2\sigma^2$.
  ///
  /// - Parameter x: the point.
  public func logDensity(_ x: Double) -> Double {
    let z = (x - mean) / standardDeviation
    return -0.5 * (log(2 * Double.pi) + z * z) - log(standardDeviation)
  }

  /// The density $\mathcal N(x \mid \mu, \sigma^2)$.
  ///
  /// - Parameter x: the point.
  public func density(_ x: Double) -> Double { exp(logDensity(x)) }

  /// The cumulative distribution $P(X \le x) = \tfrac12\operatorname{erfc}\!\big(-(x-\mu)/\sigma\sqrt2\big)$.
  ///
  /// - Parameter x: the point.
  public func cdf(_ x: Double) -> Double {
    0.5 * erfc(-(x - mean) / (standardDeviation * 2.0.squareRoot()))
  }

  /// A draw $\mu + \sigma\varepsilon$.
  ///
  /// - Parameter rng: the generator.
  public func sample(using rng: inout Generator) -> Double {
    mean + standardDeviation * rng.normal()
  }
}
