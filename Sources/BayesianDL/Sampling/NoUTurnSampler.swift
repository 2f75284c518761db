import Foundation

/// One chain of the No-U-Turn Sampler: the kept draws and how every tree was built.
public struct NoUTurnChain: Sendable {
  /// The draws kept after warm-up (every `keepEvery`-th iteration).
  public let draws: [[Double]]
  /// The mean, over the iterations after warm-up, of each tree's acceptance statistic
  /// (the mean of $\min(1, e^{H_0 - H})$ over its leapfrog points): what dual averaging
  /// steers towards ``NoUTurnSampler/targetAcceptance``.
  public let acceptanceRate: Double
  /// The step size $\varepsilon$ warm-up settled on.
  public let stepSize: Double
  /// The depth of each tree after warm-up: it holds up to $2^{\text{depth}}$ leapfrog steps.
  public let treeDepths: [Int]
  /// The leapfrog steps of each tree after warm-up.
  public let leapfrogSteps: [Int]
  /// Iterations after warm-up whose tree stopped at a divergence: a leapfrog point whose
  /// energy exceeded the start's by more than ``NoUTurnSampler/maximumEnergyError`` (or
  /// was not finite).
  public let divergences: Int
  /// Iterations after warm-up whose tree stopped at ``NoUTurnSampler/maxTreeDepth``
  /// without turning.
  public let maxDepthHits: Int
  /// The inverse mass matrix (diagonal) warm-up settled on: about the posterior variances.
  public let inverseMass: [Double]
  /// Gradient evaluations, warm-up included.
  public let gradientEvaluations: Int

  /// The same chain as a ``MarkovChain`` (its `leapfrogSteps` the rounded mean per
  /// iteration after warm-up), for code written for either sampler.
  public var markovChain: MarkovChain {
    let meanSteps = Double(leapfrogSteps.reduce(0, +)) / Double(Swift.max(1, leapfrogSteps.count))
    return MarkovChain(
      draws: draws, acceptanceRate: acceptanceRate, stepSize: stepSize,
      leapfrogSteps: Int(meanSteps.rounded()), divergences: divergences,
      inverseMass: inverseMass, gradientEvaluations: gradientEvaluations)
  }
}

/// The No-U-Turn Sampler (Hoffman & Gelman 2014) as Stan and NumPyro build it: Hamiltonian
/// Monte Carlo that chooses its own trajectory length at every iteration.
///
/// Each iteration draws a momentum $r \sim \mathcal N(0, M)$ and grows a leapfrog
/// trajectory by doubling: a new subtree as long as the trajectory so far is added at its
/// front or its back, in a random direction, until the trajectory starts to turn back
/// on itself (or the depth reaches ``maxTreeDepth``, or a leapfrog step diverges). The
/// next state is one point of the trajectory, chosen with probability proportional to
/// its weight $e^{-H}$ (multinomial sampling, Betancourt 2017): progressively, the new
/// subtree's candidate replaces the current one with probability
/// $\min(1, W_{\text{new}}/W_{\text{old}})$, which favours points far from the start,
/// and within a subtree the candidate is drawn in proportion to the weights.
///
/// *Turning* is the generalised criterion over the summed momenta $\rho = \sum r$ of a
/// segment: it goes on while both end velocities $M^{-1}r^\pm$ point along $\rho$,
/// $M^{-1}r^{-}\cdot\rho > 0$ and $M^{-1}r^{+}\cdot\rho > 0$. As in Stan, the check is made
/// on every merged subtree and also across the seam of every merge (each half extended
/// by the first point of the other), which catches turns a check on the halves misses.
///
/// Warm-up is Stan's: dual averaging of $\log\varepsilon$ towards a mean acceptance
/// statistic of ``targetAcceptance``, and a diagonal mass matrix from windows of
/// warm-up draws (the schedule of ``HamiltonianMonteCarlo``'s warm-up, shared with it),
/// the step size restarted after each window.
public struct NoUTurnSampler: MarkovChainSampler {
  /// Warm-up iterations (adapting, not kept).
  public var warmUp: Int
  /// Iterations after warm-up.
  public var iterations: Int
  /// Keep every this-many iterations after warm-up.
  public var keepEvery: Int
  /// The mean acceptance statistic dual averaging aims at (Stan's and NumPyro's 0.8).
  public var targetAcceptance = 0.8
  /// The deepest tree: at most $2^{\text{maxTreeDepth}} - 1$ leapfrog steps an iteration.
  /// Where the narrow directions of a posterior are not along the axes (a network's),
  /// a diagonal mass cannot undo them and every tree may reach it; a lower cap then
  /// trades trajectory length for more iterations (see `make bench`).
  public var maxTreeDepth = 10
  /// An energy error $H - H_0$ above this is a divergence: the tree stops there.
  public var maximumEnergyError = 1000.0
  /// Whether warm-up estimates a diagonal mass matrix (else $M = I$).
  public var adaptsMass = true
  /// Whether warm-up adapts the step size by dual averaging.
  public var adaptsStepSize = true
  /// The starting step size; `nil` finds one by Hoffman & Gelman's heuristic. With
  /// ``adaptsStepSize`` off, the step size of every iteration.
  public var stepSize: Double?

