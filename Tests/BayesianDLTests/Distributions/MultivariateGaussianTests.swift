import Foundation
import TestSupport
import Testing

@testable import BayesianDL

/// Full-covariance Gaussians: the density against the 2-D formula written out, draws
/// against their moments, and the KL against Monte Carlo and the diagonal closed form.
@Suite struct MultivariateGaussianTests {
  static let mean = Matrix.column([0.5, -1])
  static let covariance = Matrix([[2, 0.6], [0.6, 0.5]])

  @Test func logDensityMatchesTheBivariateFormula() throws {
    let g = try MultivariateGaussian(mean: Self.mean, covariance: Self.covariance)
    let (s1, s2) = (2.0.squareRoot(), 0.5.squareRoot())
    let rho = 0.6 / (s1 * s2)
    let x = Matrix.column([1.2, -0.4])
    let z1 = (1.2 - 0.5) / s1
    let z2 = (-0.4 + 1) / s2
    let expected =
      -log(2 * Double.pi * s1 * s2 * (1 - rho * rho).squareRoot())
      - (z1 * z1 - 2 * rho * z1 * z2 + z2 * z2) / (2 * (1 - rho * rho))
    #expect(abs(g.logDensity(x) - expected) < 1e-12)
  }

  @Test func drawsHaveTheRightMeanAndCovariance() throws {
    let g = try MultivariateGaussian(mean: Self.mean, covariance: Self.covariance)
    var rng = Generator(seed: 21)
    let n = 100_000
    let draws = (0..<n).map { _ in g.sample(using: &rng) }
    for i in 0..<2 {
      let m = sampleMoments(draws.map { $0[i, 0] })
      expectWithinStandardErrors(
        Self.mean[i, 0], m.mean, standardError: m.standardError, standardErrors: 5)
    }
    let products = draws.map { ($0[0, 0] - 0.5) * ($0[1, 0] + 1) }
    let c = sampleMoments(products)
    expectWithinStandardErrors(0.6, c.mean, standardError: c.standardError, standardErrors: 5)
  }

  @Test func klMatchesMonteCarlo() throws {
    let q = try MultivariateGaussian(mean: Self.mean, covariance: Self.covariance)
    let p = try MultivariateGaussian(
      mean: .column([0, 0]), covariance: Matrix([[1, -0.3], [-0.3, 1.5]]))
    var rng = Generator(seed: 22)
    let values = (0..<100_000).map { _ -> Double in
      let w = q.sample(using: &rng)
      return q.logDensity(w) - p.logDensity(w)
    }
    let m = sampleMoments(values)
    expectWithinStandardErrors(
      q.kl(to: p), m.mean, standardError: m.standardError, standardErrors: 5)
  }

  @Test func klOfADistributionToItselfIsZero() throws {
    let q = try MultivariateGaussian(mean: Self.mean, covariance: Self.covariance)
    #expect(abs(q.kl(to: q)) < 1e-12)
  }

  @Test func klOfDiagonalGaussiansMatchesTheDiagonalClosedForm() throws {
    let q = try MultivariateGaussian(
      mean: .column([0.3, -2, 1]), covariance: .diagonal([0.5, 2, 0.1]))
    let p = try MultivariateGaussian(
      mean: .column([0, -1, 1.5]), covariance: .diagonal([1, 0.7, 0.4]))
    let diagonal = KLDivergence.diagonal(
      meanQ: [0.3, -2, 1], varianceQ: [0.5, 2, 0.1], meanP: [0, -1, 1.5], varianceP: [1, 0.7, 0.4])
    #expect(abs(q.kl(to: p) - diagonal) < 1e-12)
  }

  @Test func ellipseIsTheContourAtTheGivenMahalanobisRadius() throws {
    let g = try MultivariateGaussian(mean: Self.mean, covariance: Self.covariance)
    let ellipse = g.ellipse(radius: 2, points: 50)
    let precision = try Self.covariance.inverse()
    for (x, y) in zip(ellipse.x, ellipse.y) {
      let d = Matrix.column([x - 0.5, y + 1])
      #expect(abs(d.transposed.matmul(precision).matmul(d).scalarValue - 4) < 1e-10)
    }
  }

  @Test func nonPositiveDefiniteCovarianceIsRejected() {
    #expect(throws: LinearAlgebraError.self) {
      _ = try MultivariateGaussian(mean: .column([0, 0]), covariance: Matrix([[1, 2], [2, 1]]))
    }
  }
}
