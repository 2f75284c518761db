import Foundation
import TestSupport
import Testing

@testable import BayesianDL

/// SWAG against closed forms: on a quadratic loss SGD's iterates are known, so the
/// moments SWAG keeps must be their sample moments; its Gaussian's draws must have the
/// stated mean and covariance; on a noisy quadratic constant SGD has a known stationary
/// variance.
@Suite struct SWAGTests {
  /// The snapshots of exact gradient descent on ½θᵀAθ, by the closed form
  /// θ_t = (I − ηA)^t θ₀ (matrix powers, not SWAG's loop), at steps warmUp + k·spacing.
  static func quadraticSnapshots(
    _ a: Matrix, rate: Double, from start: [Double], warmUp: Int, spacing: Int, count: Int
  ) -> [[Double]] {
    let step = Matrix.identity(a.rows) - rate * a
    func power(_ t: Int) -> Matrix {
      (0..<t).reduce(Matrix.identity(a.rows)) { m, _ in Matrix.product(m, step) }
    }
    return (1...count).map { k in
      Matrix.product(power(warmUp + k * spacing), Matrix.column(start)).storage
    }
  }

  /// The mean, the variance divided by T and the covariance divided by T − 1 of vectors.
  static func sampleMoments(_ xs: [[Double]]) -> (
    mean: [Double], variance: [Double], covariance: Matrix
  ) {
    let t = Double(xs.count)
    let p = xs[0].count
    let mean = (0..<p).map { i in xs.reduce(0) { $0 + $1[i] } / t }
    var covariance = Matrix(rows: p, columns: p, repeating: 0)
    for x in xs {
      for i in 0..<p { for j in 0..<p { covariance[i, j] += (x[i] - mean[i]) * (x[j] - mean[j]) } }
    }
    let variance = (0..<p).map { covariance[$0, $0] / t }
    return (mean, variance, covariance / (t - 1))
  }

  @Test func onAQuadraticTheMomentsAreTheSampleMomentsOfTheIterates() throws {
    let a = Matrix([[2, 0.5], [0.5, 1]])
    let start = [1.0, -2.0]
    let schedule = SWAG.Schedule(
      learningRate: 0.1, warmUp: 3, snapshots: 6, stepsBetweenSnapshots: 2, rank: 6)
    var rng = Generator(seed: 1)
    let swag = try SWAG.fit(schedule, from: start, using: &rng) { theta, _ in
      Matrix.product(a, Matrix.column(theta)).storage
    }
    let snapshots = Self.quadraticSnapshots(
      a, rate: 0.1, from: start, warmUp: 3, spacing: 2, count: 6)
    let (mean, variance, covariance) = Self.sampleMoments(snapshots)
    #expect(swag.snapshots == 6 && swag.rank == 6)
    for i in 0..<2 {
      #expect(abs(swag.mean[i] - mean[i]) < 1e-12)
      #expect(abs(swag.variance[i] - variance[i]) < 1e-12)
    }
    // With K = T the low-rank part is the sample covariance, and the Gaussian's
    // covariance half of it plus half the diagonal.
    let lowRank = swag.lowRankCovariance()
    let gaussian = swag.covariance()
    for i in 0..<2 {
      for j in 0..<2 {
        #expect(abs(lowRank[i, j] - covariance[i, j]) < 1e-12)
        let diagonal = i == j ? variance[i] : 0
        #expect(abs(gaussian[i, j] - 0.5 * (diagonal + covariance[i, j])) < 1e-12)
      }
    }
  }

