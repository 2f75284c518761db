import Foundation
import Testing

@testable import BayesianDL

/// The C kernels behind ``NetworkPosterior/vectorisedTanh``: the AVX-512, the AVX2 and the
/// portable copies give the same bits, the tanh is within a few ulps of the C library's, and the
/// network's value and gradient agree with the matrix path and with finite differences.
@Suite struct VectorisedTanhKernelTests {
  /// The distance in units in the last place between two doubles of one sign.
  static func ulps(_ a: Double, _ b: Double) -> Int64 {
    if a == b { return 0 }
    return abs(Int64(bitPattern: a.bitPattern) - Int64(bitPattern: b.bitPattern))
  }

  /// Arguments over the whole range: a fine grid, normals at several scales, tiny and
  /// subnormal values, powers of two to 2¹⁰²³, and the special values.
  static func arguments() -> [Double] {
    var rng = Generator(seed: 201)
    var values = (0..<40001).map { -25 + Double($0) * 0.00125 }
    for scale in [1e-8, 1e-3, 0.3, 1, 3, 10, 30] {
      values += (0..<20000).map { _ in rng.normal() * scale }
    }
    values += (0..<2000).map { _ in rng.uniform(-1, 1) * Double.leastNormalMagnitude }
    for e in stride(from: -1074, through: 1023, by: 1) {
      let p = Double(sign: .plus, exponent: e, significand: 1)
      values += [p, -p, p.nextUp, -p.nextDown]
    }
    values += [
      0, -0.0, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .greatestFiniteMagnitude,
      -.greatestFiniteMagnitude, .infinity, -.infinity, 0.625, -0.625, 0.62499999999, 19.06,
      19.99, 20, 20.01, 40, 700, -700, 710, -710, 1e300,
    ]
    return values
  }

  @Test func tanhIsWithinFourUlpsOfTheCLibraryAndKeepsSignedZerosAndSpecials() {
    let values = Self.arguments()
    var computed = values
    computed.withUnsafeMutableBufferPointer { VectorisedTanh.apply($0) }
    var worst: Int64 = 0
    for (x, y) in zip(values, computed) {
      #expect(y.sign == x.sign, "tanh(\(x)) = \(y)")
      worst = max(worst, Self.ulps(y, tanh(x)))
    }
    #expect(worst <= 4, "worst error \(worst) ulps")
    var special = [Double.nan, -.nan, 0, -0.0, .infinity, -.infinity, 5e-324]  // 4 + 3 lanes
    special.withUnsafeMutableBufferPointer { VectorisedTanh.apply($0) }
    #expect(special[0].isNaN && special[1].isNaN)
    #expect(special[2].bitPattern == (0.0).bitPattern && special[3].bitPattern == (-0.0).bitPattern)
    #expect(special[4] == 1 && special[5] == -1 && special[6] == 5e-324)
  }

  /// The copies compared with the portable one: the AVX2 copy, and whatever the automatic
  /// choice runs here (AVX-512 where the processor has it).
  static let compiledPaths: [VectorisedTanh.Path] = [.automatic, .avx2]

  @Test(arguments: compiledPaths)
  func everyCompiledTanhGivesThePortableBits(_ path: VectorisedTanh.Path) {
    let values = Self.arguments()
    var fast = values
    var portable = values
    fast.withUnsafeMutableBufferPointer { VectorisedTanh.apply($0, path: path) }
    portable.withUnsafeMutableBufferPointer { VectorisedTanh.apply($0, path: .portable) }
    let differing = zip(fast, portable).filter { $0.bitPattern != $1.bitPattern }.count
    #expect(
      differing == 0,
      "\(path) (AVX2 \(VectorisedTanh.usesAVX2), AVX-512 \(VectorisedTanh.usesAVX512)): \(differing) of \(values.count) differ"
    )
    // Every remainder length (0–7 lanes) takes the same path.
    for count in 1...17 {
      var a = Array(values[1000..<(1000 + count)])
      var b = a
      a.withUnsafeMutableBufferPointer { VectorisedTanh.apply($0, path: path) }
      b.withUnsafeMutableBufferPointer { VectorisedTanh.apply($0, path: .portable) }
      #expect(a.map(\.bitPattern) == b.map(\.bitPattern))
    }
  }

  /// Gaussian tanh posteriors that take every branch of the kernel: chapter 10's 1-50-1
  /// (wide, then one output), and a 3-7-5-2 (narrow layers, several outputs).
  static func posteriors(using rng: inout Generator) -> [NetworkPosterior] {
    let regression = SyntheticData.regressionWithGap(count: 40, noise: 0.2, using: &rng)
    let chapter10 = NetworkPosterior(
      sizes: [1, 50, 1], activation: .tanh, data: regression,
      likelihood: .gaussian(noiseStandardDeviation: 0.2), priorStandardDeviation: 1)
    let x = rng.normalMatrix(rows: 13, columns: 3)
    let y = rng.normalMatrix(rows: 13, columns: 2)
    let deep = NetworkPosterior(
      sizes: [3, 7, 5, 2], activation: .tanh, data: Dataset(inputs: x, targets: .values(y)),
      likelihood: .gaussian(noiseStandardDeviation: 0.5), priorStandardDeviation: 1.3)
    return [chapter10, deep]
  }

  @Test func theNetworkAgreesWithTheMatrixPathAndEveryCopyGivesTheSameBits() {
    var rng = Generator(seed: 202)
    for exact in Self.posteriors(using: &rng) {
      var fast = exact
      fast.vectorisedTanh = true
      var avx2 = fast
      avx2.kernelPath = .avx2
      var portable = fast
      portable.kernelPath = .portable
      for _ in 0..<50 {
        let theta = (0..<exact.dimension).map { _ in 1.5 * rng.normal() }
        let (a, b) = (exact.logDensityAndGradient(theta), fast.logDensityAndGradient(theta))
        #expect(abs(a.value - b.value) <= 1e-12 * abs(a.value))
        let scale = a.gradient.map(abs).max()!
        #expect(zip(a.gradient, b.gradient).allSatisfy { abs($0 - $1) <= 1e-12 * scale })
        for other in [avx2, portable] {
          let c = other.logDensityAndGradient(theta)
          #expect(b.value.bitPattern == c.value.bitPattern, "\(other.kernelPath)")
          #expect(
            b.gradient.map(\.bitPattern) == c.gradient.map(\.bitPattern), "\(other.kernelPath)")
        }
      }
      // The minibatch estimate goes through the same kernel.
      let theta = (0..<exact.dimension).map { _ in rng.normal() }
      let (a, b) = (
        exact.logDensityAndGradient(theta, batch: [0, 2, 5]),
        fast.logDensityAndGradient(theta, batch: [0, 2, 5])
      )
      #expect(abs(a.value - b.value) <= 1e-12 * abs(a.value))
    }
  }

  @Test func theNetworkGradientMatchesCentralDifferences() {
    var rng = Generator(seed: 203)
    for var posterior in Self.posteriors(using: &rng) {
      posterior.vectorisedTanh = true
      let theta = (0..<posterior.dimension).map { _ in 0.7 * rng.normal() }
      let gradient = posterior.logDensityAndGradient(theta).gradient
      let h = 1e-5
      for i in theta.indices {
        var (plus, minus) = (theta, theta)
        plus[i] += h
        minus[i] -= h
        let numeric =
          (posterior.logDensityAndGradient(plus).value
            - posterior.logDensityAndGradient(minus).value) / (2 * h)
        #expect(abs(numeric - gradient[i]) < 1e-6 * (1 + abs(numeric)), "θ[\(i)]")
      }
    }
  }
}