  /// A sampler.
  ///
  /// - Parameters:
  ///   - warmUp: adaptation iterations.
  ///   - iterations: kept-phase iterations.
  ///   - keepEvery: thinning ($\ge 1$).
  public init(warmUp: Int, iterations: Int, keepEvery: Int = 1) {
    precondition(warmUp >= 0 && iterations >= 1, "NoUTurnSampler: needs iterations")
    precondition(keepEvery >= 1, "NoUTurnSampler: keepEvery must be at least 1")
    self.warmUp = warmUp
    self.iterations = iterations
    self.keepEvery = keepEvery
  }

  /// One chain from `initial` (the entry point of ``MarkovChainSampler``, which adds
  /// `sample(_:from:using:)` and `sampleChains(_:from:generators:)`).
  ///
  /// - Parameters:
  ///   - target: $\pi$.
  ///   - initial: the starting point.
  ///   - chain: the chain's number, named in the error if it cannot start.
  ///   - rng: the chain's random draws.
  /// - Throws: ``SamplingError/nonFiniteStart(chain:what:)``.
  public func sample(
    _ target: some DifferentiableLogDensity, from initial: [Double], chain: Int,
    using rng: inout Generator
  ) throws(SamplingError) -> NoUTurnChain {
    precondition(initial.count == target.dimension, "NoUTurnSampler: wrong dimension")
    precondition(maxTreeDepth >= 1, "NoUTurnSampler: maxTreeDepth must be at least 1")
    precondition(stepSize.map { $0 > 0 } ?? adaptsStepSize, "NoUTurnSampler: needs a step size")
    var current = try HamiltonianMonteCarlo.start(target, at: initial, chain: chain)
    var inverseMass = [Double](repeating: 1, count: initial.count)
    var evaluations = 1
    var epsilon =
      stepSize
      ?? HamiltonianMonteCarlo.initialStepSize(
        current, inverseMass: inverseMass, target: target, evaluations: &evaluations, using: &rng)
    var averaging = DualAveraging(stepSize: epsilon, target: targetAcceptance)
    let windows = MassWindows(warmUp: warmUp)
    var variance = RunningVariance(dimension: initial.count)

    var draws = [[Double]]()
    var depths = [Int]()
    var steps = [Int]()
    var acceptanceSum = 0.0
    var divergences = 0
    var maxDepthHits = 0
    for iteration in 0..<(warmUp + iterations) {
      let warming = iteration < warmUp
      let tree = Self.transition(
        current, stepSize: epsilon, inverseMass: inverseMass, maxTreeDepth: maxTreeDepth,
        maximumEnergyError: maximumEnergyError, target: target, using: &rng)
      evaluations += tree.leapfrogSteps
      current = tree.state
      if warming {
        if adaptsStepSize { epsilon = averaging.update(acceptance: tree.acceptance) }
        if adaptsMass && windows.isSlow(iteration) { variance.add(current.position) }
        if adaptsMass && windows.endsSlowWindow(iteration) {
          inverseMass = variance.regularisedVariance()
          variance = RunningVariance(dimension: initial.count)
          if adaptsStepSize {
            epsilon = HamiltonianMonteCarlo.initialStepSize(
              current, inverseMass: inverseMass, target: target, evaluations: &evaluations,
              using: &rng)
            averaging = DualAveraging(stepSize: epsilon, target: targetAcceptance)
          }
        }
        if adaptsStepSize && iteration == warmUp - 1 { epsilon = averaging.finalStepSize }
      } else {
        acceptanceSum += tree.acceptance
        depths.append(tree.depth)
        steps.append(tree.leapfrogSteps)
        if tree.divergent { divergences += 1 }
        if !tree.divergent && tree.depth == maxTreeDepth { maxDepthHits += 1 }
        if (iteration - warmUp + 1) % keepEvery == 0 { draws.append(current.position) }
      }
    }
    return NoUTurnChain(
      draws: draws, acceptanceRate: acceptanceSum / Double(iterations), stepSize: epsilon,
      treeDepths: depths, leapfrogSteps: steps, divergences: divergences,
      maxDepthHits: maxDepthHits, inverseMass: inverseMass, gradientEvaluations: evaluations)
  }

