import Foundation

/// Why a sampler could not start.
public enum SamplingError: Error, Equatable, CustomStringConvertible {
  /// The log density or its gradient is not finite at the initial point.
  case nonFiniteStart(chain: Int, what: String)

  /// The message.
  public var description: String {
    switch self {
    case .nonFiniteStart(let chain, let what):
      return "chain \(chain + 1): the \(what) is not finite at the initial point"
    }
  }
}

/// One chain of a Markov chain Monte Carlo run: the kept draws and how the run went.
public struct MarkovChain: Sendable {
  /// The draws kept after warm-up (every `keepEvery`-th iteration).
  public let draws: [[Double]]
  /// The mean Metropolis acceptance probability $\min(1, e^{-\Delta H})$ after warm-up.
  public let acceptanceRate: Double
  /// The step size $\varepsilon$ warm-up settled on.
  public let stepSize: Double
  /// Leapfrog steps per iteration at that step size, $\lceil T/\varepsilon\rceil$ (capped).
  public let leapfrogSteps: Int
  /// Iterations after warm-up whose energy error exceeded 1000 or was not finite.
  public let divergences: Int
  /// The inverse mass matrix (diagonal) warm-up settled on: about the posterior variances.
  public let inverseMass: [Double]
  /// Gradient evaluations, warm-up included.
  public let gradientEvaluations: Int
}

/// Hamiltonian Monte Carlo (Duane et al. 1987; Neal 2011) with the warm-up of Stan:
/// dual-averaging step-size adaptation (Hoffman & Gelman 2014) and a diagonal mass matrix
/// estimated from the warm-up draws.
///
/// Each iteration draws a momentum $r \sim \mathcal N(0, M)$, follows the Hamiltonian
/// $H(\theta, r) = -\log\pi(\theta) + \tfrac12 r^\top M^{-1} r$ for a time $T$ with the
/// leapfrog integrator, and accepts the end point with probability $\min(1, e^{-\Delta H})$.
/// Leapfrog is reversible and volume-preserving, so the chain leaves $\pi$ invariant for any
/// step size; the step size decides only how often proposals are accepted.
public struct HamiltonianMonteCarlo: MarkovChainSampler {
  /// Warm-up iterations (adapting, not kept).
  public var warmUp: Int
  /// Iterations after warm-up.
  public var iterations: Int
  /// $T$, the integration time per iteration.
  public var trajectoryLength: Double
  /// Keep every this-many iterations after warm-up.
  public var keepEvery: Int
  /// The acceptance probability dual averaging aims at.
  public var targetAcceptance = 0.8
  /// The largest number of leapfrog steps per iteration.
  public var maxLeapfrogSteps = 1000
  /// Each iteration's step is $\varepsilon(1 + j u)$, $u \sim U(-1, 1)$: varying the
  /// trajectory avoids periodic orbits that return to where they started.
  public var stepJitter = 0.1
  /// Whether warm-up estimates a diagonal mass matrix (else $M = I$).
  public var adaptsMass = true

  /// A sampler.
  ///
  /// - Parameters:
  ///   - warmUp: adaptation iterations.
  ///   - iterations: kept-phase iterations.
  ///   - trajectoryLength: $T > 0$.
  ///   - keepEvery: thinning ($\ge 1$).
  public init(warmUp: Int, iterations: Int, trajectoryLength: Double, keepEvery: Int = 1) {
    precondition(warmUp >= 0 && iterations >= 1, "HamiltonianMonteCarlo: needs iterations")
    precondition(trajectoryLength > 0 && keepEvery >= 1, "HamiltonianMonteCarlo: bad settings")
    self.warmUp = warmUp
    self.iterations = iterations
    self.trajectoryLength = trajectoryLength
    self.keepEvery = keepEvery
  }

  /// A point of phase space with the log density and gradient at its position.
  public struct State: Sendable {
    /// $\theta$.
    public var position: [Double]
    /// $r$.
    public var momentum: [Double]
    /// $\log\pi(\theta)$.
    public var logDensity: Double
    /// $\nabla\log\pi(\theta)$.
    public var gradient: [Double]
  }

  /// `steps` leapfrog steps of size $\varepsilon$:
  /// $r \leftarrow r + \tfrac\varepsilon2\nabla\log\pi(\theta)$,
  /// $\theta \leftarrow \theta + \varepsilon M^{-1} r$,
  /// $r \leftarrow r + \tfrac\varepsilon2\nabla\log\pi(\theta)$.
  ///
  /// - Parameters:
  ///   - state: the start (its log density and gradient must be those of its position).
  ///   - stepSize: $\varepsilon$.
  ///   - steps: $L$.
  ///   - inverseMass: the diagonal of $M^{-1}$.
  ///   - target: $\pi$.
  public static func leapfrog(
    _ state: State, stepSize: Double, steps: Int, inverseMass: [Double],
    target: some DifferentiableLogDensity
  ) -> State {
    var (q, r, g) = (state.position, state.momentum, state.gradient)
    var logDensity = state.logDensity
    for _ in 0..<steps {
      for i in r.indices { r[i] += 0.5 * stepSize * g[i] }
      for i in q.indices { q[i] += stepSize * inverseMass[i] * r[i] }
      (logDensity, g) = target.logDensityAndGradient(q)
      for i in r.indices { r[i] += 0.5 * stepSize * g[i] }
    }
    return State(position: q, momentum: r, logDensity: logDensity, gradient: g)
  }

