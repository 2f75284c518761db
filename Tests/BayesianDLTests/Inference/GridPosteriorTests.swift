import Foundation
import TestSupport
import Testing

@testable import BayesianDL

/// ``GridPosterior`` on a log joint whose normaliser, moments and mode are known in
/// closed form: an unnormalised Gaussian in (a, b).
@Suite struct GridPosteriorTests {
  /// $\ell(a, b) = -(a - 1)^2/(2 \cdot 0.5^2) - (b + 0.5)^2/(2 \cdot 0.8^2)$: a product of N(1, 0.5²) and N(−0.5, 0.8²) without its normaliser, so
  /// $p(D) = \int e^{\ell} = 2\pi \cdot 0.5 \cdot 0.8$.
  /// The grids below reach at least 8 standard deviations on each side, so truncation
  /// errors are below e^{−32}.
  static func logJoint(_ a: Double, _ b: Double) -> Double {
    -(a - 1) * (a - 1) / (2 * 0.25) - (b + 0.5) * (b + 0.5) / (2 * 0.64)
  }

  static let posterior = GridPosterior(
    first: -3...5, second: -8.5...7.5, points: 161, logJoint: logJoint)

  @Test func massSumsToOneAndHasTheGridShape() {
    let p = Self.posterior
    #expect(p.first.count == 161 && p.second.count == 161)
    #expect(p.mass.shape == (rows: 161, columns: 161))
    expectClose(p.mass.sum(), 1, tolerance: 1e-13)
    #expect(p.mass.storage.allSatisfy { $0 >= 0 })
    expectClose(p.first[1] - p.first[0], 0.05, tolerance: 1e-14)
    expectClose(p.second[1] - p.second[0], 0.1, tolerance: 1e-14)
  }

  @Test func logEvidenceMatchesTheGaussianIntegral() {
    // The node sum times the cell area converges very fast for a smooth, decaying integrand.
    expectClose(
      Self.posterior.logEvidence, Foundation.log(2 * Double.pi * 0.5 * 0.8), tolerance: 1e-9)
  }

  @Test func expectationsAndMomentsMatchTheGaussian() {
    let p = Self.posterior
    expectClose(p.expectation { a, _ in a }, 1, tolerance: 1e-9)
    expectClose(p.expectation { _, b in b }, -0.5, tolerance: 1e-9)
    expectClose(p.expectation { a, b in (a - 1) * (b + 0.5) }, 0, tolerance: 1e-9)
    let a = p.moments { a, _ in a }
    expectClose(a.mean, 1, tolerance: 1e-9)
    expectClose(a.variance, 0.25, tolerance: 1e-9)
    let b = p.moments { _, b in b }
    expectClose(b.variance, 0.64, tolerance: 1e-9)
  }

  @Test func modeAndDensityAtTheMode() {
    let p = Self.posterior
    // (1, −0.5) are grid nodes: −3 + 80·0.05 and −8.5 + 80·0.1.
    expectClose(p.mode.first, 1, tolerance: 1e-12)
    expectClose(p.mode.second, -0.5, tolerance: 1e-12)
    // The density at the mode is 1/(2π · 0.5 · 0.8); row j holds b_j and column i holds a_i.
    expectClose(p.density[80, 80], 1 / (2 * Double.pi * 0.4), tolerance: 1e-9)
  }

  @Test func massIsLaidOutWithSecondParameterAlongRows() {
    // A log joint that depends on b only through a shifted peak far from a's peak.
    let p = GridPosterior(first: 0...1, second: 0...2, points: 3) { a, b in
      -100 * ((a - 1) * (a - 1) + (b - 0) * (b - 0))
    }
    // a = 1 is column 2, b = 0 is row 0.
    #expect(p.mass[0, 2] > 0.99)
    #expect(p.mode.first == 1 && p.mode.second == 0)
  }

  @Test func samplesFollowTheGridPosterior() {
    // A coarser grid (spacing 0.2), still symmetric about (1, −0.5), so its mean is exact
    // and its variance differs from the continuous one by ~e^{−2π²σ²/h²} ≈ 0.
    let coarse = GridPosterior(
      first: -3...5, second: -8.5...7.5, points: 41, logJoint: Self.logJoint)
    var rng = Generator(seed: 161)
    let n = 5000
    let draws = (0..<n).map { _ in coarse.sample(using: &rng) }
    let a = sampleMoments(draws.map(\.first))
    let b = sampleMoments(draws.map(\.second))
    expectWithinStandardErrors(a.mean, 1, standardError: 0.5 / Double(n).squareRoot())
    expectWithinStandardErrors(b.mean, -0.5, standardError: 0.8 / Double(n).squareRoot())
    expectWithinStandardErrors(
      a.variance, 0.25, standardError: 0.25 * (2 / Double(n - 1)).squareRoot())
  }

  @Test func coarseDensityKeepsEveryStepthNode() {
    let coarse = Self.posterior.coarseDensity(step: 4)
    // Nodes 0, 4, …, 160 of 161: 41 per axis, spaced 4 · 0.05 and 4 · 0.1.
    #expect(coarse.first.count == 41 && coarse.second.count == 41)
    #expect(coarse.density.shape == (rows: 41, columns: 41))
    expectClose(coarse.first[5], -3 + 5 * 0.2, tolerance: 1e-14)
    expectClose(coarse.second[5], -8.5 + 5 * 0.4, tolerance: 1e-14)
    // Node 80 of the full grid, (1, −0.5), is node 20 of the coarse one.
    expectClose(coarse.density[20, 20], 1 / (2 * Double.pi * 0.4), tolerance: 1e-9)
    let full = Self.posterior.coarseDensity(step: 1)
    #expect(full.first == Self.posterior.first && full.second == Self.posterior.second)
  }
}
