/// A multilayer perceptron: layers applied in turn with an activation between them
/// (none after the last, which gives logits or regression outputs).
public final class MLP {
  /// The layers, input to output.
  public let layers: [any Layer]
  /// The non-linearity between layers.
  public let activation: Activation

  /// Wraps existing layers.
  ///
  /// - Parameters:
  ///   - layers: consecutive layers whose widths match.
  ///   - activation: the non-linearity between them.
  public init(layers: [any Layer], activation: Activation) {
    precondition(!layers.isEmpty, "MLP: no layers")
    for (a, b) in zip(layers, layers.dropFirst()) {
      precondition(
        a.outputs == b.inputs, "MLP: a layer of width \(a.outputs) feeds one expecting \(b.inputs)")
    }
    self.layers = layers
    self.activation = activation
  }

  /// A network of ``Dense`` layers, e.g. `sizes: [2, 64, 64, 2]`, optionally with
  /// ``Dropout`` on the inputs of every weight layer after the first.
  ///
  /// - Parameters:
  ///   - sizes: the widths from input to output (at least two).
  ///   - activation: the non-linearity between layers.
  ///   - dropout: the drop probability (0: no dropout layers).
  ///   - rng: the generator for the initial weights.
  public convenience init(
    sizes: [Int], activation: Activation = .relu, dropout: Double = 0, using rng: inout Generator
  ) {
    precondition(sizes.count >= 2, "MLP: sizes needs an input and an output width")
    let gain = activation == .relu ? 2.0.squareRoot() : 1
    var layers = [any Layer]()
    for (k, (i, o)) in zip(sizes, sizes.dropFirst()).enumerated() {
      // Dropout on the inputs of every weight layer after the first (Gal & Ghahramani).
      if dropout > 0 && k > 0 { layers.append(Dropout(width: i, rate: dropout)) }
      layers.append(Dense(inputs: i, outputs: o, gain: gain, name: "layer\(k + 1)", using: &rng))
    }
    self.init(layers: layers, activation: activation)
  }

  /// A mean-field Bayesian network of ``BayesianDense`` layers.
  ///
  /// - Parameters:
  ///   - sizes: the widths from input to output (at least two).
  ///   - activation: the non-linearity between layers.
  ///   - priorStandardDeviation: $\sigma_p$ of every weight's $\mathcal N(0, \sigma_p^2)$ prior.
  ///   - scaleMixturePrior: a scale-mixture prior to use instead (KL by Monte Carlo).
  ///   - parameterisation: how each $\sigma$ is stored.
  ///   - initialStandardDeviation: the starting $\sigma$ of every weight.
  ///   - rng: the generator for the initial means.
  public static func bayesian(
    sizes: [Int], activation: Activation = .relu, priorStandardDeviation: Double = 1,
    scaleMixturePrior: ScaleMixturePrior? = nil,
    parameterisation: ScaleParameterisation = .logVariance,
    initialStandardDeviation: Double = 0.05, using rng: inout Generator
  ) -> MLP {
    precondition(sizes.count >= 2, "MLP: sizes needs an input and an output width")
    let gain = activation == .relu ? 2.0.squareRoot() : 1
    var layers = [any Layer]()
    for (k, (i, o)) in zip(sizes, sizes.dropFirst()).enumerated() {
      layers.append(
        BayesianDense(
          inputs: i, outputs: o, priorStandardDeviation: priorStandardDeviation,
          scaleMixturePrior: scaleMixturePrior, parameterisation: parameterisation,
          initialStandardDeviation: initialStandardDeviation,
          gain: gain, name: "layer\(k + 1)", using: &rng))
    }
    return MLP(layers: layers, activation: activation)
  }

  /// A mean-field Bayesian copy of a deterministic network: each weight's mean is the
  /// point estimate, each $\sigma$ is `standardDeviation`.
  ///
  /// - Parameters:
  ///   - network: a network of ``Dense`` layers.
  ///   - standardDeviation: the $\sigma$ of every weight and bias.
  ///   - priorStandardDeviation: $\sigma_p$ of the prior.
  ///   - parameterisation: how each $\sigma$ is stored.
  public static func bayesian(
    centredOn network: MLP, standardDeviation: Double, priorStandardDeviation: Double = 1,
    parameterisation: ScaleParameterisation = .logVariance
  ) -> MLP {
    var unused = Generator(seed: 0)  // the means are overwritten below
    let layers: [any Layer] = network.layers.enumerated().map { k, layer in
      guard let dense = layer as? Dense else {
        preconditionFailure("MLP.bayesian(centredOn:): layer \(k + 1) is not Dense")
      }
      let bayesian = BayesianDense(
        inputs: dense.inputs, outputs: dense.outputs,
        priorStandardDeviation: priorStandardDeviation,
        parameterisation: parameterisation, initialStandardDeviation: standardDeviation,
        name: "layer\(k + 1)", using: &unused)
      bayesian.weightMean.value = dense.weight.value
      bayesian.biasMean.value = dense.bias.value
      return bayesian
    }
    return MLP(layers: layers, activation: network.activation)
  }