  /// $H = -\log\pi(\theta) + \tfrac12 r^\top M^{-1} r$.
  ///
  /// - Parameters:
  ///   - state: the point.
  ///   - inverseMass: the diagonal of $M^{-1}$.
  public static func energy(_ state: State, inverseMass: [Double]) -> Double {
    // A plain loop (NUTS calls this once per gradient); from zero, left to right.
    let kinetic = state.momentum.withUnsafeBufferPointer { r in
      inverseMass.withUnsafeBufferPointer { m in
        var sum = 0.0
        for k in 0..<r.count { sum += r[k] * r[k] * m[k] }
        return sum
      }
    }
    return -state.logDensity + 0.5 * kinetic
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
  ) throws(SamplingError) -> MarkovChain {
    precondition(initial.count == target.dimension, "HamiltonianMonteCarlo: wrong dimension")
    var current = try Self.start(target, at: initial, chain: chain)
    var inverseMass = [Double](repeating: 1, count: initial.count)
    var evaluations = 1
    var stepSize = Self.initialStepSize(
      current, inverseMass: inverseMass, target: target, evaluations: &evaluations, using: &rng)
    var averaging = DualAveraging(stepSize: stepSize, target: targetAcceptance)
    let windows = MassWindows(warmUp: warmUp)
    var variance = RunningVariance(dimension: initial.count)

    var draws = [[Double]]()
    var acceptanceSum = 0.0
    var divergences = 0
    for iteration in 0..<(warmUp + iterations) {
      let warming = iteration < warmUp
      let epsilon = stepSize * (1 + stepJitter * rng.uniform(-1, 1))
      let steps = Swift.min(
        maxLeapfrogSteps, Swift.max(1, Int((trajectoryLength / epsilon).rounded(.up))))
      let (next, acceptance, divergent) = transition(
        current, stepSize: epsilon, steps: steps, inverseMass: inverseMass, target: target,
        using: &rng)
      evaluations += steps
      current = next
      if warming {
        stepSize = averaging.update(acceptance: acceptance)
        if adaptsMass && windows.isSlow(iteration) { variance.add(current.position) }
        if adaptsMass && windows.endsSlowWindow(iteration) {
          inverseMass = variance.regularisedVariance()
          variance = RunningVariance(dimension: initial.count)
          stepSize = Self.initialStepSize(
            current, inverseMass: inverseMass, target: target, evaluations: &evaluations,
            using: &rng)
          averaging = DualAveraging(stepSize: stepSize, target: targetAcceptance)
        }
        if iteration == warmUp - 1 { stepSize = averaging.finalStepSize }
      } else {
        acceptanceSum += acceptance
        if divergent { divergences += 1 }
        if (iteration - warmUp + 1) % keepEvery == 0 { draws.append(current.position) }
      }
    }
    return MarkovChain(
      draws: draws, acceptanceRate: acceptanceSum / Double(iterations), stepSize: stepSize,
      leapfrogSteps: Swift.min(
        maxLeapfrogSteps, Swift.max(1, Int((trajectoryLength / stepSize).rounded(.up)))),
      divergences: divergences, inverseMass: inverseMass, gradientEvaluations: evaluations)
  }

  /// The state at `initial` (momentum zero), after checking that the log density and its
  /// gradient are finite there (shared with ``NoUTurnSampler``).
  static func start(
    _ target: some DifferentiableLogDensity, at initial: [Double], chain: Int
  ) throws(SamplingError) -> State {
    let (logDensity, gradient) = target.logDensityAndGradient(initial)
    guard logDensity.isFinite else { throw .nonFiniteStart(chain: chain, what: "log density") }
    guard gradient.allSatisfy(\.isFinite) else {
      throw .nonFiniteStart(chain: chain, what: "gradient")
    }
    return State(
      position: initial, momentum: initial.map { _ in 0 }, logDensity: logDensity,
      gradient: gradient)
  }

  /// One HMC transition: fresh momentum, a leapfrog trajectory, Metropolis correction.
  /// Returns the new state, the acceptance probability and whether the trajectory
  /// diverged (energy error above 1000, or not finite: rejected).
  private func transition(
    _ state: State, stepSize: Double, steps: Int, inverseMass: [Double],
    target: some DifferentiableLogDensity, using rng: inout Generator
  ) -> (State, Double, Bool) {
    var start = state
    start.momentum = inverseMass.map { rng.normal() / $0.squareRoot() }  // r ~ N(0, M)
    let end = Self.leapfrog(
      start, stepSize: stepSize, steps: steps, inverseMass: inverseMass, target: target)
    let change =
      Self.energy(end, inverseMass: inverseMass) - Self.energy(start, inverseMass: inverseMass)
    guard change.isFinite, end.gradient.allSatisfy(\.isFinite) else { return (state, 0, true) }
    let acceptance = Swift.min(1, exp(-change))
    let accepted = rng.uniform() < acceptance
    return (accepted ? end : state, acceptance, change > 1000)
  }

