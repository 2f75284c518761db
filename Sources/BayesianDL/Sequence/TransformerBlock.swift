/// One block of a causal Transformer, in the post-norm layout of note 000 §8.2 and of
/// Vaswani et al. (2017): self-attention, then a two-layer GELU network, each added back
/// to its input and layer-normalised, with dropout in three places —
///
/// $$h = \operatorname{LN}\big(x + \operatorname{drop}(\operatorname{Attn}(x))\big),\qquad
/// y = \operatorname{LN}\big(h + \operatorname{drop}(W_2\,\operatorname{drop}(\operatorname{GELU}(W_1 h + b_1)) + b_2)\big).$$
///
/// The dropout stays on at prediction time for MC dropout (a `.sample` pass) and is off
/// in a `.mean` pass.
public final class TransformerBlock {
  /// The query, key and value projections and the output projection of the attention.
  let query: Dense, key: Dense, value: Dense, projection: Dense
  /// The feed-forward network's two layers, $d \to d_{ff} \to d$.
  let expand: Dense, contract: Dense
  /// The gains and biases of the two layer norms, `[1, d]` each.
  let attentionNormGain: Parameter, attentionNormBias: Parameter
  let feedForwardNormGain: Parameter, feedForwardNormBias: Parameter
  /// Dropout on the attention output and on the feed-forward output (width $d$).
  let residualDropout: Dropout
  /// Dropout on the feed-forward hidden units (width $d_{ff}$).
  let hiddenDropout: Dropout
  /// The number of attention heads.
  public let heads: Int

  /// Creates a block with Gaussian weights (variance 1/fan-in; √2 gain before the GELU).
  ///
  /// - Parameters:
  ///   - width: $d$, the width of every token's vector.
  ///   - heads: attention heads, dividing $d$.
  ///   - hiddenWidth: $d_{ff}$, the feed-forward hidden width.
  ///   - dropout: the drop probability of the three dropouts.
  ///   - name: a prefix for parameter names.
  ///   - rng: the generator for the initial weights.
  public init(
    width: Int, heads: Int, hiddenWidth: Int, dropout: Double, name: String,
    using rng: inout Generator
  ) {
    precondition(width % heads == 0, "TransformerBlock: \(heads) heads do not divide \(width)")
    self.heads = heads
    query = Dense(inputs: width, outputs: width, gain: 1, name: "\(name).query", using: &rng)
    key = Dense(inputs: width, outputs: width, gain: 1, name: "\(name).key", using: &rng)
    value = Dense(inputs: width, outputs: width, gain: 1, name: "\(name).value", using: &rng)
    projection = Dense(
      inputs: width, outputs: width, gain: 1, name: "\(name).projection", using: &rng)
    expand = Dense(inputs: width, outputs: hiddenWidth, name: "\(name).expand", using: &rng)
    contract = Dense(
      inputs: hiddenWidth, outputs: width, gain: 1, name: "\(name).contract", using: &rng)
    attentionNormGain = Parameter(
      "\(name).attentionNorm.gain", Matrix(rows: 1, columns: width, repeating: 1))
    attentionNormBias = Parameter("\(name).attentionNorm.bias", Matrix(rows: 1, columns: width))
    feedForwardNormGain = Parameter(
      "\(name).feedForwardNorm.gain", Matrix(rows: 1, columns: width, repeating: 1))
    feedForwardNormBias = Parameter(
      "\(name).feedForwardNorm.bias", Matrix(rows: 1, columns: width))
    residualDropout = Dropout(width: width, rate: dropout)
    hiddenDropout = Dropout(width: hiddenWidth, rate: dropout)
  }

  /// Every trainable parameter, in a fixed order.
  public var parameters: [Parameter] {
    [query, key, value, projection, expand, contract].flatMap(\.parameters) + [
      attentionNormGain, attentionNormBias, feedForwardNormGain, feedForwardNormBias,
    ]
  }

  /// The block applied to a batch of sequences stacked row-wise.
  ///
  /// - Parameters:
  ///   - x: `[B·T, d]`, sequence $b$ in rows $bT \dots bT + T - 1$.
  ///   - sequenceLength: $T$.
  ///   - mode: `.sample` draws dropout masks, `.mean` switches dropout off.
  ///   - rng: the generator for the masks.
  public func forward(
    _ x: Variable, sequenceLength: Int, mode: WeightMode, using rng: inout Generator
  ) -> Variable {
    let tape = x.tape
    let attended = causalSelfAttention(
      queries: query.forward(x, mode: mode, using: &rng),
      keys: key.forward(x, mode: mode, using: &rng),
      values: value.forward(x, mode: mode, using: &rng),
      sequenceLength: sequenceLength, heads: heads)
    let attentionOut = residualDropout.forward(
      projection.forward(attended, mode: mode, using: &rng), mode: mode, using: &rng)
    let h =
      (x + attentionOut).layerNormalisedRows() * tape.parameter(attentionNormGain)
      + tape.parameter(attentionNormBias)
    let hidden = hiddenDropout.forward(
      gelu(expand.forward(h, mode: mode, using: &rng)), mode: mode, using: &rng)
    let feedForwardOut = residualDropout.forward(
      contract.forward(hidden, mode: mode, using: &rng), mode: mode, using: &rng)
    return (h + feedForwardOut).layerNormalisedRows() * tape.parameter(feedForwardNormGain)
      + tape.parameter(feedForwardNormBias)
  }
}
