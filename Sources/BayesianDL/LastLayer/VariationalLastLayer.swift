/// Training a network whose last weight layer is a mean-field ``BayesianDense`` and whose
/// other layers are point estimates: the negative ELBO of the last layer plus, for the
/// layers below, the negative log of a Gaussian prior (MAP), per datum.
///
/// With features $h_n = \phi(x_n; \psi)$ from the backbone $\psi$ and $q(\theta)$ over the last
/// layer, the objective per datum is
/// $$\frac1N\Big(\beta\,\mathrm{KL}(q\,\|\,p) - \sum_n\mathbb E_q[\log p(y_n \mid h_n, \theta)] + \frac{\lVert\psi\rVert^2}{2\sigma_p^2}\Big),$$
/// estimated on a minibatch by the mean negative log-likelihood over the batch and $S$
/// draws $\theta_s \sim q$, plus $\beta\,\mathrm{KL}/N$ and the weight decay
/// $\lVert\psi\rVert^2/(2\sigma_p^2N)$. The backbone runs once per step and only the last
/// layer is drawn $S$ times — the saving that makes a Bayesian last layer cheap.
///
/// Two uses: **end to end**, backbone and last layer trained together (give the two
/// groups their own learning rates with ``ParameterGroups``); and **two-stage**, the last
/// layer alone on frozen features (a network of that one layer on the features, with no
/// backbone; then this is ``BayesByBackprop``'s objective).
public struct VariationalLastLayer: MinibatchObjective {
  /// The network; its last weight layer is a ``BayesianDense``.
  public let model: MLP
  /// The observation model.
  public let likelihood: Likelihood
  /// $\sigma_p$ of the Gaussian prior on the backbone's weights, or nil for none.
  public let backbonePriorStandardDeviation: Double?
  /// The KL weight $\beta$ (1 is the ELBO).
  public var klWeight: Double
  /// Draws $S$ of the last layer per step.
  public var samples: Int

  /// Creates the objective.
  ///
  /// - Parameters:
  ///   - model: a network whose last weight layer is a ``BayesianDense`` (the layers
  ///     below may be anything, but only their means enter: they are point estimates).
  ///   - likelihood: the observation model.
  ///   - backbonePriorStandardDeviation: $\sigma_p$ of the backbone's prior (nil: none).
  ///   - klWeight: $\beta$ (default 1).
  ///   - samples: $S \ge 1$ (default 1).
  public init(
    model: MLP, likelihood: Likelihood, backbonePriorStandardDeviation: Double?,
    klWeight: Double = 1, samples: Int = 1
  ) {
    precondition(
      model.layers[model.lastWeightLayerIndex] is BayesianDense,
      "VariationalLastLayer: the last weight layer must be a BayesianDense")
    precondition(samples >= 1, "VariationalLastLayer: samples must be at least 1")
    if let s = backbonePriorStandardDeviation {
      precondition(s > 0, "VariationalLastLayer: prior standard deviation must be positive")
    }
    self.model = model
    self.likelihood = likelihood
    self.backbonePriorStandardDeviation = backbonePriorStandardDeviation
    self.klWeight = klWeight
    self.samples = samples
  }

  /// The Bayesian last layer.
  public var lastLayer: BayesianDense { model.layers[model.lastWeightLayerIndex] as! BayesianDense }

  /// The backbone's parameters (every layer below the last weight layer).
  public var backboneParameters: [Parameter] {
    model.layers[..<model.lastWeightLayerIndex].flatMap(\.parameters)
  }

  /// The features $h = \phi(x)$ on `tape`: the backbone run forward, its dropout layers (if
  /// any) dropping as in training.
  ///
  /// - Parameters:
  ///   - x: the inputs on a tape.
  ///   - rng: the generator for dropout masks.
  public func features(_ x: Variable, using rng: inout Generator) -> Variable {
    var h = x
    for layer in model.layers[..<model.lastWeightLayerIndex] {
      h = layer.forward(h, mode: .sample, using: &rng)
      if layer.hasWeights { h = model.activation(h) }
    }
    return h
  }

  /// The objective per datum on one minibatch, on a new tape; its regulariser part is
  /// $\beta\,\mathrm{KL}/N$ plus the backbone's weight decay.
  ///
  /// - Parameters:
  ///   - batch: the minibatch.
  ///   - datasetSize: $N$.
  ///   - rng: the generator for the draws of the last layer (and dropout masks).
  public func loss(on batch: Dataset, datasetSize: Int, using rng: inout Generator) -> MinibatchLoss
  {
    let tape = Tape()
    let h = features(tape.constant(batch.inputs), using: &rng)
    let layer = lastLayer
    let nll = likelihood.expectedNegativeLogLikelihood(samples: samples, batch.targets) {
      layer.forward(h, mode: .sample, using: &rng)
    }
    var regulariser = layer.klDivergence(on: tape, using: &rng) * (klWeight / Double(datasetSize))
    if let sigma = backbonePriorStandardDeviation, !backboneParameters.isEmpty {
      let squaredNorm = sumOfSquares(backboneParameters.map(tape.parameter))
      regulariser = regulariser + squaredNorm * (0.5 / (sigma * sigma * Double(datasetSize)))
    }
    return MinibatchLoss(
      total: nll + regulariser, negativeLogLikelihood: nll.value.scalarValue,
      regulariser: regulariser.value.scalarValue)
  }

  /// $S$ sampled class-probability matrices at `inputs`: the backbone once, then
  /// $\operatorname{softmax}(hW_s + b_s)$ for each draw $(W_s, b_s) \sim q$ — the samples an
  /// ``UncertaintyDecomposition`` needs.
  ///
  /// - Parameters:
  ///   - model: a classifier whose last weight layer is a ``BayesianDense``.
  ///   - inputs: `[batch, inputs]`.
  ///   - samples: $S \ge 1$.
  ///   - rng: the generator for the draws.
  /// - Returns: $S$ matrices `[batch, classes]`.
  public static func probabilitySamples(
    of model: MLP, at inputs: Matrix, samples: Int, using rng: inout Generator
  ) -> [Matrix] {
    precondition(samples >= 1, "VariationalLastLayer: samples must be at least 1")
    guard let layer = model.layers[model.lastWeightLayerIndex] as? BayesianDense else {
      preconditionFailure("VariationalLastLayer: the last weight layer must be a BayesianDense")
    }
    let h = model.lastLayerFeatures(at: inputs, mode: .mean, using: &rng)
    return (0..<samples).map { _ in
      layer.frozen(mode: .sample, using: &rng).apply(h, using: &rng).softmaxRows()
    }
  }
}
