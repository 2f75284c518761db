import Foundation

/// A deep ensemble (Lakshminarayanan et al., 2017): $M$ networks of the same architecture,
/// each initialised and shuffled independently and trained on the same data; the
/// predictive is the equal-weight mixture of their predictions.
public struct DeepEnsemble {
  /// The members.
  public let members: [MLP]

  /// Wraps trained networks.
  ///
  /// - Parameter members: at least one network; all take the same inputs.
  public init(members: [MLP]) {
    precondition(!members.isEmpty, "DeepEnsemble: no members")
    self.members = members
  }

  /// Builds and trains `count` members, each with its own generator forked from `rng`
  /// (so member $m$ is the same network whatever the other members do).
  ///
  /// - Parameters:
  ///   - count: $M \ge 1$.
  ///   - rng: the parent generator.
  ///   - make: builds one untrained member from its generator.
  ///   - train: trains one member with its generator.
  /// - Throws: the first training error (e.g. ``NonFiniteError``), naming nothing more than
  ///   the trainer does.
  public static func train(
    count: Int, using rng: inout Generator, make: (inout Generator) -> MLP,
    train: (MLP, inout Generator) throws -> Void
  ) rethrows -> DeepEnsemble {
    precondition(count >= 1, "DeepEnsemble: needs at least one member")
    var members = [MLP]()
    for _ in 0..<count {
      var own = rng.fork()
      let member = make(&own)
      try train(member, &own)
      members.append(member)
    }
    return DeepEnsemble(members: members)
  }

  /// The mixture's class probabilities, $\frac1M\sum_m \operatorname{softmax} f_m(x)$, and the
  /// members' own probabilities (for an ``UncertaintyDecomposition``).
  ///
  /// - Parameter inputs: `[batch, inputs]`.
  public func probabilities(at inputs: Matrix) -> (mean: Matrix, members: [Matrix]) {
    var unused = Generator(seed: 0)  // deterministic members draw nothing
    let each = members.map { $0.predict(inputs, using: &unused).softmaxRows() }
    return (each.dropFirst().reduce(each[0], +) / Double(each.count), each)
  }

  /// The members' predicted means and noise variances for a heteroscedastic regression
  /// ensemble (outputs `[μ, log σ²]`), ready for
  /// ``UncertaintyDecomposition/init(means:variances:)``.
  ///
  /// - Parameter inputs: `[batch, inputs]`.
  public func gaussianComponents(at inputs: Matrix) -> (means: [Matrix], variances: [Matrix]) {
    var unused = Generator(seed: 0)
    let outputs = members.map { $0.predict(inputs, using: &unused) }
    precondition(outputs[0].columns == 2, "DeepEnsemble: members must output [mean, log-variance]")
    return (
      outputs.map { $0.columns(0..<1) }, outputs.map { $0.columns(1..<2).map(Foundation.exp) }
    )
  }
}
