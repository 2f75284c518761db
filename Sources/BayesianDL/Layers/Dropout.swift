/// Inverted dropout: each input is kept with probability $1 - p$ and scaled by
/// $1/(1 - p)$, or set to zero, independently per example and unit — so that the
/// expected output equals the input.
///
/// In a `.sample` pass the masks are drawn (training, and MC dropout's stochastic
/// predictions); in a `.mean` pass the layer is the identity. Gal & Ghahramani (2016)
/// read a network trained this way as variational inference with a $q$ whose weights are
/// the trained ones with rows switched off at random; its predictive is the average of
/// $T$ masked passes. The dropout goes *before* a weight layer, on its inputs — not on
/// the output logits, where note 000 puts it (there it only adds noise to a
/// deterministic prediction).
public final class Dropout: Layer {
  /// The drop probability $p \in [0, 1)$.
  public let rate: Double
  /// The width of the input and output.
  public let width: Int

  /// Creates a dropout layer.
  ///
  /// - Parameters:
  ///   - width: the number of units it masks.
  ///   - rate: the drop probability $p \in [0, 1)$.
  public init(width: Int, rate: Double) {
    precondition(rate >= 0 && rate < 1, "Dropout: rate must be in [0, 1), got \(rate)")
    self.width = width
    self.rate = rate
  }

  /// The input width.
  public var inputs: Int { width }
  /// The output width.
  public var outputs: Int { width }
  /// None: dropout has nothing to train.
  public var parameters: [Parameter] { [] }
  /// Dropout only masks, so an ``MLP`` puts no activation after it.
  public var hasWeights: Bool { false }

  /// A mask of $0$ and $1/(1-p)$ entries, one per example and unit.
  ///
  /// - Parameters:
  ///   - rows: the batch size.
  ///   - rng: the generator.
  public func mask(rows: Int, using rng: inout Generator) -> Matrix {
    let keep = 1 / (1 - rate)
    var m = Matrix(rows: rows, columns: width)
    for k in 0..<m.count where rng.uniform() >= rate { m.storage[k] = keep }
    return m
  }

  /// $x \odot m$ with a fresh mask (`.sample`), or $x$ (`.mean`).
  ///
  /// - Parameters:
  ///   - x: `[batch, width]`.
  ///   - mode: drop or not.
  ///   - rng: the generator for the mask.
  public func forward(_ x: Variable, mode: WeightMode, using rng: inout Generator) -> Variable {
    guard mode == .sample, rate > 0 else { return x }
    return x * mask(rows: x.rows, using: &rng)
  }

  /// Itself for `.sample` (masks are drawn per example when applied); a pass-through
  /// layer for `.mean`.
  ///
  /// - Parameters:
  ///   - mode: drop or not.
  ///   - rng: not used.
  public func frozen(mode: WeightMode, using rng: inout Generator) -> any Layer {
    mode == .sample ? self : Dropout(width: width, rate: 0)
  }

  /// $x \odot m$ with a fresh mask (the identity when the rate is 0).
  ///
  /// - Parameters:
  ///   - x: `[batch, width]`.
  ///   - rng: the generator for the mask.
  public func apply(_ x: Matrix, using rng: inout Generator) -> Matrix {
    rate > 0 ? x * mask(rows: x.rows, using: &rng) : x
  }
}
