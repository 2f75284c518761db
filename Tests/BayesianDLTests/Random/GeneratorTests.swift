import Foundation
import TestSupport
import Testing

@testable import BayesianDL

/// The seeded ``Generator`` and its samplers: reproducibility, and moments and
/// frequencies within a few Monte Carlo standard errors of the exact values.
@Suite struct GeneratorTests {
  /// SplitMix64 seeding and xoshiro256** as printed in Blackman & Vigna's reference C
  /// code, written out again independently of the library.
  struct ReferenceXoshiro {
    var s: [UInt64]

    static func splitMix(_ state: inout UInt64) -> UInt64 {
      state = state &+ 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }

    init(seed: UInt64) {
      var state = seed
      s = (0..<4).map { _ in Self.splitMix(&state) }
    }

    static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    mutating func next() -> UInt64 {
      let result = Self.rotl(s[1] &* 5, 7) &* 9
      let t = s[1] << 17
      s[2] ^= s[0]
      s[3] ^= s[1]
      s[1] ^= s[2]
      s[0] ^= s[3]
      s[2] ^= t
      s[3] = Self.rotl(s[3], 45)
      return result
    }
  }

  @Test func splitMixReferenceMatchesThePublishedFirstOutput() {
    // SplitMix64 seeded with 0 first outputs 0xE220A8397B1DCDAF (Vigna's splitmix64.c).
    var state: UInt64 = 0
    #expect(ReferenceXoshiro.splitMix(&state) == 0xE220_A839_7B1D_CDAF)
  }

