import Foundation
import Testing

@testable import BayesianDL

/// The vectorised tanh against the C library's, on a fine grid and beside its branch points
/// (0.625 and 20), with NaN and a two-lane remainder; and chapter 10's network posterior
/// through it against the C-library path. (``VectorisedTanhKernelTests`` checks the C
/// kernel's two copies against each other and the gradient against finite differences.)
@Suite struct VectorisedTanhTests {
  /// The distance in units in the last place between two doubles of one sign.
  static func ulps(_ a: Double, _ b: Double) -> Int64 {
    if a == b { return 0 }
    return abs(Int64(bitPattern: a.bitPattern) - Int64(bitPattern: b.bitPattern))
  }

  @Test func isWithinAFewUlpsOfTheCLibrary() {
    var rng = Generator(seed: 101)
    var values = (0..<20001).map { -25 + Double($0) * 0.0025 }
    values += (0..<20000).map { _ in rng.normal() * 3 }
    values += (0..<2000).map { _ in rng.uniform(-1e-6, 1e-6) }
    values += [0, -0.0, 0.625, -0.625, 0.62499999999, 19.99, 20, 20.01, 40, 700, -700, 1e300]
    var computed = values
    computed.withUnsafeMutableBufferPointer { VectorisedTanh.apply($0) }
    var worst: Int64 = 0
    for (x, y) in zip(values, computed) { worst = max(worst, Self.ulps(y, tanh(x))) }
    #expect(worst <= 4, "worst error \(worst) ulps")
    var nan = [Double.nan, 1, .infinity, -.infinity, 2, 3]  // a remainder of two lanes
    nan.withUnsafeMutableBufferPointer { VectorisedTanh.apply($0) }
    #expect(nan[0].isNaN && nan[2] == 1 && nan[3] == -1)
    #expect(abs(nan[5] - tanh(3)) <= 4 * tanh(3).ulp)
  }

  @Test func theNetworkPosteriorAgreesWithTheCLibraryPath() {
    var rng = Generator(seed: 102)
    let data = SyntheticData.regressionWithGap(count: 40, noise: 0.2, using: &rng)
    let exact = NetworkPosterior(
      sizes: [1, 50, 1], activation: .tanh, data: data,
      likelihood: .gaussian(noiseStandardDeviation: 0.2), priorStandardDeviation: 1)
    var fast = exact
    fast.vectorisedTanh = true
    for _ in 0..<5 {
      let theta = (0..<exact.dimension).map { _ in rng.normal() }
      let (a, b) = (exact.logDensityAndGradient(theta), fast.logDensityAndGradient(theta))
      #expect(abs(a.value - b.value) <= 1e-12 * abs(a.value))
      let scale = a.gradient.map(abs).max()!
      for (g, h) in zip(a.gradient, b.gradient) { #expect(abs(g - h) <= 1e-12 * scale) }
    }
  }
}