  @Test func theDeviationsAreTheLastKSnapshotsLessTheMeanOfAll() {
    var rng = Generator(seed: 2)
    let snapshots = (0..<10).map { _ in (0..<3).map { _ in rng.normal() } }
    let swag = SWAG(snapshots: snapshots, rank: 4)
    let mean = Self.sampleMoments(snapshots).mean
    #expect(swag.rank == 4)
    for (column, snapshot) in zip(swag.deviations, snapshots.suffix(4)) {
      for i in 0..<3 { #expect(abs(column[i] - (snapshot[i] - mean[i])) < 1e-12) }
    }
    // SWAG-diagonal keeps none, and its covariance is the diagonal alone.
    let diagonal = SWAG(snapshots: snapshots, rank: 0)
    #expect(diagonal.deviations.isEmpty)
    let sigma = diagonal.covariance()
    let variance = Self.sampleMoments(snapshots).variance
    for i in 0..<3 {
      for j in 0..<3 { #expect(abs(sigma[i, j] - (i == j ? variance[i] : 0)) < 1e-12) }
    }
  }

  @Test func drawsHaveTheGaussiansMeanAndCovariance() {
    var rng = Generator(seed: 3)
    let snapshots = (0..<5).map { t in
      [1 + rng.normal(), 0.5 * Double(t) + 0.3 * rng.normal(), -2 + 0.5 * rng.normal()]
    }
    for rank in [0, 5] {
      let swag = SWAG(snapshots: snapshots, rank: rank)
      let sigma = swag.covariance()
      let n = 100_000
      let draws = swag.samples(n, using: &rng)
      let (mean, _, covariance) = Self.sampleMoments(draws)
      for i in 0..<3 {
        // Standard errors of a mean and a covariance of Gaussian draws.
        #expect(abs(mean[i] - swag.mean[i]) < 4.5 * (sigma[i, i] / Double(n)).squareRoot())
        for j in 0..<3 {
          let se = ((sigma[i, i] * sigma[j, j] + sigma[i, j] * sigma[i, j]) / Double(n))
            .squareRoot()
          #expect(abs(covariance[i, j] - sigma[i, j]) < 4.5 * se, "rank \(rank) (\(i), \(j))")
        }
      }
    }
  }

  @Test func constantSGDOnANoisyQuadraticHasTheStationaryVariance() throws {
    // θ' = θ − η(aθ + sξ) is an AR(1) with coefficient 1 − ηa and stationary variance
    // η²s²/(1 − (1 − ηa)²): 0.01/0.19 at a = s = 1, η = 0.1. Snapshots 50 steps apart
    // are nearly independent (0.9⁵⁰ ≈ 0.005).
    let schedule = SWAG.Schedule(
      learningRate: 0.1, warmUp: 200, snapshots: 4000, stepsBetweenSnapshots: 50, rank: 0)
    var rng = Generator(seed: 4)
    let swag = try SWAG.fit(schedule, from: [3], using: &rng) { theta, rng in
      [theta[0] + rng.normal()]
    }
    let stationary = 0.01 / 0.19
    #expect(abs(swag.mean[0]) < 4.5 * (stationary / 4000).squareRoot())
    #expect(abs(swag.variance[0] - stationary) < 4.5 * stationary * (2.0 / 4000).squareRoot())
  }

  @Test func momentumIsTheHeavyBallRecurrence() throws {
    // One weight, loss θ²/2: v' = μv + θ, θ' = θ − ηv'.
    let schedule = SWAG.Schedule(
      learningRate: 0.2, momentum: 0.5, snapshots: 3, stepsBetweenSnapshots: 1, rank: 0)
    var rng = Generator(seed: 5)
    let swag = try SWAG.fit(schedule, from: [1], using: &rng) { theta, _ in theta }
    var (theta, v) = (1.0, 0.0)
    var iterates = [Double]()
    for _ in 0..<3 {
      v = 0.5 * v + theta
      theta -= 0.2 * v
      iterates.append(theta)
    }
    #expect(abs(swag.mean[0] - iterates.reduce(0, +) / 3) < 1e-14)
  }

  @Test func aRateTooLargeStopsWithTheStepNamed() {
    // Gradient descent on θ²/2 at η = 3 multiplies θ by −2 each step.
    let schedule = SWAG.Schedule(
      learningRate: 3, snapshots: 2000, stepsBetweenSnapshots: 1, rank: 0)
    var rng = Generator(seed: 6)
    #expect(throws: NonFiniteError.self) {
      try SWAG.fit(schedule, from: [1], using: &rng) { theta, _ in theta }
    }
  }

  @Test func onANetworkItDescendsThePosteriorPerDatum() throws {
    // One step of batch size N from θ₀ is θ₀ + (η/N)∇log p(θ₀ | D), whatever the shuffle.
    var rng = Generator(seed: 7)
    let posterior = NetworkPosteriorTests.regression(using: &rng)
    let start = (0..<posterior.dimension).map { _ in 0.3 * rng.normal() }
    let schedule = SWAG.Schedule(
      learningRate: 0.05, snapshots: 2, stepsBetweenSnapshots: 1, rank: 2)
    let swag = try SWAG.fit(
      posterior, schedule, batchSize: posterior.data.count, from: start, using: &rng)
    let n = Double(posterior.data.count)
    let first = zip(start, posterior.logDensityAndGradient(start).gradient).map {
      $0 + 0.05 / n * $1
    }
    let second = zip(first, posterior.logDensityAndGradient(first).gradient).map {
      $0 + 0.05 / n * $1
    }
    for i in start.indices {
      #expect(abs(swag.mean[i] - 0.5 * (first[i] + second[i])) < 1e-12)
    }
  }
}

/// MultiSWAG: one SWAG per start, and draws shared out evenly over the members.
@Suite struct MultiSWAGTests {
  @Test func drawsComeFromEachMemberInTurnAndEvenly() {
    let near = SWAG(mean: [0], variance: [1e-4], deviations: [], snapshots: 2)
    let far = SWAG(mean: [100], variance: [1e-4], deviations: [], snapshots: 2)
    let mixture = MultiSWAG(members: [near, far])
    var rng = Generator(seed: 8)
    let draws = mixture.samples(5, using: &rng).map { $0[0] }
    #expect(mixture.drawCount(of: 5, member: 0) == 3 && mixture.drawCount(of: 5, member: 1) == 2)
    #expect(draws.prefix(3).allSatisfy { abs($0) < 1 } && draws.suffix(2).allSatisfy { $0 > 99 })
  }

  @Test func fittingOnANetworkIsOneSWAGPerStartWithItsOwnGenerator() throws {
    var rng = Generator(seed: 9)
    let posterior = NetworkPosteriorTests.regression(using: &rng)
    let starts = (0..<2).map { _ in (0..<posterior.dimension).map { _ in 0.3 * rng.normal() } }
    let schedule = SWAG.Schedule(
      learningRate: 0.01, warmUp: 5, snapshots: 6, stepsBetweenSnapshots: 3, rank: 3)
    var parent = Generator(seed: 10)
    let mixture = try MultiSWAG.fit(posterior, schedule, batchSize: 3, from: starts, using: &parent)
    var reference = Generator(seed: 10)
    for (m, generator) in reference.forks(2).enumerated() {
      var own = generator
      let single = try SWAG.fit(posterior, schedule, batchSize: 3, from: starts[m], using: &own)
      #expect(single.mean == mixture.members[m].mean)
      #expect(single.deviations == mixture.members[m].deviations)
    }
  }
}
