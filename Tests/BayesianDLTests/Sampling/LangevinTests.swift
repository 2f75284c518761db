import Foundation
import TestSupport
import Testing

@testable import BayesianDL

/// SGLD at a constant step on a Gaussian target, where its stationary law is known in
/// closed form — bias included.
@Suite struct LangevinTests {
  @Test func constantStepLangevinHasTheDiscretisedStationaryVariance() throws {
    // Target N(2, 1/λ) with λ = 4. The update θ' = θ − (ελ/2)(θ − 2) + √ε z is an AR(1)
    // with coefficient a = 1 − ελ/2 and stationary variance ε/(1 − a²) = 1/(λ(1 − ελ/4)):
    // 0.3125 at ε = 0.2, not the target's 0.25 — the bias of having no Metropolis step.
    let target = try GaussianLogDensity(mean: [2], covariance: Matrix([[0.25]]))
    let sampler = StochasticGradientLangevin(
      steps: 120_000, batchSize: 1, burnIn: 1000, keep: 20_000, stepSize: 0.2, decayPower: 0)
    var rng = Generator(seed: 111)
    let draws = try sampler.sample(target, from: [0], using: &rng).map { $0[0] }
    let ess = MCMCDiagnostics.effectiveSampleSize([draws])
    let mean = SampleSummary.mean(draws)
    let variance = SampleSummary.mean(draws.map { ($0 - mean) * ($0 - mean) })
    #expect(abs(mean - 2) < 4.5 * (0.3125 / ess).squareRoot())
    let tolerance = 4.5 * 0.3125 * (2 / ess).squareRoot()
    #expect(abs(variance - 0.3125) < tolerance, "\(variance)")
    #expect(abs(variance - 0.25) > tolerance)
  }

  @Test func onANetworkItKeepsTheRequestedDrawsAndDecaysTheStepAsStated() throws {
    var rng = Generator(seed: 112)
    let posterior = NetworkPosteriorTests.regression(using: &rng)
    let sampler = StochasticGradientLangevin(steps: 4000, batchSize: 4, burnIn: 2000, keep: 50)
    let draws = try sampler.sample(
      posterior, from: (0..<posterior.dimension).map { _ in 0.1 * rng.normal() }, using: &rng)
    #expect(draws.count == 50)
    #expect(sampler.stepSize(at: 0) == 1e-4)
    #expect(abs(sampler.stepSize(at: 1000) - 1e-4 * pow(0.5, 0.55)) < 1e-15)
  }

  @Test func aStepTooLargeStopsWithTheStepNamed() throws {
    let target = try GaussianLogDensity(mean: [0], covariance: Matrix([[1e-6]]))
    let sampler = StochasticGradientLangevin(
      steps: 1000, batchSize: 1, burnIn: 0, keep: 10, stepSize: 10, decayPower: 0)
    var rng = Generator(seed: 113)
    #expect(throws: NonFiniteError.self) { try sampler.sample(target, from: [1], using: &rng) }
  }
}
