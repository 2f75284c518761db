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
  /// (so member $m$ is the same network whatever the other members do), several at a
  /// time on the machine's cores (see ``Parallel``).
  ///
  /// `make` and `train` run concurrently for different members, on worker threads:
  /// they are `@Sendable` (see ``Parallel``) and may change only the member and the
  /// generator they are given.
  ///
  /// - Parameters:
  ///   - count: $M \ge 1$.
  ///   - rng: the parent generator.
  ///   - make: builds one untrained member from its generator.
  ///   - train: trains one member with its generator.
  /// - Throws: the training error of the lowest-numbered member that failed (e.g.
  ///   ``NonFiniteError``).
  public static func train<E: Error>(
    count: Int, using rng: inout Generator, make: @Sendable (inout Generator) -> MLP,
    train: @Sendable (MLP, inout Generator) throws(E) -> Void
  ) throws(E) -> DeepEnsemble {
    precondition(count >= 1, "DeepEnsemble: needs at least one member")
    let generators = (0..<count).map { _ in rng.fork() }
    let members = try Parallel.map(count) { k throws(E) -> MLP in
      var own = generators[k]
      let member = make(&own)
      try train(member, &own)
      return member
    }
    return DeepEnsemble(members: members)
  }

  /// The usual recipe: $M$ networks of ``Dense`` layers, each trained to the MAP estimate
  /// under an isotropic Gaussian prior (``MAPEstimation``) with Adam, on the same data,
  /// each from its own initialisation and minibatch order.
  ///
  /// - Parameters:
  ///   - count: $M \ge 1$.
  ///   - sizes: the widths from input to output.
  ///   - activation: the non-linearity between layers.
  ///   - likelihood: the observation model (``Likelihood/heteroscedastic`` for
  ///     mean-and-variance members).
  ///   - priorStandardDeviation: $\sigma_p$ of the prior (the weight decay).
  ///   - data: the training set.
  ///   - epochs: passes over the data per member.
  ///   - batchSize: examples per step.
  ///   - learningRate: Adam's step size.
  ///   - clipNorm: if set, the largest gradient norm allowed.
  ///   - bootstrap: train each member on its own bootstrap resample of `data` (a
  ///     "bagged" ensemble), so that the members also differ by the data they saw.
  ///   - rng: the parent generator.
  /// - Throws: ``NonFiniteError`` from the lowest-numbered member that diverged.
  public static func trainMAP(
    count: Int, sizes: [Int], activation: Activation = .relu, likelihood: Likelihood,
    priorStandardDeviation: Double, on data: Dataset, epochs: Int, batchSize: Int,
    learningRate: Double, clipNorm: Double? = nil, bootstrap: Bool = false,
    using rng: inout Generator
  ) throws -> DeepEnsemble {
    try train(count: count, using: &rng) { own in
      MLP(sizes: sizes, activation: activation, using: &own)
    } train: { member, own in
      let seen = bootstrap ? data.subset(Splits.bootstrap(count: data.count, using: &own)) : data
      var adam = Adam(parameters: member.parameters, learningRate: learningRate)
      try MAPEstimation(
        model: member, likelihood: likelihood, priorStandardDeviation: priorStandardDeviation
      ).train(
        on: seen, epochs: epochs, batchSize: batchSize, optimiser: &adam, clipNorm: clipNorm,
        using: &own)
    }
  }

  /// The mean of the members' raw outputs, $\frac1M\sum_m f_m(x)$ — for regression
  /// members with a mean head only, the ensemble's predicted mean.
  ///
  /// - Parameter inputs: `[batch, inputs]`.
  public func meanPrediction(at inputs: Matrix) -> Matrix {
    var unused = Generator(seed: 0)  // deterministic members draw nothing
    let outputs = members.map { $0.predict(inputs, using: &unused) }
    return outputs.dropFirst().reduce(outputs[0], +) / Double(outputs.count)
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

  /// The predictive of a heteroscedastic regression ensemble (members output
  /// `[μ, log σ²]`): the mixture's mean and its variance split into aleatoric and
  /// epistemic parts.
  ///
  /// - Parameter inputs: `[batch, inputs]`.
  public func regressionPredictive(at inputs: Matrix) -> RegressionPredictive {
    let (means, variances) = gaussianComponents(at: inputs)
    return RegressionPredictive(means: means, variances: variances)
  }
}
