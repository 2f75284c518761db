import Foundation
import TestSupport
import Testing

@testable import BayesianDL

/// Split-R̂ and the effective sample size on chains whose answers are known: independent
/// draws, chains that disagree, and AR(1) chains with $\mathrm{ESS} = N(1 - \rho)/(1 + \rho)$.
@Suite struct MCMCDiagnosticsTests {
  static func ar1(_ rho: Double, count: Int, shift: Double = 0, using rng: inout Generator)
    -> [Double]
  {
    var x = rng.normal() / (1 - rho * rho).squareRoot()
    return (0..<count).map { _ in
      x = rho * x + rng.normal()
      return x + shift
    }
  }

  @Test func independentDrawsHaveRHatOneAndFullSampleSize() {
    var rng = Generator(seed: 95)
    let chains = (0..<4).map { _ in (0..<2000).map { _ in rng.normal() } }
    #expect(abs(MCMCDiagnostics.splitRHat(chains) - 1) < 0.005)
    let ess = MCMCDiagnostics.effectiveSampleSize(chains)
    #expect(abs(ess / 8000 - 1) < 0.1, "\(ess)")
  }

  @Test func chainsInDifferentPlacesHaveLargeRHat() {
    var rng = Generator(seed: 96)
    let chains = (0..<4).map { k in (0..<500).map { _ in rng.normal() + (k == 3 ? 1.5 : 0) } }
    #expect(MCMCDiagnostics.splitRHat(chains) > 1.1)
    // A trend within each chain is caught by splitting it.
    let drifting = (0..<4).map { _ in (0..<500).map { Double($0) / 100 + rng.normal() } }
    #expect(MCMCDiagnostics.splitRHat(drifting) > 1.1)
  }

  @Test func ar1ChainsHaveTheClosedFormSampleSize() {
    var rng = Generator(seed: 97)
    for rho in [0.5, 0.9] {
      let chains = (0..<4).map { _ in Self.ar1(rho, count: 20000, using: &rng) }
      let expected = 80000 * (1 - rho) / (1 + rho)
      let ess = MCMCDiagnostics.effectiveSampleSize(chains)
      #expect(abs(ess / expected - 1) < 0.08, "ρ = \(rho): \(ess) vs \(expected)")
      #expect(MCMCDiagnostics.splitRHat(chains) < 1.01)
    }
  }
}