  /// Every trainable parameter, layer by layer.
  public var parameters: [Parameter] { layers.flatMap(\.parameters) }

  /// The number of trainable scalars.
  public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }

  /// The input width.
  public var inputs: Int { layers[0].inputs }
  /// The output width.
  public var outputs: Int { layers[layers.count - 1].outputs }

  /// Runs the network on a batch, recording on `x`'s tape.
  ///
  /// - Parameters:
  ///   - x: `[batch, inputs]`.
  ///   - mode: draw the weights of stochastic layers or use their means.
  ///   - rng: the generator stochastic layers draw from.
  /// - Returns: `[batch, outputs]`.
  public func forward(_ x: Variable, mode: WeightMode, using rng: inout Generator) -> Variable {
    let lastWeightLayer = layers.lastIndex { $0.hasWeights } ?? layers.count - 1
    var h = x
    for (k, layer) in layers.enumerated() {
      h = layer.forward(h, mode: mode, using: &rng)
      // The activation follows every weight layer but the last; dropout only masks.
      if k < lastWeightLayer && layer.hasWeights { h = activation(h) }
    }
    return h
  }

  /// Runs the network for prediction only, on plain matrices (no tape).
  ///
  /// Stochastic layers draw their weights once for the whole call (one network from
  /// $q$), and the inputs go through in blocks of ``predictionBlockRows`` rows, so that
  /// the intermediate activations stay in cache and the memory use stays flat however
  /// many inputs there are.
  ///
  /// - Parameters:
  ///   - x: `[batch, inputs]`.
  ///   - mode: draw the weights of stochastic layers or use their means.
  ///   - rng: the generator stochastic layers draw from.
  /// - Returns: `[batch, outputs]`.
  public func predict(_ x: Matrix, mode: WeightMode = .mean, using rng: inout Generator) -> Matrix {
    precondition(
      x.columns == inputs,
      "MLP.predict: inputs have \(x.columns) columns, the network expects \(inputs)")
    let network = layers.map { $0.frozen(mode: mode, using: &rng) }
    let lastWeightLayer = layers.lastIndex { $0.hasWeights } ?? layers.count - 1
    var out = Matrix(rows: x.rows, columns: outputs)
    var start = 0
    while start < x.rows {
      let end = Swift.min(start + MLP.predictionBlockRows, x.rows)
      var h = x.rows(start..<end)
      for (k, layer) in network.enumerated() {
        layer.apply(inPlace: &h, using: &rng)
        if k < lastWeightLayer && layer.hasWeights { activation.apply(&h) }
      }
      out.storage.replaceSubrange((start * outputs)..<(end * outputs), with: h.storage)
      start = end
    }
    return out
  }

  /// Rows per block in ``predict(_:mode:using:)``: 1024 rows of 64 activations are 512 KiB.
  public static let predictionBlockRows = 1024

  /// Brings every Bayesian layer's cached $\sigma$ up to date, so that
  /// ``predict(_:mode:using:)`` only reads the network and may run on several threads at
  /// once.
  public func prepareForConcurrentPrediction() {
    for case let layer as BayesianDense in layers {
      _ = layer.weightStandardDeviations
      _ = layer.biasStandardDeviations
    }
  }

  /// Sets the ``GradientEstimator`` of every Bayesian layer.
  ///
  /// - Parameter estimator: how `.sample` forward passes on a tape inject the noise.
  public func use(_ estimator: GradientEstimator) {
    for case let layer as BayesianDense in layers { layer.estimator = estimator }
  }

  /// Sets every Bayesian layer's $q$ to its prior (see ``BayesianDense/setToPrior()``).
  public func setToPrior() {
    for case let layer as BayesianDense in layers { layer.setToPrior() }
  }

  /// The sum of the Bayesian layers' KL terms $\sum_\ell \mathrm{KL}(q_\ell\,\|\,p_\ell)$, as
  /// `[1, 1]` on `tape` (zero for a network with no Bayesian layer).
  ///
  /// - Parameter tape: the tape to record on.
  public func klDivergence(on tape: Tape) -> Variable {
    let terms = layers.compactMap { ($0 as? any BayesianLayer)?.klDivergence(on: tape) }
    return terms.dropFirst().reduce(terms.first ?? tape.constant(.scalar(0)), +)
  }

  /// The sum of the Bayesian layers' KL terms, each closed form or (for a scale-mixture
  /// prior) a Monte Carlo estimate, as `[1, 1]` on `tape`.
  ///
  /// - Parameters:
  ///   - tape: the tape to record on.
  ///   - rng: the generator for Monte Carlo estimates.
  public func klDivergence(on tape: Tape, using rng: inout Generator) -> Variable {
    var terms = [Variable]()
    for case let layer as any BayesianLayer in layers {
      terms.append(layer.klDivergence(on: tape, using: &rng))
    }
    return terms.dropFirst().reduce(terms.first ?? tape.constant(.scalar(0)), +)
  }
}