  @Test func generatorMatchesReferenceXoshiro256StarStar() {
    for seed: UInt64 in [0, 1, 42, .max] {
      var rng = Generator(seed: seed)
      var reference = ReferenceXoshiro(seed: seed)
      for _ in 0..<1000 { #expect(rng.next() == reference.next()) }
    }
  }

  @Test func sameSeedGivesIdenticalSequences() {
    var a = Generator(seed: 2024)
    var b = Generator(seed: 2024)
    for _ in 0..<100 {
      #expect(a.next() == b.next())
      #expect(a.uniform() == b.uniform())
      #expect(a.normal() == b.normal())
    }
  }

  @Test func differentSeedsGiveDifferentSequences() {
    var a = Generator(seed: 1)
    var b = Generator(seed: 2)
    let xs = (0..<16).map { _ in a.next() }
    let ys = (0..<16).map { _ in b.next() }
    #expect(zip(xs, ys).allSatisfy { $0 != $1 })
  }

  @Test func uniformMomentsMatchOneHalfAndOneTwelfth() {
    var rng = Generator(seed: 31)
    let n = 200_000
    let xs = (0..<n).map { _ in rng.uniform() }
    #expect(xs.allSatisfy { $0 >= 0 && $0 < 1 })
    let m = sampleMoments(xs)
    // Var U = 1/12; Var of the sample variance ≈ (μ₄ − σ⁴)/n with μ₄ = 1/80, so
    // SE = √((1/80 − 1/144)/n) = √(1/(180 n)).
    expectWithinStandardErrors(m.mean, 0.5, standardError: (1.0 / 12 / Double(n)).squareRoot())
    expectWithinStandardErrors(
      m.variance, 1.0 / 12, standardError: (1.0 / (180 * Double(n))).squareRoot())
  }

  @Test func uniformOnAnIntervalStaysInsideIt() {
    var rng = Generator(seed: 32)
    let xs = (0..<50_000).map { _ in rng.uniform(-3, 5) }
    #expect(xs.allSatisfy { $0 >= -3 && $0 < 5 })
    // Mean 1, variance 8²/12.
    let m = sampleMoments(xs)
    expectWithinStandardErrors(m.mean, 1, standardError: (64.0 / 12 / 50_000).squareRoot())
  }

  @Test func normalMomentsMatchZeroAndOne() {
    var rng = Generator(seed: 33)
    let n = 200_000
    let zs = (0..<n).map { _ in rng.normal() }
    let m = sampleMoments(zs)
    // For a standard normal the sample variance has SE √(2/n).
    expectWithinStandardErrors(m.mean, 0, standardError: (1 / Double(n)).squareRoot())
    expectWithinStandardErrors(m.variance, 1, standardError: (2 / Double(n)).squareRoot())
    // Shape: P(|Z| < 1) = erf(1/√2) ≈ 0.6827, a Bernoulli frequency.
    let p = erf(1 / 2.0.squareRoot())
    let inside = Double(zs.filter { abs($0) < 1 }.count) / Double(n)
    expectWithinStandardErrors(inside, p, standardError: (p * (1 - p) / Double(n)).squareRoot())
    // Fourth moment 3, with Var(Z⁴) = E Z⁸ − 9 = 105 − 9 = 96.
    let fourth = zs.reduce(0) { $0 + $1 * $1 * $1 * $1 } / Double(n)
    expectWithinStandardErrors(fourth, 3, standardError: (96 / Double(n)).squareRoot())
  }

  /// Φ(x), the standard normal distribution function, from the C library's erfc.
  static func phi(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }

  @Test func normalDrawsPassAKolmogorovSmirnovTest() {
    var rng = Generator(seed: 45)
    let n = 100_000
    var zs = [Double](repeating: 0, count: n)
    rng.fillNormal(&zs)
    zs.sort()
    var d = 0.0
    for (i, z) in zs.enumerated() {
      let f = Self.phi(z)
      d = Swift.max(d, Double(i + 1) / Double(n) - f, f - Double(i) / Double(n))
    }
    // The 0.1 % critical value of the KS statistic is 1.95/√n.
    #expect(d < 1.95 / Double(n).squareRoot(), "KS statistic \(d)")
  }

  @Test func normalBinFrequenciesMatchTheDistributionFunctionIncludingTheTails() {
    // One million draws in bins of width 0.1 on [−4, 4] plus the two tails; every bin's
    // frequency within 5 standard errors of Φ(b) − Φ(a). The fine bins resolve each of
    // the ziggurat's strips; the tails check the exact tail sampler beyond R ≈ 3.44.
    var rng = Generator(seed: 46)
    let n = 1_000_000
    var zs = [Double](repeating: 0, count: n)
    rng.fillNormal(&zs)
    let inner: [Double] = (0...80).map { -4 + 0.1 * Double($0) }
    let edges: [Double] = [-Double.infinity] + inner + [Double.infinity]
    var counts = [Int](repeating: 0, count: edges.count - 1)
    for z in zs {
      // Bin k holds [edges[k], edges[k + 1]).
      if z < -4 {
        counts[0] += 1
      } else if z >= 4 {
        counts[counts.count - 1] += 1
      } else {
        let offset: Double = ((z + 4) / 0.1).rounded(.down)
        counts[Swift.min(Int(offset) + 1, counts.count - 2)] += 1
      }
    }
    // Pearson's χ² over all 82 bins pools the evidence of small deviations in many bins.
    // With 81 degrees of freedom its 0.01 % critical value is ≈ 137 (Wilson–Hilferty:
    // k(1 − 2/9k + z√(2/9k))³ with z = 3.719).
    var chiSquare = 0.0
    for k in counts.indices {
      let expected = Double(n) * (Self.phi(edges[k + 1]) - Self.phi(edges[k]))
      chiSquare += (Double(counts[k]) - expected) * (Double(counts[k]) - expected) / expected
    }
    let dof = Double(counts.count - 1)
    let critical =
      dof * Foundation.pow(1 - 2 / (9 * dof) + 3.719 * (2 / (9 * dof)).squareRoot(), 3.0)
    #expect(chiSquare < critical, "χ² = \(chiSquare) with \(dof) degrees of freedom")
    for k in counts.indices {
      let p = Self.phi(edges[k + 1]) - Self.phi(edges[k])
      expectWithinStandardErrors(
        Double(counts[k]) / Double(n), p, standardError: (p * (1 - p) / Double(n)).squareRoot(),
        standardErrors: 5, "bin [\(edges[k]), \(edges[k + 1]))")
    }
    // Beyond the ziggurat's tail start R = 3.442619855899, on each side.
    let r = 3.442_619_855_899
    let p = Self.phi(-r)
    let tails: [(String, Int)] = [
      ("upper", zs.filter { $0 > r }.count), ("lower", zs.filter { $0 < -r }.count),
    ]
    for (side, count) in tails {
      expectWithinStandardErrors(
        Double(count) / Double(n), p, standardError: (p * (1 - p) / Double(n)).squareRoot(),
        standardErrors: 5, "\(side) tail")
    }
  }

  @Test func successiveNormalsAreUncorrelated() {
    var rng = Generator(seed: 47)
    let n = 200_000
    let zs = (0..<n).map { _ in rng.normal() }
    // Lag-1 sample correlation of independent N(0, 1) draws has SE 1/√n; so does the
    // correlation between z_k and z_{k+1}².
    var lag1 = 0.0
    var lag1Squared = 0.0
    for k in 1..<n {
      lag1 += zs[k - 1] * zs[k]
      lag1Squared += zs[k - 1] * (zs[k] * zs[k] - 1)
    }
    expectWithinStandardErrors(lag1 / Double(n - 1), 0, standardError: 1 / Double(n).squareRoot())
    expectWithinStandardErrors(
      lag1Squared / Double(n - 1), 0, standardError: (2 / Double(n)).squareRoot())
  }

  @Test func normalWithMeanAndDeviationShiftsAndScalesTheStandardStream() {
    var a = Generator(seed: 34)
    var b = Generator(seed: 34)
    for _ in 0..<101 {
      #expect(a.normal(mean: 3, standardDeviation: 0.5) == 3 + 0.5 * b.normal())
    }
  }

  @Test(arguments: [0, 1, 2, 7, 10])
  func fillNormalContinuesTheStreamOfNormalCalls(leading: Int) {
    // Any interleaving of normal() and fillNormal gives the stream of normal() calls,
    // whatever the buffer sizes (odd, empty) and however many draws came before.
    var a = Generator(seed: 35)
    var b = Generator(seed: 35)
    var fromA = (0..<leading).map { _ in a.normal() }
    for size in [7, 0, 1, 4, 3] {
      var buffer = [Double](repeating: .nan, count: size)
      a.fillNormal(&buffer)
      fromA += buffer
    }
    fromA += (0..<3).map { _ in a.normal() }
    let fromB = (0..<fromA.count).map { _ in b.normal() }
    #expect(fromA == fromB)
  }

  @Test func normalMatrixIsTheScaledStream() {
    var a = Generator(seed: 36)
    var b = Generator(seed: 36)
    let m = a.normalMatrix(rows: 3, columns: 5, mean: -1, standardDeviation: 2)
    #expect(m.shape == (rows: 3, columns: 5))
    for k in 0..<15 { #expect(m.storage[k] == -1 + 2 * b.normal()) }
  }

  @Test func uniformMatrixIsTheStreamOfUniforms() {
    var a = Generator(seed: 37)
    var b = Generator(seed: 37)
    let m = a.uniformMatrix(rows: 2, columns: 4, -1, 1)
    for k in 0..<8 { #expect(m.storage[k] == b.uniform(-1, 1)) }
  }

  @Test func bernoulliFrequencyMatchesP() {
    var rng = Generator(seed: 38)
    let n = 100_000
    let p = 0.3
    let hits = (0..<n).filter { _ in rng.bernoulli(p) }.count
    expectWithinStandardErrors(
      Double(hits) / Double(n), p, standardError: (p * (1 - p) / Double(n)).squareRoot())
    #expect((0..<1000).allSatisfy { _ in !rng.bernoulli(0) })
    #expect((0..<1000).allSatisfy { _ in rng.bernoulli(1) })
  }

  @Test func categoricalFrequenciesMatchTheProbabilities() {
    var rng = Generator(seed: 39)
    let probabilities = [0.1, 0.2, 0.3, 0.4]
    let n = 100_000
    var counts = [Int](repeating: 0, count: probabilities.count)
    for _ in 0..<n { counts[rng.categorical(probabilities)] += 1 }
    for (k, p) in probabilities.enumerated() {
      expectWithinStandardErrors(
        Double(counts[k]) / Double(n), p, standardError: (p * (1 - p) / Double(n)).squareRoot(),
        "category \(k)")
    }
  }

  @Test func categoricalNeverPicksAZeroProbabilityCategory() {
    var rng = Generator(seed: 40)
    let draws = (0..<10_000).map { _ in rng.categorical([0.5, 0, 0.5, 0]) }
    #expect(!draws.contains(1) && !draws.contains(3))
    #expect(draws.contains(0) && draws.contains(2))
    #expect((0..<100).allSatisfy { _ in rng.categorical([0, 0, 1]) == 2 })
  }

  @Test func permutationIsAPermutation() {
    var rng = Generator(seed: 41)
    for n in [0, 1, 2, 10, 257] {
      #expect(rng.permutation(n).sorted() == Array(0..<n))
    }
  }

  @Test func permutationPutsEveryItemInEveryPositionUniformly() {
    var rng = Generator(seed: 42)
    let n = 5
    let trials = 20_000
    var counts = [[Int]](repeating: [Int](repeating: 0, count: n), count: n)
    for _ in 0..<trials {
      for (position, item) in rng.permutation(n).enumerated() { counts[item][position] += 1 }
    }
    let p = 1.0 / Double(n)
    let se = (p * (1 - p) / Double(trials)).squareRoot()
    for item in 0..<n {
      for position in 0..<n {
        expectWithinStandardErrors(
          Double(counts[item][position]) / Double(trials), p, standardError: se,
          standardErrors: 5, "item \(item) at position \(position)")
      }
    }
  }

  @Test func forkIsDeterministicAndAdvancesTheParentByOneDraw() {
    var parentA = Generator(seed: 43)
    var parentB = Generator(seed: 43)
    var childA = parentA.fork()
    var childB = parentB.fork()
    let streamA = (0..<20).map { _ in childA.next() }
    #expect(streamA == (0..<20).map { _ in childB.next() })

    // The child is seeded by the parent's next output.
    var twin = Generator(seed: 43)
    var expectedChild = Generator(seed: twin.next())
    #expect(streamA == (0..<20).map { _ in expectedChild.next() })
    // The parent continues exactly as the twin does, and differs from its child.
    let parentStream = (0..<20).map { _ in parentA.next() }
    #expect(parentStream == (0..<20).map { _ in twin.next() })
    #expect(parentStream != streamA)
  }

  @Test func standardLibraryRandomnessThroughTheGeneratorIsReproducible() {
    var a = Generator(seed: 44)
    var b = Generator(seed: 44)
    #expect(
      (0..<20).map { _ in Int.random(in: 0..<1000, using: &a) }
        == (0..<20).map { _ in Int.random(in: 0..<1000, using: &b) })
  }

  @Test func forksAreTheSuccessiveForksOfTheParent() {
    var byOne = Generator(seed: 11)
    var together = byOne
    let expected = (0..<3).map { _ in byOne.fork() }
    let children = together.forks(3)
    #expect(
      children.map {
        var g = $0; return g.next()
      }
        == expected.map {
          var g = $0; return g.next()
        })
    // The parent advanced as far either way.
    #expect(together.next() == byOne.next())
    #expect(together.forks(0).isEmpty)
  }
}
