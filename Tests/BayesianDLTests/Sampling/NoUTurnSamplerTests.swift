import Foundation
import TestSupport
import Testing

@testable import BayesianDL

/// NUTS against targets whose answers are known: Gaussians (one correlated, one badly
/// scaled in ten dimensions) and the banana, within Monte Carlo error; one transition
/// leaves the target invariant; divergences and the depth cap are counted; the same seed
/// gives the same chain.
@Suite struct NoUTurnSamplerTests {
  /// Checks that the mean of `f` over the chains' draws is within 4.5 Monte Carlo
  /// standard errors of `expected`, with the standard error $\sqrt{v/\text{ESS}}$.
  ///
  /// - Parameters:
  ///   - chains: the chains.
  ///   - f: the quantity.
  ///   - expected: its mean under the target.
  ///   - variance: its variance under the target.
  static func expectMean(
    _ chains: [NoUTurnChain], _ f: ([Double]) -> Double, _ expected: Double, variance: Double,
    _ label: String
  ) {
    let perChain = chains.map { $0.draws.map(f) }
    let ess = MCMCDiagnostics.effectiveSampleSize(perChain)
    let mean = SampleSummary.mean(perChain.flatMap { $0 })
    let standardError = (variance / ess).squareRoot()
    #expect(
      abs(mean - expected) < 4.5 * standardError,
      "\(label): \(mean), expected \(expected) ± \(standardError) (ESS \(ess))")
    #expect(MCMCDiagnostics.splitRHat(perChain) < 1.02, "\(label): R̂")
  }

  @Test func recoversACorrelatedGaussianWithinMonteCarloError() throws {
    // sd 1 and 3, correlation 0.9.
    let covariance = Matrix([[1, 2.7], [2.7, 9]])
    let target = try GaussianLogDensity(mean: [1, -2], covariance: covariance)
    let sampler = NoUTurnSampler(warmUp: 500, iterations: 2000)
    var rng = Generator(seed: 91)
    let chains = try sampler.sampleChains(
      target, from: [[0, 0], [3, 3], [-3, 0], [2, -6]], generators: rng.forks(4))
    for chain in chains {
      #expect(
        chain.acceptanceRate > 0.7 && chain.acceptanceRate < 0.95,
        "acceptance \(chain.acceptanceRate)")
      #expect(chain.divergences == 0)
      #expect(chain.maxDepthHits == 0)
    }
    for i in 0..<2 {
      let (m, v) = (target.mean[i], covariance[i, i])
      Self.expectMean(chains, { $0[i] }, m, variance: v, "mean \(i)")
      // E[(x − μ)²] = σ², Var[(x − μ)²] = 2σ⁴ for a Gaussian.
      Self.expectMean(chains, { ($0[i] - m) * ($0[i] - m) }, v, variance: 2 * v * v, "var \(i)")
    }
    // Var[(x − μx)(y − μy)] = σx²σy²(1 + ρ²) for a Gaussian pair.
    Self.expectMean(
      chains, { ($0[0] - 1) * ($0[1] + 2) }, 2.7, variance: 9 * (1 + 0.81), "covariance")
    #expect(abs(chains[0].inverseMass[1] / chains[0].inverseMass[0] - 9) < 3)
  }

  @Test func recoversAnIllConditionedTenDimensionalGaussian() throws {
    // Standard deviations from 0.05 to 20 (condition number 1.6·10⁵), neighbours
    // correlated: Σ = D R D with R_ij = 0.5^|i − j|.
    let n = 10
    let sd = (0..<n).map { 0.05 * pow(400, Double($0) / Double(n - 1)) }
    let covariance = Matrix(
      (0..<n).map { i in (0..<n).map { j in sd[i] * sd[j] * pow(0.5, Double(abs(i - j))) } })
    let mean = (0..<n).map { Double($0) - 4.5 }
    let target = try GaussianLogDensity(mean: mean, covariance: covariance)
    let sampler = NoUTurnSampler(warmUp: 1000, iterations: 1500)
    var rng = Generator(seed: 95)
    let chains = try sampler.sampleChains(
      target, from: (0..<4).map { _ in mean.map { $0 + rng.normal() * 0.01 } },
      generators: rng.forks(4))
    for chain in chains { #expect(chain.divergences == 0) }
    for i in 0..<n {
      let (m, v) = (mean[i], covariance[i, i])
      Self.expectMean(chains, { $0[i] }, m, variance: v, "mean \(i)")
      Self.expectMean(chains, { ($0[i] - m) * ($0[i] - m) }, v, variance: 2 * v * v, "var \(i)")
    }
    // The adapted inverse mass follows the variances over five orders of magnitude.
    for i in 0..<n {
      let ratio = chains[0].inverseMass[i] / covariance[i, i]
      #expect(ratio > 0.5 && ratio < 2, "inverse mass \(i): \(ratio)")
    }
  }

  @Test func recoversTheBananasMoments() throws {
    // x ~ N(0, 1), y | x ~ N(x², 1): E y = 1, Var y = Var x² + 1 = 3; with u = y − 1,
    // E u⁴ = E(x² − 1)⁴ + 6·2 + 3 = 60 + 15, so Var u² = 75 − 9 = 66.
    let sampler = NoUTurnSampler(warmUp: 500, iterations: 3000)
    var rng = Generator(seed: 96)
    let chains = try sampler.sampleChains(
      Banana(), from: [[0, 0], [1, 1], [-1, 2], [0.5, -1]], generators: rng.forks(4))
    // Far out in x the curvature across the banana grows as 4x², and a step tuned to the
    // body diverges there now and then (1–17 of 3000 iterations per chain at this seed):
    // counted, and rare.
    for chain in chains { #expect(chain.divergences < 30, "\(chain.divergences)") }
    Self.expectMean(chains, { $0[0] }, 0, variance: 1, "E x")
    Self.expectMean(chains, { $0[0] * $0[0] }, 1, variance: 2, "E x²")
    Self.expectMean(chains, { $0[1] }, 1, variance: 3, "E y")
    Self.expectMean(chains, { ($0[1] - 1) * ($0[1] - 1) }, 3, variance: 66, "Var y")
  }

  @Test func oneTransitionLeavesTheTargetInvariant() throws {
    // Exact draws from a correlated Gaussian, one NUTS iteration each at a coarse fixed
    // step (energy errors ~1, so a sampler that took the trajectory's last point, or
    // weighted the points wrongly, would distort the moments): the moved points must
    // still have the target's mean and covariance.
    let covariance = Matrix([[1, 0.8], [0.8, 1]])
    let target = try GaussianLogDensity(mean: [0, 0], covariance: covariance)
    var rng = Generator(seed: 97)
    let count = 20000
    var moved = [[Double]]()
    var acceptance = 0.0
    for _ in 0..<count {
      let (a, b) = (rng.normal(), rng.normal())
      let x = [a, 0.8 * a + 0.6 * b]
      let (value, gradient) = target.logDensityAndGradient(x)
      let tree = NoUTurnSampler.transition(
        .init(position: x, momentum: [0, 0], logDensity: value, gradient: gradient),
        stepSize: 0.9, inverseMass: [1, 1], maxTreeDepth: 10, maximumEnergyError: 1000,
        target: target, using: &rng)
      moved.append(tree.state.position)
      acceptance += tree.acceptance / Double(count)
    }
    #expect(acceptance < 0.85, "the step is coarse: acceptance \(acceptance)")
    let n = Double(count)
    // Independent draws: standard errors 1/√n for the means, √(2/n) for the variances,
    // √((1 + ρ²)/n) for the covariance.
    for i in 0..<2 {
      let mean = SampleSummary.mean(moved.map { $0[i] })
      #expect(abs(mean) < 4.5 / n.squareRoot(), "mean \(i): \(mean)")
      let second = SampleSummary.mean(moved.map { $0[i] * $0[i] })
      #expect(abs(second - 1) < 4.5 * (2 / n).squareRoot(), "variance \(i): \(second)")
    }
    let cross = SampleSummary.mean(moved.map { $0[0] * $0[1] })
    #expect(abs(cross - 0.8) < 4.5 * (1.64 / n).squareRoot(), "covariance: \(cross)")
  }

  @Test func divergencesAreCounted() throws {
    // A step of 3 on a Gaussian of sd 0.1: every leapfrog step multiplies the energy error
    // many times over, so every tree stops at its first steps with a divergence.
    var sampler = NoUTurnSampler(warmUp: 0, iterations: 50)
    sampler.stepSize = 3
    sampler.adaptsStepSize = false
    sampler.adaptsMass = false
    let target = try GaussianLogDensity(
      mean: [0, 0], covariance: Matrix([[0.01, 0], [0, 0.01]]))
    var rng = Generator(seed: 98)
    let chain = try sampler.sample(target, from: [0.05, -0.05], using: &rng)
    #expect(chain.divergences == 50)
    #expect(chain.leapfrogSteps.allSatisfy { $0 <= 2 }, "\(chain.leapfrogSteps)")
    // A diverged tree is not used: the chain keeps a finite point.
    #expect(chain.draws.allSatisfy { $0.allSatisfy(\.isFinite) })
  }

  @Test func treeDepthIsCapped() throws {
    // Steps of 0.01 on N(0, 1): seven steps cannot turn, so every tree stops at the cap.
    var sampler = NoUTurnSampler(warmUp: 0, iterations: 40)
    sampler.stepSize = 0.01
    sampler.adaptsStepSize = false
    sampler.adaptsMass = false
    sampler.maxTreeDepth = 3
    let target = try GaussianLogDensity(mean: [0], covariance: Matrix([[1]]))
    var rng = Generator(seed: 99)
    let chain = try sampler.sample(target, from: [0.3], using: &rng)
    #expect(chain.treeDepths == [Int](repeating: 3, count: 40))
    #expect(chain.leapfrogSteps == [Int](repeating: 7, count: 40))
    #expect(chain.maxDepthHits == 40)
    #expect(chain.gradientEvaluations == 1 + 40 * 7)
  }

  @Test func theTreeStopsWhenItTurns() throws {
    // At a well-tuned step on N(0, I), a trajectory turns after about half an orbit
    // (π/ε steps): the trees stay shallow, far from the cap.
    let target = try GaussianLogDensity(mean: [0, 0, 0], covariance: Matrix.identity(3))
    var rng = Generator(seed: 100)
    let chain = try NoUTurnSampler(warmUp: 300, iterations: 500)
      .sample(target, from: [0, 0, 0], using: &rng)
    let meanSteps = Double(chain.leapfrogSteps.reduce(0, +)) / 500
    #expect(chain.maxDepthHits == 0)
    #expect(meanSteps < 3.2 / chain.stepSize + 2, "mean steps \(meanSteps), ε \(chain.stepSize)")
    #expect(chain.treeDepths.max()! <= 4)
  }

  @Test func aDiagonalMassUndoesScalesAlongTheAxes() throws {
    // In 50 dimensions, sds from 0.01 to 100 along the axes: warm-up's diagonal mass
    // recovers the variances and the trees stay shallow, far from the cap.
    let dimension = 50
    let sds = (0..<dimension).map { pow(10, -2 + 4 * Double($0) / Double(dimension - 1)) }
    var scaled = Matrix(rows: dimension, columns: dimension)
    for i in 0..<dimension { scaled[i, i] = sds[i] * sds[i] }
    let zero = [Double](repeating: 0, count: dimension)
    var rng = Generator(seed: 120)
    let chain = try NoUTurnSampler(warmUp: 500, iterations: 300)
      .sample(GaussianLogDensity(mean: zero, covariance: scaled), from: zero, using: &rng)
    for i in 0..<dimension {
      let ratio = chain.inverseMass[i] / scaled[i, i]
      #expect(ratio > 0.6 && ratio < 1.6, "coordinate \(i): inverse mass / variance \(ratio)")
    }
    let meanDepth = Double(chain.treeDepths.reduce(0, +)) / Double(chain.treeDepths.count)
    #expect(chain.maxDepthHits == 0 && meanDepth < 4.5, "\(meanDepth)")
  }

  @Test func stepSizeAdaptationFollowsTheTargetAcceptance() throws {
    let target = try GaussianLogDensity(mean: [0, 0], covariance: Matrix([[1, 0.5], [0.5, 2]]))
    let rates = try [0.6, 0.9].map { goal -> Double in
      var sampler = NoUTurnSampler(warmUp: 500, iterations: 2000)
      sampler.targetAcceptance = goal
      var rng = Generator(seed: 94)
      return try sampler.sample(target, from: [0, 0], using: &rng).acceptanceRate
    }
    #expect(rates[0] > 0.5 && rates[0] < 0.75, "target 0.6: \(rates[0])")
    #expect(rates[1] > 0.85 && rates[1] < 0.97, "target 0.9: \(rates[1])")
  }

  @Test func theSameSeedGivesTheSameChain() throws {
    let sampler = NoUTurnSampler(warmUp: 60, iterations: 40)
    var rng = Generator(seed: 92)
    let generators = rng.forks(3)
    let starts = [[0.1, 0.2], [1, -1], [-0.5, 2]]
    let together = try sampler.sampleChains(Banana(), from: starts, generators: generators)
    for k in 0..<3 {
      var own = generators[k]
      let alone = try sampler.sample(Banana(), from: starts[k], using: &own)
      #expect(alone.draws == together[k].draws)
      #expect(alone.treeDepths == together[k].treeDepths)
      #expect(alone.stepSize == together[k].stepSize)
    }
    var again = generators[0]
    let repeated = try sampler.sample(Banana(), from: starts[0], using: &again)
    #expect(repeated.draws == together[0].draws)
    #expect(repeated.markovChain.draws == together[0].draws)
  }

  @Test func aStartWhereTheDensityIsNotFiniteIsAnError() {
    let sampler = NoUTurnSampler(warmUp: 10, iterations: 10)
    var rng = Generator(seed: 93)
    #expect(throws: SamplingError.nonFiniteStart(chain: 0, what: "log density")) {
      try sampler.sample(Banana(), from: [.infinity, 0], using: &rng)
    }
  }
}
