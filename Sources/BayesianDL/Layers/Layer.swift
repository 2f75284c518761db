/// Whether a stochastic layer draws its weights or uses their means.
public enum WeightMode: Sendable {
  /// Draw fresh weights from the layer's distribution on every call
  /// (the Monte Carlo forward pass, `sample_forward` in note 000).
  case sample
  /// Use the mean weights (`mean_forward` in note 000): one deterministic network.
  case mean
}

/// A layer of a network: a map from `[batch, inputs]` to `[batch, outputs]` with
/// trainable parameters.
public protocol Layer: AnyObject {
  /// The trainable parameters, in a fixed order.
  var parameters: [Parameter] { get }
  /// The input width.
  var inputs: Int { get }
  /// The output width.
  var outputs: Int { get }
  /// Applies the layer to a batch.
  ///
  /// - Parameters:
  ///   - x: the input, `[batch, inputs]`.
  ///   - mode: draw weights or use their means (deterministic layers ignore it).
  ///   - rng: the generator that stochastic layers draw from.
  func forward(_ x: Variable, mode: WeightMode, using rng: inout Generator) -> Variable

  /// The layer with this draw's weights fixed, for prediction: a Bayesian layer draws
  /// (or takes the means of) its weights once and returns a ``Dense``; a deterministic
  /// layer returns itself.
  ///
  /// - Parameters:
  ///   - mode: draw the weights or use their means.
  ///   - rng: the generator for the draw.
  func frozen(mode: WeightMode, using rng: inout Generator) -> any Layer

  /// Applies a frozen layer to a batch without recording anything (the prediction path).
  ///
  /// - Parameters:
  ///   - x: the input, `[batch, inputs]`.
  ///   - rng: the generator for per-example noise (dropout masks); weight layers ignore it.
  func apply(_ x: Matrix, using rng: inout Generator) -> Matrix

  /// Applies a frozen layer in place, for layers whose output has the input's shape and
  /// can overwrite it (dropout) — this saves a copy per layer on the prediction path.
  ///
  /// - Parameters:
  ///   - x: the input `[batch, inputs]`, replaced by the output.
  ///   - rng: the generator for per-example noise.
  func apply(inPlace x: inout Matrix, using rng: inout Generator)

  /// Whether the layer multiplies by weights, so that an ``MLP`` puts its activation
  /// after it (true for dense layers; false for dropout, which only masks).
  var hasWeights: Bool { get }
}

extension Layer {
  /// Dense layers have weights.
  public var hasWeights: Bool { true }

  /// `x = apply(x)`: layers that change the width cannot do better.
  ///
  /// - Parameters:
  ///   - x: the input, replaced by the output.
  ///   - rng: the generator for per-example noise.
  public func apply(inPlace x: inout Matrix, using rng: inout Generator) {
    x = apply(x, using: &rng)
  }
}

/// A layer with a distribution over its weights and a KL term to its prior.
public protocol BayesianLayer: Layer {
  /// $\mathrm{KL}(q(w)\,\|\,p(w))$ for this layer's weights, on `tape`, as `[1, 1]`.
  ///
  /// - Parameter tape: the tape to record on.
  func klDivergence(on tape: Tape) -> Variable

  /// $\mathrm{KL}(q(w)\,\|\,p(w))$, or an unbiased Monte Carlo estimate of it when it has no
  /// closed form, on `tape`, as `[1, 1]`.
  ///
  /// - Parameters:
  ///   - tape: the tape to record on.
  ///   - rng: the generator for a Monte Carlo estimate.
  func klDivergence(on tape: Tape, using rng: inout Generator) -> Variable
}

extension BayesianLayer {
  /// The closed form; a layer whose KL needs sampling overrides this.
  public func klDivergence(on tape: Tape, using rng: inout Generator) -> Variable {
    klDivergence(on: tape)
  }
}

/// The non-linearity between the layers of an ``MLP``.
public enum Activation: String, Sendable, CaseIterable {
  /// $\max(x, 0)$.
  case relu
  /// $\tanh x$.
  case tanh
  /// $1/(1 + e^{-x})$.
  case sigmoid
  /// $x$ (no non-linearity).
  case identity

  /// Applies the activation in place to a plain matrix (the prediction path).
  ///
  /// - Parameter x: the pre-activation, overwritten with the activation.
  public func apply(_ x: inout Matrix) {
    x.storage.withUnsafeMutableBufferPointer { p in
      switch self {
      case .relu: for k in 0..<p.count { p[k] = Swift.max(p[k], 0) }
      case .tanh: VectorisedTanh.apply(p)
      case .sigmoid: for k in 0..<p.count { p[k] = BayesianDL.sigmoid(p[k]) }
      case .identity: break
      }
    }
  }

  /// Applies the activation on a tape.
  ///
  /// - Parameter x: the pre-activation.
  public func callAsFunction(_ x: Variable) -> Variable {
    switch self {
    case .relu: return BayesianDL.relu(x)
    case .tanh: return BayesianDL.tanh(x)
    case .sigmoid: return BayesianDL.sigmoid(x)
    case .identity: return x
    }
  }
}
