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
    var m = Matrix(rows: rows, columns: width, repeating: 1)
    multiplyByMask(&m.storage, using: &rng)
    return m
  }

  /// Multiplies `values` in place by a fresh mask of $0$ and $1/(1-p)$ entries.
  ///
  /// Each entry is kept when a 32-bit draw is at least $\lfloor p\,2^{32}\rceil$, so
  /// one 64-bit draw serves two entries and the keep probability is $1 - p$ to within
  /// $2^{-33}$.
  ///
  /// - Parameters:
  ///   - values: the activations, overwritten.
  ///   - rng: the generator.
  func multiplyByMask(_ values: inout [Double], using rng: inout Generator) {
    let keep = 1 / (1 - rate)
    let threshold = Int64(min((rate * 0x1p32).rounded(), Double(UInt32.max)))
    let (keeps, thresholds) = (SIMD2<Double>(repeating: keep), SIMD2<Int64>(repeating: threshold))
    // Two entries per 64-bit draw, chosen with a vector blend: a scalar comparison
    // compiles to a branch, and at p = 0.5 that branch is mispredicted half the time.
    @inline(__always) func factors(_ bits: UInt64) -> SIMD2<Double> {
      let draws = SIMD2<Int64>(Int64(bits & 0xFFFF_FFFF), Int64(bits >> 32))
      return keeps.replacing(with: 0, where: draws .< thresholds)
    }
    values.withUnsafeMutableBufferPointer { v in
      var k = 0
      while k + 1 < v.count {
        let f = factors(rng.next())
        v[k] *= f[0]
        v[k + 1] *= f[1]
        k += 2
      }
      if k < v.count { v[k] *= factors(rng.next())[0] }
    }
  }

  /// $x \odot m$ with a fresh mask (`.sample`), or $x$ (`.mean`).
  ///
  /// - Parameters:
  ///   - x: `[batch, width]`.
  ///   - mode: drop or not.
  ///   - rng: the generator for the mask.
  public func forward(_ x: Variable, mode: WeightMode, using rng: inout Generator) -> Variable {
    guard mode == .sample, rate > 0 else { return x }
    // x ⊙ m as one node, the mask kept as its slope (not a constant node of its own).
    let m = mask(rows: x.rows, using: &rng)
    return x.recordElementwise(x.value * m, slope: m)
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
    var masked = x
    apply(inPlace: &masked, using: &rng)
    return masked
  }

  /// $x \leftarrow x \odot m$ with a fresh mask, without copying $x$.
  ///
  /// - Parameters:
  ///   - x: `[batch, width]`, masked in place.
  ///   - rng: the generator for the mask.
  public func apply(inPlace x: inout Matrix, using rng: inout Generator) {
    if rate > 0 { multiplyByMask(&x.storage, using: &rng) }
  }
}
