import Foundation

/// Stochastic-gradient Langevin dynamics (Welling & Teh 2011): gradient ascent on the log
/// posterior with minibatch gradients, plus Gaussian noise of the right size,
/// $$\theta_{t+1} = \theta_t + \frac{\varepsilon_t}2\,\widehat{\nabla\log p}(\theta_t \mid D) + \eta_t,
/// \qquad \eta_t \sim \mathcal N(0, \varepsilon_t I),$$
/// with $\varepsilon_t = a(b + t)^{-\gamma}$. As $\varepsilon_t \to 0$ the minibatch noise
/// vanishes next to the injected noise and the iterates sample the posterior; at a
/// finite step they sample it with a bias of order $\varepsilon$, and there is no
/// Metropolis correction. The cost per step is one minibatch gradient.
public struct StochasticGradientLangevin: Sendable {
  /// Steps in all.
  public var steps: Int
  /// Examples per minibatch.
  public var batchSize: Int
  /// Steps discarded at the start.
  public var burnIn: Int
  /// How many draws to keep, evenly spaced after burn-in.
  public var keep: Int
  /// $a$, the first step size.
  public var stepSize: Double
  /// $b$ in $\varepsilon_t = a(b + t)^{-\gamma}$, scaled so that $\varepsilon_0 = a$.
  public var decayOffset: Double
  /// $\gamma \in [0, 1]$ (0: a constant step; Welling & Teh use 0.55).
  public var decayPower: Double

  /// A sampler.
  ///
  /// - Parameters:
  ///   - steps: steps in all.
  ///   - batchSize: examples per minibatch.
  ///   - burnIn: steps discarded at the start (< steps).
  ///   - keep: draws kept, evenly spaced over the rest.
  ///   - stepSize: $a$, the first step size.
  ///   - decayOffset: $b$.
  ///   - decayPower: $\gamma$.
  public init(
    steps: Int, batchSize: Int, burnIn: Int, keep: Int, stepSize: Double = 1e-4,
    decayOffset: Double = 1000, decayPower: Double = 0.55
  ) {
    precondition(
      steps > burnIn && burnIn >= 0 && keep >= 1 && keep <= steps - burnIn,
      "StochasticGradientLangevin: needs steps > burnIn and 1 ≤ keep ≤ steps − burnIn")
    precondition(batchSize >= 1 && stepSize > 0, "StochasticGradientLangevin: bad settings")
    self.steps = steps
    self.batchSize = batchSize
    self.burnIn = burnIn
    self.keep = keep
    self.stepSize = stepSize
    self.decayOffset = decayOffset
    self.decayPower = decayPower
  }

  /// $\varepsilon_t = a\,\big(b/(b + t)\big)^{\gamma}$.
  ///
  /// - Parameter t: the step.
  public func stepSize(at t: Int) -> Double {
    stepSize * pow(decayOffset / (decayOffset + Double(t)), decayPower)
  }

  /// Draws from a network posterior with minibatch gradients.
  ///
  /// - Parameters:
  ///   - posterior: the target.
  ///   - initial: the start (e.g. a MAP estimate).
  ///   - rng: the minibatches and the injected noise.
  /// - Throws: ``SamplingError/nonFiniteStart(chain:what:)`` if the start is not finite,
  ///   and ``NonFiniteError`` if the iterates leave the finite numbers (the step is too
  ///   large).
  public func sample(
    _ posterior: NetworkPosterior, from initial: [Double], using rng: inout Generator
  ) throws -> [[Double]] {
    var batches = [[Int]]()
    return try run(from: initial, target: posterior, using: &rng) { theta, rng in
      if batches.isEmpty {
        batches = Splits.minibatches(
          count: posterior.data.count, batchSize: batchSize, using: &rng)
      }
      return posterior.logDensityAndGradient(theta, batch: batches.removeLast()).gradient
    }
  }

  /// Draws using the full gradient of any target (Langevin dynamics without
  /// minibatches; what the tests check against a known answer).
  ///
  /// - Parameters:
  ///   - target: the log density.
  ///   - initial: the start.
  ///   - rng: the injected noise.
  /// - Throws: as the network version.
  public func sample(
    _ target: some DifferentiableLogDensity, from initial: [Double], using rng: inout Generator
  ) throws -> [[Double]] {
    try run(from: initial, target: target, using: &rng) { theta, _ in
      target.logDensityAndGradient(theta).gradient
    }
  }

  private func run(
    from initial: [Double], target: some DifferentiableLogDensity, using rng: inout Generator,
    gradient: ([Double], inout Generator) -> [Double]
  ) throws -> [[Double]] {
    let start = target.logDensityAndGradient(initial)
    guard start.value.isFinite, start.gradient.allSatisfy(\.isFinite) else {
      throw SamplingError.nonFiniteStart(chain: 0, what: "log density or its gradient")
    }
    let spacing = Double(steps - burnIn) / Double(keep)
    var nextKept = 1
    var theta = initial
    var draws = [[Double]]()
    for t in 0..<steps {
      let epsilon = stepSize(at: t)
      let g = gradient(theta, &rng)
      let noise = epsilon.squareRoot()
      for i in theta.indices { theta[i] += 0.5 * epsilon * g[i] + noise * rng.normal() }
      if let bad = theta.first(where: { !$0.isFinite }) {
        throw NonFiniteError(
          step: t + 1, quantity: "an SGLD weight (step size \(epsilon))", value: bad)
      }
      // Keep the draw that ends each of `keep` equal stretches after burn-in.
      if t >= burnIn, Double(t - burnIn + 1) >= (Double(nextKept) * spacing).rounded() {
        draws.append(theta)
        nextKept += 1
      }
    }
    return draws
  }
}
