/// A sampler that runs one Markov chain from a starting point: ``HamiltonianMonteCarlo``
/// and ``NoUTurnSampler``. It supplies one chain; running one chain with chain number 0,
/// and several side by side on the cores, come with it.
public protocol MarkovChainSampler: Sendable {
  /// What one chain returns: its draws and how the run went.
  associatedtype Chain: Sendable

  /// One chain from `initial`.
  ///
  /// - Parameters:
  ///   - target: $\pi$.
  ///   - initial: the starting point.
  ///   - chain: the chain's number, named in the error if it cannot start.
  ///   - rng: the chain's random draws.
  /// - Throws: ``SamplingError/nonFiniteStart(chain:what:)``.
  func sample(
    _ target: some DifferentiableLogDensity, from initial: [Double], chain: Int,
    using rng: inout Generator
  ) throws(SamplingError) -> Chain
}

extension MarkovChainSampler {
  /// One chain from `initial`.
  ///
  /// - Parameters:
  ///   - target: $\pi$.
  ///   - initial: the starting point.
  ///   - rng: the chain's random draws.
  /// - Throws: ``SamplingError/nonFiniteStart(chain:what:)``.
  public func sample(
    _ target: some DifferentiableLogDensity, from initial: [Double], using rng: inout Generator
  ) throws(SamplingError) -> Chain {
    try sample(target, from: initial, chain: 0, using: &rng)
  }

  /// Chains side by side on the cores, chain $k$ from `initials[k]` with `generators[k]`;
  /// the same as running them one after another.
  ///
  /// - Parameters:
  ///   - target: $\pi$.
  ///   - initials: one starting point per chain.
  ///   - generators: one generator per chain.
  /// - Throws: the error of the lowest-numbered chain that could not start.
  public func sampleChains(
    _ target: some DifferentiableLogDensity, from initials: [[Double]], generators: [Generator]
  ) throws(SamplingError) -> [Chain] {
    precondition(initials.count == generators.count, "sampleChains: one generator per chain")
    let sampler = self
    return try Parallel.map(initials.count) { k throws(SamplingError) -> Chain in
      var own = generators[k]
      return try sampler.sample(target, from: initials[k], chain: k, using: &own)
    }
  }
}