  /// What one iteration did.
  struct Tree {
    /// The next state (its momentum is that of the chosen point; it is redrawn anyway).
    var state: HamiltonianMonteCarlo.State
    /// The number of doublings completed.
    var depth: Int
    /// The leapfrog steps taken (gradient evaluations).
    var leapfrogSteps: Int
    /// The mean of $\min(1, e^{H_0 - H})$ over the points the steps reached.
    var acceptance: Double
    /// Whether a step diverged.
    var divergent: Bool
  }

  /// One NUTS iteration from `state` at a fixed step size and mass matrix: a fresh
  /// momentum, the tree, and the point drawn from it.
  ///
  /// - Parameters:
  ///   - state: the current point (its log density and gradient those of its position).
  ///   - stepSize: $\varepsilon$.
  ///   - inverseMass: the diagonal of $M^{-1}$.
  ///   - maxTreeDepth: the most doublings.
  ///   - maximumEnergyError: the divergence threshold.
  ///   - target: $\pi$.
  ///   - rng: the momentum, directions and multinomial draws.
  static func transition<Target: DifferentiableLogDensity>(
    _ state: HamiltonianMonteCarlo.State, stepSize: Double, inverseMass: [Double],
    maxTreeDepth: Int, maximumEnergyError: Double, target: Target, using rng: inout Generator
  ) -> Tree {
    var start = state
    start.momentum = inverseMass.map { rng.normal() / $0.squareRoot() }  // r ~ N(0, M)
    var builder = TreeBuilder(
      inverseMass: inverseMass, stepSize: stepSize,
      initialEnergy: HamiltonianMonteCarlo.energy(start, inverseMass: inverseMass),
      maximumEnergyError: maximumEnergyError)
    let edge = builder.edge(start.momentum)
    // The trajectory so far, in time order: `whole.begin` is its back end, `whole.end`
    // its front end.
    var whole = TrajectorySegment(summedMomentum: start.momentum, begin: edge, end: edge)
    var (back, front) = (start, start)
    var sample = start
    var logSumWeight = 0.0  // the start's weight e^{H0 - H0} = 1
    var depth = 0
    while depth < maxTreeDepth {
      let forward = rng.uniform() > 0.5
      builder.position = forward ? front : back
      let built = builder.build(
        depth: depth, direction: forward ? 1 : -1, target: target, using: &rng)
      if forward { front = builder.position } else { back = builder.position }
      guard let subtree = built else { break }  // diverged, or turned inside the subtree
      depth += 1
      // Biased progressive sampling: the new subtree's candidate wins with probability
      // min(1, W_subtree / W_old).
      if subtree.logWeight > logSumWeight
        || rng.uniform() < exp(subtree.logWeight - logSumWeight)
      {
        sample = subtree.proposal
      }
      logSumWeight = logAddExp(logSumWeight, subtree.logWeight)
      // The subtree was built away from the old trajectory: forward, it follows it in
      // time; backward, it precedes it, its far end first.
      let segment = subtree.segment
      let ordered = forward ? (whole, segment) : (segment.reversed, whole)
      let continues = TrajectorySegment.continues(ordered.0, ordered.1)
      whole = TrajectorySegment(
        summedMomentum: add(ordered.0.summedMomentum, ordered.1.summedMomentum),
        begin: ordered.0.begin, end: ordered.1.end)
      if !continues { break }
    }
    return Tree(
      state: sample, depth: depth, leapfrogSteps: builder.leapfrogSteps,
      acceptance: builder.acceptanceSum / Double(Swift.max(1, builder.leapfrogSteps)),
      divergent: builder.divergent)
  }
}

