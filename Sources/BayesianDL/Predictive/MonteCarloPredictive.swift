import Dispatch

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
    inTwoHalves(of: model, samples: samples, using: &rng) { network, generator in
      network.predict(inputs, mode: .sample, using: &generator)
    }
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
    inTwoHalves(of: model, samples: samples, using: &rng) { network, generator in
      network.predict(inputs, mode: .sample, using: &generator).softmaxRows()
    }
  }

  /// The $S$ sampled class-probability matrices themselves, $\operatorname{softmax} f(x; w_s)$,
  /// for what needs every draw rather than a running summary (e.g. an
  /// ``UncertaintyDecomposition``).
  ///
  /// - Parameters:
  ///   - model: a classifier with stochastic layers that outputs logits.
  ///   - inputs: `[batch, inputs]`.
  ///   - samples: $S \ge 1$.
  ///   - rng: the generator for the draws.
  /// - Returns: $S$ matrices, each `[batch, classes]`.
  public static func probabilitySamples(
    of model: MLP, at inputs: Matrix, samples: Int, using rng: inout Generator
  ) -> [Matrix] {
    precondition(samples >= 1, "MonteCarloPredictive: needs at least one sample")
    return (0..<samples).map { _ in
      model.predict(inputs, mode: .sample, using: &rng).softmaxRows()
    }
  }

  /// The summary of the union of two sets of independent draws (the pairwise update of
  /// Chan, Golub & LeVeque, 1979):
  /// $\bar x = (n_a\bar x_a + n_b\bar x_b)/n$ and
  /// $M_2 = M_{2,a} + M_{2,b} + (\bar x_b - \bar x_a)^2\,n_a n_b/n$, with $M_2 = (n-1)s^2$.
  ///
  /// - Parameters:
  ///   - a: a summary.
  ///   - b: a summary of other draws, of the same shape.
  public static func merged(_ a: MonteCarloPredictive, _ b: MonteCarloPredictive)
    -> MonteCarloPredictive
  {
    precondition(a.mean.shape == b.mean.shape, "MonteCarloPredictive.merged: shapes differ")
    let (na, nb) = (Double(a.samples), Double(b.samples))
    let n = na + nb
    let delta = b.mean - a.mean
    let mean = a.mean + delta * (nb / n)
    let m2 = a.variance * (na - 1) + b.variance * (nb - 1) + delta * delta * (na * nb / n)
    return MonteCarloPredictive(mean: mean, variance: m2 / (n - 1), samples: a.samples + b.samples)
  }

  private init(mean: Matrix, variance: Matrix, samples: Int) {
    self.mean = mean
    self.variance = variance
    self.samples = samples
  }

  /// Runs half of the $S$ draws on each of two cores and merges the halves.
  ///
  /// Each half has its own generator, forked from `rng` before the work starts, and the
  /// halves are merged in a fixed order, so the result depends on the seed alone, not on
  /// the scheduling or the machine. Both halves only read the network: its cached
  /// $\sigma$ values are brought up to date first.
  static func inTwoHalves(
    of model: MLP, samples: Int, using rng: inout Generator,
    _ draw: @escaping (MLP, inout Generator) -> Matrix
  ) -> MonteCarloPredictive {
    precondition(samples >= 1, "MonteCarloPredictive: needs at least one sample")
    if samples == 1 { return MonteCarloPredictive(samples: 1) { draw(model, &rng) } }
    model.prepareForConcurrentPrediction()
    let counts = [samples / 2, samples - samples / 2]
    let generators = [rng.fork(), rng.fork()]
    let results = UnsafeMutableBufferPointer<MonteCarloPredictive?>.allocate(capacity: 2)
    results.initialize(repeating: nil)
    defer { results.deallocate() }
    // The network is shared read-only, and each worker writes only its own slot.
    nonisolated(unsafe) let (network, work, slots) = (model, draw, results)
    DispatchQueue.concurrentPerform(iterations: 2) { k in
      var generator = generators[k]
      slots[k] = MonteCarloPredictive(samples: counts[k]) { work(network, &generator) }
    }
    return merged(results[0]!, results[1]!)
  }
}