  /// Hoffman & Gelman's heuristic: double or halve $\varepsilon$ from 0.1 until one
  /// leapfrog step's acceptance probability crosses ½ (shared with ``NoUTurnSampler``).
  static func initialStepSize(
    _ state: State, inverseMass: [Double], target: some DifferentiableLogDensity,
    evaluations: inout Int, using rng: inout Generator
  ) -> Double {
    var start = state
    start.momentum = inverseMass.map { rng.normal() / $0.squareRoot() }
    func logAcceptance(_ epsilon: Double) -> Double {
      let end = Self.leapfrog(
        start, stepSize: epsilon, steps: 1, inverseMass: inverseMass, target: target)
      evaluations += 1
      let change =
        Self.energy(end, inverseMass: inverseMass) - Self.energy(start, inverseMass: inverseMass)
      return change.isFinite ? -change : -.infinity
    }
    var epsilon = 0.1
    let direction = logAcceptance(epsilon) > log(0.5) ? 1.0 : -1.0
    for _ in 0..<50 {
      let a = logAcceptance(epsilon)
      if direction > 0 ? a <= log(0.5) : a > log(0.5) { break }
      epsilon *= direction > 0 ? 2 : 0.5
    }
    return epsilon
  }
}

/// Dual averaging of $\log\varepsilon$ (Nesterov 2009; Hoffman & Gelman 2014, §3.2) with
/// their constants $\gamma = 0.05$, $t_0 = 10$, $\kappa = 0.75$ and $\mu = \log 10\varepsilon_0$.
struct DualAveraging {
  let mu: Double
  let target: Double
  var t = 0.0
  var meanError = 0.0
  var logAverage = 0.0

  init(stepSize: Double, target: Double) {
    mu = log(10 * stepSize)
    self.target = target
  }

  /// Records one iteration's acceptance probability; returns the next step size.
  mutating func update(acceptance: Double) -> Double {
    t += 1
    meanError = (1 - 1 / (t + 10)) * meanError + (target - acceptance) / (t + 10)
    let logStep = mu - t.squareRoot() / 0.05 * meanError
    let eta = pow(t, -0.75)
    logAverage = eta * logStep + (1 - eta) * logAverage
    return exp(logStep)
  }

  /// The averaged step size, used after warm-up.
  var finalStepSize: Double { t > 0 ? exp(logAverage) : exp(mu) / 10 }
}

/// Stan's warm-up schedule for the mass matrix: a fast initial buffer (15 %, at most 75
/// iterations), slow windows that double in length (the first 25) whose draws estimate
/// the variances, and a fast terminal buffer for the final step size. Stan's terminal
/// buffer is 50 iterations; ours is 20 % of warm-up, because dual averaging restarted for
/// only 50 iterations settles on a step well below the one that meets the target (on a
/// correlated Gaussian: acceptance 0.95–0.98 instead of 0.8).
struct MassWindows {
  /// The last iteration of each slow window.
  let ends: Set<Int>
  let slow: Range<Int>

  init(warmUp: Int) {
    let start = Swift.min(75, Int(0.15 * Double(warmUp)))
    let end = warmUp - Int(0.2 * Double(warmUp))
    slow = start..<Swift.max(start, end)
    var ends = Set<Int>()
    var windowStart = start
    var length = 25
    while windowStart < slow.upperBound {
      // A window that would leave less than its successor's length is extended to the end.
      var windowEnd = windowStart + length
      if windowEnd + 2 * length > slow.upperBound { windowEnd = slow.upperBound }
      ends.insert(windowEnd - 1)
      windowStart = windowEnd
      length *= 2
    }
    self.ends = ends
  }

  func isSlow(_ iteration: Int) -> Bool { slow.contains(iteration) }
  func endsSlowWindow(_ iteration: Int) -> Bool { ends.contains(iteration) }
}

/// Welford's running mean and variance per coordinate.
struct RunningVariance {
  var count = 0
  var mean: [Double]
  var squares: [Double]

  init(dimension: Int) {
    mean = [Double](repeating: 0, count: dimension)
    squares = mean
  }

  mutating func add(_ x: [Double]) {
    count += 1
    for i in x.indices {
      let delta = x[i] - mean[i]
      mean[i] += delta / Double(count)
      squares[i] += delta * (x[i] - mean[i])
    }
  }

  /// Stan's regularised estimate $\frac{n}{n+5}s^2 + 10^{-3}\frac{5}{n+5}$.
  func regularisedVariance() -> [Double] {
    guard count > 1 else { return mean.map { _ in 1 } }
    let n = Double(count)
    return squares.map { (n / (n + 5)) * ($0 / (n - 1)) + 1e-3 * (5 / (n + 5)) }
  }
}