/// A point's momentum $r$ and velocity $M^{-1}r$ at one end of a trajectory segment.
struct TrajectoryEdge {
  var momentum: [Double]
  var velocity: [Double]
}

/// A stretch of leapfrog points: the sum of their momenta and its two end points, in the
/// order it was built.
struct TrajectorySegment {
  var summedMomentum: [Double]
  var begin: TrajectoryEdge
  var end: TrajectoryEdge

  /// The same points in the opposite order.
  var reversed: TrajectorySegment {
    TrajectorySegment(summedMomentum: summedMomentum, begin: end, end: begin)
  }

  /// Whether the segment $a$ followed (in time) by the adjacent segment $b$ has not
  /// turned: the no-U-turn criterion on the merged segment, and on each half extended
  /// across the seam by the first point of the other half (Stan's extra checks).
  static func continues(_ a: TrajectorySegment, _ b: TrajectorySegment) -> Bool {
    noUTurn(a.begin, b.end, a.summedMomentum, b.summedMomentum)
      && noUTurn(a.begin, b.begin, a.summedMomentum, b.begin.momentum)
      && noUTurn(a.end, b.end, b.summedMomentum, a.end.momentum)
  }

  /// $M^{-1}r^-\cdot\rho > 0$ and $M^{-1}r^+\cdot\rho > 0$ with $\rho = \rho_1 + \rho_2$
  /// (formed entry by entry inside the dot products: no array per check).
  private static func noUTurn(
    _ minus: TrajectoryEdge, _ plus: TrajectoryEdge, _ rho1: [Double], _ rho2: [Double]
  ) -> Bool {
    let (towardsMinus, towardsPlus) = dotsWithSum(minus.velocity, plus.velocity, rho1, rho2)
    return towardsMinus > 0 && towardsPlus > 0
  }
}

/// A subtree that neither diverged nor turned: its candidate point and total weight.
struct TrajectorySubtree {
  var proposal: HamiltonianMonteCarlo.State
  /// $\log\sum e^{H_0 - H}$ over its points.
  var logWeight: Double
  var segment: TrajectorySegment
}

/// Builds subtrees of one NUTS iteration by recursive doubling from `position`, which it
/// moves along (it ends at the subtree's far end).
///
/// The target is an argument of ``build(depth:direction:target:using:)``, not a stored
/// property: read from a builder that is being mutated, it would be copied (every array
/// in it retained and released) at every leapfrog step.
struct TreeBuilder {
  let inverseMass: [Double]
  let stepSize: Double
  let initialEnergy: Double
  let maximumEnergyError: Double
  /// The end of the trajectory being extended.
  var position: HamiltonianMonteCarlo.State! = nil
  var leapfrogSteps = 0
  var acceptanceSum = 0.0
  var divergent = false

  init(
    inverseMass: [Double], stepSize: Double, initialEnergy: Double, maximumEnergyError: Double
  ) {
    self.inverseMass = inverseMass
    self.stepSize = stepSize
    self.initialEnergy = initialEnergy
    self.maximumEnergyError = maximumEnergyError
  }

  func edge(_ momentum: [Double]) -> TrajectoryEdge {
    TrajectoryEdge(momentum: momentum, velocity: elementwise(momentum, inverseMass, *))
  }

