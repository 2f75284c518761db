import Foundation
import TestSupport
import Testing

@testable import BayesianDL

/// The univariate ``Gaussian``: density, distribution function and sampling against
/// closed forms and Monte Carlo.
@Suite struct GaussianTests {
  @Test func logDensityMatchesTheFormula() {
    let g = Gaussian(mean: 1.5, standardDeviation: 0.4)
    for x in [-2.0, 0, 1.5, 1.9, 4] {
      expectClose(
        g.logDensity(x), normalLogDensity(x, mean: 1.5, standardDeviation: 0.4), tolerance: 1e-14)
      expectClose(
        g.density(x), Foundation.exp(normalLogDensity(x, mean: 1.5, standardDeviation: 0.4)),
        tolerance: 1e-14)
    }
    // At the mean of N(0, 1): 1/√(2π).
    expectClose(
      Gaussian(mean: 0, standardDeviation: 1).density(0), 1 / (2 * Double.pi).squareRoot(),
      tolerance: 1e-15)
    #expect(g.variance == 0.4 * 0.4)
  }

  @Test func densityIntegratesToOne() {
    // Trapezoid rule over μ ± 10σ.
    let g = Gaussian(mean: -0.3, standardDeviation: 1.7)
    let n = 4000
    let (a, b) = (-0.3 - 17.0, -0.3 + 17.0)
    let h = (b - a) / Double(n)
    var total = 0.5 * (g.density(a) + g.density(b))
    for k in 1..<n { total += g.density(a + Double(k) * h) }
    expectClose(total * h, 1, tolerance: 1e-10)
  }

  @Test func cdfMatchesKnownValues() {
    let g = Gaussian(mean: 2, standardDeviation: 3)
    expectClose(g.cdf(2), 0.5, tolerance: 1e-15)
    // Φ(1) = ½(1 + erf(1/√2)) ≈ 0.841344746068543.
    expectClose(g.cdf(5), 0.841_344_746_068_543, tolerance: 1e-14)
    expectClose(g.cdf(-1), 1 - 0.841_344_746_068_543, tolerance: 1e-14)
    // Φ(1.959964) ≈ 0.975.
    expectClose(g.cdf(2 + 3 * 1.959_963_984_540_054), 0.975, tolerance: 1e-14)
    #expect(g.cdf(-100) < 1e-200)
  }

  @Test func samplesHaveTheRightMeanAndVariance() {
    let g = Gaussian(mean: -4, standardDeviation: 0.25)
    var rng = Generator(seed: 81)
    let n = 50_000
    let xs = (0..<n).map { _ in g.sample(using: &rng) }
    let m = sampleMoments(xs)
    expectWithinStandardErrors(m.mean, -4, standardError: 0.25 / Double(n).squareRoot())
    expectWithinStandardErrors(
      m.variance, 0.0625, standardError: 0.0625 * (2 / Double(n - 1)).squareRoot())
  }
}
