/// A network read as a feature map followed by one linear layer: the view of every
/// Bayesian-last-layer method.
///
/// For an ``MLP`` $f(x) = \phi(x)W + b$, where $\phi(x)$ is the activation that enters the
/// last weight layer (all layers below it, with their non-linearities). Once the layers
/// below are frozen, $f$ is linear in $(W, b)$, so a Gaussian over the last layer gives
/// Gaussian outputs, and Bayesian linear regression on the rows $[\phi(x), 1]$ is the exact
/// posterior of a regression last layer.
extension MLP {
  /// The index in ``layers`` of the last layer that has weights.
  public var lastWeightLayerIndex: Int {
    guard let index = layers.lastIndex(where: { $0.hasWeights }) else {
      preconditionFailure("MLP: no layer with weights")
    }
    return index
  }

  /// The features $\phi(x)$ the last weight layer sees: the network run up to that layer,
  /// with the activation after every weight layer below it, `[batch, width]`.
  ///
  /// Stochastic layers below the last draw once for the whole call (or use their means),
  /// as in ``predict(_:mode:using:)``; for a deterministic backbone `mode` and `rng` do
  /// not matter.
  ///
  /// - Parameters:
  ///   - x: `[batch, inputs]`.
  ///   - mode: draw the weights of stochastic layers below the last, or use their means.
  ///   - rng: the generator for those draws (and dropout masks).
  public func lastLayerFeatures(at x: Matrix, mode: WeightMode = .mean, using rng: inout Generator)
    -> Matrix
  {
    precondition(
      x.columns == inputs,
      "MLP.lastLayerFeatures: inputs have \(x.columns) columns, the network expects \(inputs)")
    let last = lastWeightLayerIndex
    var h = x
    // Every weight layer below the last is followed by the activation; dropout only masks.
    for layer in layers[..<last] {
      layer.frozen(mode: mode, using: &rng).apply(inPlace: &h, using: &rng)
      if layer.hasWeights { activation.apply(&h) }
    }
    return h
  }

  /// The features of a deterministic backbone, $\phi(x)$ (see
  /// ``lastLayerFeatures(at:mode:using:)``).
  ///
  /// - Parameter x: `[batch, inputs]`.
  public func lastLayerFeatures(at x: Matrix) -> Matrix {
    var unused = Generator(seed: 0)  // dense layers draw nothing
    return lastLayerFeatures(at: x, mode: .mean, using: &unused)
  }

  /// The same network with its last weight layer replaced by `layer` (the layers below
  /// are shared, not copied, so training one network trains the other's backbone too).
  ///
  /// - Parameter layer: a layer whose input width is that of the features.
  public func replacingLastLayer(with layer: any Layer) -> MLP {
    let last = lastWeightLayerIndex
    precondition(
      layer.inputs == layers[last].inputs,
      "MLP.replacingLastLayer: the new layer takes \(layer.inputs) inputs, the features have \(layers[last].inputs)"
    )
    var replaced = layers
    replaced[last] = layer
    return MLP(layers: replaced, activation: activation)
  }

  /// The same network with its last weight layer set to the dense layer with weights
  /// $\theta$, ordered as everywhere in the course: the weight `[width, outputs]`
  /// row-major, then the bias — for one output, exactly the coefficients of a linear
  /// regression on the design rows $[\phi(x), 1]$ (``LastLayerDesign/rows(_:)``).
  ///
  /// - Parameter theta: `(width + 1) · outputs` numbers.
  public func replacingLastLayer(withWeights theta: [Double]) -> MLP {
    let last = layers[lastWeightLayerIndex]
    let (width, outputs) = (last.inputs, last.outputs)
    precondition(
      theta.count == (width + 1) * outputs,
      "MLP.replacingLastLayer: \(theta.count) weights for a \(width)→\(outputs) layer (needs \((width + 1) * outputs))"
    )
    return replacingLastLayer(
      with: Dense(
        weight: Matrix(rows: width, columns: outputs, storage: Array(theta[..<(width * outputs)])),
        bias: Matrix(rows: 1, columns: outputs, storage: Array(theta[(width * outputs)...])),
        name: "layer\(lastWeightLayerIndex + 1)"))
  }
}

/// The design matrix of a last layer: its features with a column of ones for the bias.
public enum LastLayerDesign {
  /// $[\phi, 1]$: `features` `[n, d]` with a column of ones appended, `[n, d + 1]`, so that
  /// $[\phi(x), 1]\,\theta$ is the output of a dense layer whose weight is $\theta_{1..d}$
  /// and whose bias is $\theta_{d+1}$.
  ///
  /// - Parameter features: $\phi$, `[n, d]`.
  public static func rows(_ features: Matrix) -> Matrix {
    Matrix.hstack([features, Matrix(rows: features.rows, columns: 1, repeating: 1)])
  }
}