  /// A subtree of $2^{\text{depth}}$ leapfrog steps in `direction` (±1), or `nil` if a
  /// step diverged or a part of it turned.
  mutating func build(
    depth: Int, direction: Double, target: some DifferentiableLogDensity,
    using rng: inout Generator
  ) -> TrajectorySubtree? {
    if depth == 0 {
      position = HamiltonianMonteCarlo.leapfrog(
        position, stepSize: direction * stepSize, steps: 1, inverseMass: inverseMass,
        target: target)
      leapfrogSteps += 1
      var energy = HamiltonianMonteCarlo.energy(position, inverseMass: inverseMass)
      if energy.isNaN { energy = .infinity }
      let logWeight = initialEnergy - energy
      if -logWeight > maximumEnergyError { divergent = true }
      acceptanceSum += logWeight > 0 ? 1 : exp(logWeight)
      if divergent { return nil }
      let end = edge(position.momentum)
      return TrajectorySubtree(
        proposal: position, logWeight: logWeight,
        segment: TrajectorySegment(summedMomentum: position.momentum, begin: end, end: end))
    }
    guard let first = build(depth: depth - 1, direction: direction, target: target, using: &rng),
      let second = build(depth: depth - 1, direction: direction, target: target, using: &rng)
    else { return nil }
    // Within a subtree, the candidate is drawn in proportion to the weights.
    let logWeight = logAddExp(first.logWeight, second.logWeight)
    let takesSecond =
      second.logWeight > logWeight || rng.uniform() < exp(second.logWeight - logWeight)
    guard TrajectorySegment.continues(first.segment, second.segment) else { return nil }
    return TrajectorySubtree(
      proposal: takesSecond ? second.proposal : first.proposal, logWeight: logWeight,
      segment: TrajectorySegment(
        summedMomentum: add(first.segment.summedMomentum, second.segment.summedMomentum),
        begin: first.segment.begin, end: second.segment.end))
  }
}

/// $\log(e^a + e^b)$ without overflow.
private func logAddExp(_ a: Double, _ b: Double) -> Double {
  let m = Swift.max(a, b)
  if m == -.infinity { return m }
  return m + log(exp(a - m) + exp(b - m))
}

// The tree's vector arithmetic runs once or twice per gradient evaluation, on vectors as
// long as the network's weights: plain loops into uninitialised storage, not `zip`/`map`
// (which append element by element). Each keeps the order of the operations it replaces
// — the dot products add from left to right, from zero — so the draws are the same bits.

/// `a[k] ∘ b[k]` for every k.
@inline(__always)
private func elementwise(_ a: [Double], _ b: [Double], _ f: (Double, Double) -> Double)
  -> [Double]
{
  precondition(a.count == b.count, "NoUTurnSampler: vectors of different lengths")
  return a.withUnsafeBufferPointer { pa in
    b.withUnsafeBufferPointer { pb in
      [Double](unsafeUninitializedCapacity: pa.count) { out, initialised in
        for k in 0..<pa.count { (out.baseAddress! + k).initialize(to: f(pa[k], pb[k])) }
        initialised = pa.count
      }
    }
  }
}

private func add(_ a: [Double], _ b: [Double]) -> [Double] { elementwise(a, b, +) }

/// `Σ_k u[k]·(a[k] + b[k])` and `Σ_k v[k]·(a[k] + b[k])`, each added from left to right
/// starting at zero. Each sum is a chain of dependent additions; running the two in one
/// loop lets the processor overlap them, at the cost of one when only the first was needed.
private func dotsWithSum(_ u: [Double], _ v: [Double], _ a: [Double], _ b: [Double]) -> (
  Double, Double
) {
  precondition(
    u.count == a.count && v.count == a.count && a.count == b.count,
    "NoUTurnSampler: vectors of different lengths")
  return u.withUnsafeBufferPointer { pu in
    v.withUnsafeBufferPointer { pv in
      a.withUnsafeBufferPointer { pa in
        b.withUnsafeBufferPointer { pb in
          var (first, second) = (0.0, 0.0)
          for k in 0..<pa.count {
            let rho = pa[k] + pb[k]
            first += pu[k] * rho
            second += pv[k] * rho
          }
          return (first, second)
        }
      }
    }
  }
}
