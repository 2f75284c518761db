import Foundation

/// How a language model's next token is drawn: with a temperature $\tau$ and nucleus
/// (top-$p$) truncation (Holtzman et al. 2020), the settings of note 000's
/// `generate(do_sample=True, temperature=0.8, top_p=0.9)`.
///
/// From the model's distribution $p$, the sampler forms $q_k \propto p_k^{1/\tau}$
/// (the softmax of the logits divided by $\tau$), keeps the smallest set of most probable
/// tokens whose $q$-mass reaches $p_{\text{top}}$, and renormalises on it. $\tau = 1$,
/// $p_{\text{top}} = 1$ samples the model itself, the only setting under which the
/// average of $-\log p$ over samples estimates the model's entropy.
public struct NucleusSampler: Sendable, Equatable {
  /// $\tau > 0$; below 1 sharpens the distribution.
  public let temperature: Double
  /// $p_{\text{top}} \in (0, 1]$; 1 keeps every token.
  public let topP: Double

  /// Creates a sampler.
  ///
  /// - Parameters:
  ///   - temperature: $\tau > 0$.
  ///   - topP: the nucleus mass, in $(0, 1]$.
  public init(temperature: Double = 1, topP: Double = 1) {
    precondition(temperature > 0, "NucleusSampler: temperature must be positive")
    precondition(topP > 0 && topP <= 1, "NucleusSampler: topP must be in (0, 1]")
    self.temperature = temperature
    self.topP = topP
  }

  /// Samples from the model as it is ($\tau = 1$, no truncation).
  public static let model = NucleusSampler()

  /// The distribution the sampler draws from, given the model's $p$.
  ///
  /// - Parameter probabilities: the model's next-token probabilities (summing to 1).
  /// - Returns: $q$ restricted to the nucleus and renormalised (zeros outside it).
  public func distribution(from probabilities: [Double]) -> [Double] {
    // p^(1/τ) computed in logs and shifted by the maximum, so that small τ cannot underflow.
    let logs = probabilities.map { $0 > 0 ? Foundation.log($0) / temperature : -Double.infinity }
    let top = logs.max() ?? 0
    var q = logs.map { Foundation.exp($0 - top) }
    let total = q.reduce(0, +)
    q = q.map { $0 / total }
    guard topP < 1 else { return q }
    var kept = [Double](repeating: 0, count: q.count)
    var mass = 0.0
    // Most probable first; ties broken by token index so that the nucleus is deterministic.
    for k in q.indices.sorted(by: { (q[$0], -$0) > (q[$1], -$1) }) {
      kept[k] = q[k]
      mass += q[k]
      if mass >= topP { break }
    }
    return kept.map { $0 / mass }
  }

  /// One token drawn from ``distribution(from:)``.
  ///
  /// - Parameters:
  ///   - probabilities: the model's next-token probabilities.
  ///   - rng: the generator.
  public func sample(from probabilities: [Double], using rng: inout Generator) -> Int {
    rng.categorical(distribution(from: probabilities))
  }
}
