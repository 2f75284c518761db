import Foundation
import TestSupport
import Testing

@testable import BayesianDL

/// A banana-shaped target, $\log\pi(x, y) = -x^2/2 - (y - x^2)^2/2$: smooth and not Gaussian.
struct Banana: DifferentiableLogDensity {
  var dimension: Int { 2 }
  func logDensityAndGradient(_ t: [Double]) -> (value: Double, gradient: [Double]) {
    let (x, r) = (t[0], t[1] - t[0] * t[0])
    return (-0.5 * x * x - 0.5 * r * r, [-x + 2 * x * r, -r])
  }
}

/// HMC against targets whose answers are known: the integrator's geometry, the energy
/// error's order, and a correlated Gaussian recovered within Monte Carlo error.
@Suite struct HamiltonianMonteCarloTests {
  static func state(_ target: some DifferentiableLogDensity, _ q: [Double], _ r: [Double])
    -> HamiltonianMonteCarlo.State
  {
    let (value, gradient) = target.logDensityAndGradient(q)
    return .init(position: q, momentum: r, logDensity: value, gradient: gradient)
  }

  @Test func leapfrogIsReversible() {
    let start = Self.state(Banana(), [0.7, -0.3], [1.1, 0.4])
    let forward = HamiltonianMonteCarlo.leapfrog(
      start, stepSize: 0.05, steps: 40, inverseMass: [1, 2], target: Banana())
    var back = forward
    back.momentum = back.momentum.map { -$0 }
    let returned = HamiltonianMonteCarlo.leapfrog(
      back, stepSize: 0.05, steps: 40, inverseMass: [1, 2], target: Banana())
    for i in 0..<2 {
      #expect(abs(returned.position[i] - start.position[i]) < 1e-12)
      #expect(abs(returned.momentum[i] + start.momentum[i]) < 1e-12)
    }
  }

  @Test func leapfrogPreservesVolume() {
    // The Jacobian of (q, r) ↦ (q', r') by central differences; its determinant is 1.
    func map(_ z: [Double]) -> [Double] {
      let end = HamiltonianMonteCarlo.leapfrog(
        Self.state(Banana(), [z[0], z[1]], [z[2], z[3]]), stepSize: 0.1, steps: 15,
        inverseMass: [1, 0.5], target: Banana())
      return end.position + end.momentum
    }
    let z = [0.4, 0.9, -0.6, 0.3]
    let h = 1e-6
    var jacobian = [[Double]](repeating: [Double](repeating: 0, count: 4), count: 4)
    for j in 0..<4 {
      var plus = z
      var minus = z
      plus[j] += h
      minus[j] -= h
      let (a, b) = (map(plus), map(minus))
      for i in 0..<4 { jacobian[i][j] = (a[i] - b[i]) / (2 * h) }
    }
    #expect(abs(determinant(jacobian) - 1) < 1e-6, "\(determinant(jacobian))")
  }

