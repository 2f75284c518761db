/// The Monte Carlo predictive of a stochastic network: run it with $S$ weight draws and
/// summarise the outputs.
///
/// For regression, the mean and variance of $f(x; w_s)$ over the draws estimate
/// $\mathbb E_q[f(x; w)]$ and the epistemic variance $\operatorname{Var}_q[f(x; w)]$; add
/// the noise variance $\sigma^2$ for the predictive variance of $y$. For classification
/// the mean of $\operatorname{softmax} f(x; w_s)$ estimates $p(y \mid x, D)$.
public struct MonteCarloPredictive: Sendable {
  /// The sample mean over draws, `[batch, outputs]`.
  public let mean: Matrix
  /// The sample variance over draws (divisor $S - 1$; zero when $S = 1$), `[batch, outputs]`.
  public let variance: Matrix
  /// The number of draws $S$.
  public let samples: Int

  /// The sample standard deviation, $\sqrt{\text{variance}}$.
  public var standardDeviation: Matrix { variance.map { $0.squareRoot() } }

  /// Summarises `samples` draws of `draw()` with Welford's streaming update, so no
  /// draw is stored.
  ///
  /// - Parameters:
  ///   - samples: $S \ge 1$.
  ///   - draw: returns one `[batch, outputs]` draw each time it is called.
  public init(samples: Int, draw: () -> Matrix) {
    precondition(samples >= 1, "MonteCarloPredictive: needs at least one sample")
    var mean = draw()
    var sumOfSquares = Matrix(rows: mean.rows, columns: mean.columns)
    for s in stride(from: 2, through: samples, by: 1) {
      let x = draw()
      let n = Double(s)
      mean.storage.withUnsafeMutableBufferPointer { m in
        sumOfSquares.storage.withUnsafeMutableBufferPointer { q in
          x.storage.withUnsafeBufferPointer { v in
            for k in 0..<m.count {
              let delta = v[k] - m[k]
              m[k] += delta / n
              q[k] += delta * (v[k] - m[k])
            }
          }
        }
      }
    }
    self.mean = mean
    self.variance = samples > 1 ? sumOfSquares / Double(samples - 1) : sumOfSquares
    self.samples = samples
  }

  /// The predictive of a network's raw outputs under $S$ weight draws.
  ///
  /// - Parameters:
  ///   - model: a network with stochastic layers.
  ///   - inputs: `[batch, inputs]`.
  ///   - samples: $S$.
  ///   - rng: the generator for the draws.
  public static func outputs(
    of model: MLP, at inputs: Matrix, samples: Int, using rng: inout Generator
  )
    -> MonteCarloPredictive
  {
    MonteCarloPredictive(samples: samples) { model.predict(inputs, mode: .sample, using: &rng) }
  }

  /// The predictive class probabilities: the mean over $S$ draws of the softmax of the
  /// logits (averaging probabilities, not logits).
  ///
  /// - Parameters:
  ///   - model: a classifier that outputs logits.
  ///   - inputs: `[batch, inputs]`.
  ///   - samples: $S$.
  ///   - rng: the generator for the draws.
  public static func probabilities(
    of model: MLP, at inputs: Matrix, samples: Int, using rng: inout Generator
  ) -> MonteCarloPredictive {
    MonteCarloPredictive(samples: samples) {
      model.predict(inputs, mode: .sample, using: &rng).softmaxRows()
    }
  }
}