  @Test func energyErrorFallsAsTheSquareOfTheStep() {
    // The same trajectory time T = 1 at ε and ε/2: leapfrog's error in H is O(ε²).
    let start = Self.state(Banana(), [0.5, 0.8], [0.9, -0.7])
    func error(_ epsilon: Double) -> Double {
      let end = HamiltonianMonteCarlo.leapfrog(
        start, stepSize: epsilon, steps: Int((1 / epsilon).rounded()), inverseMass: [1, 1],
        target: Banana())
      return abs(
        HamiltonianMonteCarlo.energy(end, inverseMass: [1, 1])
          - HamiltonianMonteCarlo.energy(start, inverseMass: [1, 1]))
    }
    let ratios = [0.02, 0.01].map { error($0) / error($0 / 2) }
    for ratio in ratios { #expect(ratio > 3.5 && ratio < 4.5, "ratio \(ratio)") }
  }

  @Test func recoversACorrelatedGaussianWithinMonteCarloError() throws {
    // sd 1 and 3, correlation 0.9.
    let covariance = Matrix([[1, 2.7], [2.7, 9]])
    let target = try GaussianLogDensity(mean: [1, -2], covariance: covariance)
    let sampler = HamiltonianMonteCarlo(
      warmUp: 500, iterations: 2000, trajectoryLength: 3, keepEvery: 1)
    var rng = Generator(seed: 91)
    let chains = try sampler.sampleChains(
      target, from: [[0, 0], [3, 3], [-3, 0], [2, -6]], generators: (0..<4).map { _ in rng.fork() })
    // Dual averaging aims at 0.8; the averaged step it ends with is smaller than its
    // last iterates, so the realised acceptance runs above the target (0.85–0.97 here; see
    // stepSizeAdaptationFollowsTheTargetAcceptance for the response to the target).
    for chain in chains {
      #expect(
        chain.acceptanceRate > 0.75 && chain.acceptanceRate < 0.98,
        "acceptance \(chain.acceptanceRate)")
      #expect(chain.divergences == 0)
    }
    let draws = chains.flatMap(\.draws)
    for i in 0..<2 {
      let perChain = chains.map { $0.draws.map { $0[i] } }
      #expect(MCMCDiagnostics.splitRHat(perChain) < 1.01)
      let ess = MCMCDiagnostics.effectiveSampleSize(perChain)
      let mean = SampleSummary.mean(draws.map { $0[i] })
      let standardError = (covariance[i, i] / ess).squareRoot()
      #expect(abs(mean - target.mean[i]) < 4.5 * standardError, "mean \(i): \(mean)")
      // The variance estimate's standard error, for Gaussian draws: σ²√(2/ESS).
      let variance = SampleSummary.mean(draws.map { ($0[i] - mean) * ($0[i] - mean) })
      #expect(abs(variance - covariance[i, i]) < 4.5 * covariance[i, i] * (2 / ess).squareRoot())
    }
    let covarianceEstimate = SampleSummary.mean(
      draws.map { ($0[0] - 1) * ($0[1] + 2) })
    let ess = MCMCDiagnostics.effectiveSampleSize(
      chains.map { $0.draws.map { ($0[0] - 1) * ($0[1] + 2) } })
    // Var[(x − μx)(y − μy)] = σx²σy²(1 + ρ²) for a Gaussian pair.
    let se = (9 * (1 + 0.81) / ess).squareRoot()
    #expect(abs(covarianceEstimate - 2.7) < 4.5 * se, "\(covarianceEstimate)")
    // The adapted inverse mass is about the marginal variances.
    #expect(abs(chains[0].inverseMass[1] / chains[0].inverseMass[0] - 9) < 3)
  }

  @Test func stepSizeAdaptationFollowsTheTargetAcceptance() throws {
    let target = try GaussianLogDensity(mean: [0, 0], covariance: Matrix([[1, 0.5], [0.5, 2]]))
    let rates = try [0.6, 0.9].map { goal -> Double in
      var sampler = HamiltonianMonteCarlo(warmUp: 400, iterations: 2000, trajectoryLength: 2)
      sampler.targetAcceptance = goal
      var rng = Generator(seed: 94)
      return try sampler.sample(target, from: [0, 0], using: &rng).acceptanceRate
    }
    #expect(rates[0] > 0.55 && rates[0] < 0.75, "target 0.6: \(rates[0])")
    #expect(rates[1] > 0.87 && rates[1] < 0.97, "target 0.9: \(rates[1])")
  }

  @Test func chainsSideBySideEqualChainsOneAfterAnother() throws {
    let sampler = HamiltonianMonteCarlo(warmUp: 60, iterations: 40, trajectoryLength: 1)
    var rng = Generator(seed: 92)
    let generators = (0..<3).map { _ in rng.fork() }
    let starts = [[0.1, 0.2], [1, -1], [-0.5, 2]]
    let together = try sampler.sampleChains(Banana(), from: starts, generators: generators)
    for k in 0..<3 {
      var own = generators[k]
      let alone = try sampler.sample(Banana(), from: starts[k], using: &own)
      #expect(alone.draws == together[k].draws)
    }
  }

  @Test func aStartWhereTheDensityIsNotFiniteIsAnError() {
    let sampler = HamiltonianMonteCarlo(warmUp: 10, iterations: 10, trajectoryLength: 1)
    var rng = Generator(seed: 93)
    #expect(throws: SamplingError.nonFiniteStart(chain: 0, what: "log density")) {
      try sampler.sample(Banana(), from: [.infinity, 0], using: &rng)
    }
  }

  /// The determinant by Gaussian elimination with partial pivoting.
  func determinant(_ matrix: [[Double]]) -> Double {
    var a = matrix
    var det = 1.0
    for c in a.indices {
      let pivot = (c..<a.count).max { abs(a[$0][c]) < abs(a[$1][c]) }!
      if pivot != c {
        a.swapAt(pivot, c)
        det = -det
      }
      det *= a[c][c]
      for r in (c + 1)..<a.count {
        let f = a[r][c] / a[c][c]
        for k in c..<a.count { a[r][k] -= f * a[c][k] }
      }
    }
    return det
  }
}
