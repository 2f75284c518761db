import Foundation

/// A mean-field Gaussian layer: every weight and bias has its own independent
/// $q(w_k) = \mathcal N(\mu_k, \sigma_k^2)$, and the prior is $\mathcal N(0, \sigma_p^2)$.
///
/// A `.sample` forward pass draws $W = \mu + \sigma \odot \varepsilon$,
/// $\varepsilon \sim \mathcal N(0, I)$ — the reparameterisation that lets gradients reach
/// $\mu$ and $\sigma$; a `.mean` pass uses $W = \mu$.
public final class BayesianDense: BayesianLayer {
  /// The weight means $\mu_W$, `[inputs, outputs]`.
  public let weightMean: Parameter
  /// The raw weight scales ($\log\sigma^2$ or $\rho$), `[inputs, outputs]`.
  public let weightScale: Parameter
  /// The bias means $\mu_b$, `[1, outputs]`.
  public let biasMean: Parameter
  /// The raw bias scales, `[1, outputs]`.
  public let biasScale: Parameter
  /// How ``weightScale`` and ``biasScale`` encode $\sigma$.
  public let parameterisation: ScaleParameterisation
  /// The prior standard deviation $\sigma_p$ of every weight and bias.
  public let priorStandardDeviation: Double
  /// How a `.sample` forward pass on a tape injects the weight noise (default: one shared
  /// weight sample, as note 000). Prediction (``frozen(mode:using:)``) always draws whole
  /// networks.
  public var estimator: GradientEstimator = .sharedWeights
  /// A scale-mixture prior that replaces $\mathcal N(0, \sigma_p^2)$ when set; its KL is
  /// estimated by Monte Carlo.
  public let scaleMixturePrior: ScaleMixturePrior?
  /// $\sigma$ and friends of the last seen values of ``weightScale`` and ``biasScale``.
  private var weightScaleValues: ScaleValues?
  private var biasScaleValues: ScaleValues?

  /// Creates a layer with means drawn from $\mathcal N(0, \text{gain}^2/\text{inputs})$,
  /// zero bias means, and every $\sigma$ equal to `initialStandardDeviation`.
  ///
  /// - Parameters:
  ///   - inputs: the input width.
  ///   - outputs: the output width.
  ///   - priorStandardDeviation: $\sigma_p$ of the $\mathcal N(0, \sigma_p^2)$ prior.
  ///   - scaleMixturePrior: a scale-mixture prior to use instead (KL by Monte Carlo).
  ///   - parameterisation: how $\sigma$ is stored.
  ///   - initialStandardDeviation: the starting $\sigma$ (note 000 starts at
  ///     $e^{-3} \approx 0.05$, i.e. $\log\sigma^2 = -6$).
  ///   - gain: the scale factor of the initial means (default √2, for ReLU).
  ///   - name: a prefix for the parameter names.
  ///   - rng: the generator for the initial means.
  public init(
    inputs: Int, outputs: Int, priorStandardDeviation: Double = 1,
    scaleMixturePrior: ScaleMixturePrior? = nil,
    parameterisation: ScaleParameterisation = .logVariance,
    initialStandardDeviation: Double = exp(-3), gain: Double = 2.0.squareRoot(),
    name: String = "bayesian", using rng: inout Generator
  ) {
    precondition(
      priorStandardDeviation > 0, "BayesianDense: prior standard deviation must be positive")
    let raw = parameterisation.raw(forStandardDeviation: initialStandardDeviation)
    weightMean = Parameter(
      "\(name).weightMean",
      rng.normalMatrix(
        rows: inputs, columns: outputs, standardDeviation: gain / Double(inputs).squareRoot()))
    weightScale = Parameter(
      "\(name).weightScale", Matrix(rows: inputs, columns: outputs, repeating: raw))
    biasMean = Parameter("\(name).biasMean", Matrix(rows: 1, columns: outputs))
    biasScale = Parameter("\(name).biasScale", Matrix(rows: 1, columns: outputs, repeating: raw))
    self.parameterisation = parameterisation
    self.priorStandardDeviation = priorStandardDeviation
    self.scaleMixturePrior = scaleMixturePrior
  }

  /// The input width.
  public var inputs: Int { weightMean.value.rows }
  /// The output width.
  public var outputs: Int { weightMean.value.columns }
  /// `[weightMean, weightScale, biasMean, biasScale]`.
  public var parameters: [Parameter] { [weightMean, weightScale, biasMean, biasScale] }

  /// The current weight standard deviations $\sigma_W$, `[inputs, outputs]`.
  public var weightStandardDeviations: Matrix { currentWeightScale().standardDeviation }

  /// The current bias standard deviations $\sigma_b$, `[1, outputs]`.
  public var biasStandardDeviations: Matrix { currentBiasScale().standardDeviation }

  /// The ``ScaleValues`` of ``weightScale`` as it is now, recomputed only when the raw
  /// values changed since the last call.
  private func currentWeightScale() -> ScaleValues {
    if let cached = weightScaleValues, cached.raw == weightScale.value { return cached }
    let fresh = parameterisation.values(raw: weightScale.value)
    weightScaleValues = fresh
    return fresh
  }

  /// The ``ScaleValues`` of ``biasScale`` as it is now (cached like the weights').
  private func currentBiasScale() -> ScaleValues {
    if let cached = biasScaleValues, cached.raw == biasScale.value { return cached }
    let fresh = parameterisation.values(raw: biasScale.value)
    biasScaleValues = fresh
    return fresh
  }

  /// $xW + b$ with $W, b$ drawn (`.sample`) or at their means (`.mean`).
  ///
  /// - Parameters:
  ///   - x: `[batch, inputs]`.
  ///   - mode: draw the weights or use their means.
  ///   - rng: the generator for $\varepsilon$.
  public func forward(_ x: Variable, mode: WeightMode, using rng: inout Generator) -> Variable {
    let tape = x.tape
    switch mode {
    case .mean:
      return x.affine(tape.parameter(weightMean), tape.parameter(biasMean))
    case .sample:
      return sampledForward(x, using: &rng)
    }
  }

  /// The `.sample` forward pass by the layer's ``estimator``.
  private func sampledForward(_ x: Variable, using rng: inout Generator) -> Variable {
    let tape = x.tape
    let (weights, biases) = (currentWeightScale(), currentBiasScale())
    let (mu, raw) = (tape.parameter(weightMean), tape.parameter(weightScale))
    let (biasMu, biasRaw) = (tape.parameter(biasMean), tape.parameter(biasScale))
    switch estimator {
    case .sharedWeights:
      let w = weights.draw(
        mean: mu, scale: raw, noise: rng.normalMatrix(rows: inputs, columns: outputs))
      let b = biases.draw(
        mean: biasMu, scale: biasRaw, noise: rng.normalMatrix(rows: 1, columns: outputs))
      return x.affine(w, b)
    case .weightsPerExample:
      let rowsOut = (0..<x.rows).map { i -> Variable in
        let w = weights.draw(
          mean: mu, scale: raw, noise: rng.normalMatrix(rows: inputs, columns: outputs))
        let b = biases.draw(
          mean: biasMu, scale: biasRaw, noise: rng.normalMatrix(rows: 1, columns: outputs))
        return x.rows(i..<(i + 1)).affine(w, b)
      }
      return Variable.vstack(rowsOut)
    case .localReparameterisation:
      // b = xμ + μ_b + √(x²σ² + σ_b²) ⊙ ζ, one ζ per example and unit.
      let mean = x.affine(mu, biasMu)
      let variance =
        square(x).affine(weights.variance(scale: raw), biases.variance(scale: biasRaw))
      return mean + sqrt(variance) * rng.normalMatrix(rows: x.rows, columns: outputs)
    case .flipout:
      // One shared ΔW = σ ⊙ ε (and Δb), decorrelated per example by ±1 signs on the input
      // and the output.
      let delta = weights.perturbation(
        scale: raw, noise: rng.normalMatrix(rows: inputs, columns: outputs))
      let inputSigns = Matrix(rows: x.rows, columns: inputs) { _, _ in rng.bernoulli(0.5) ? 1 : -1 }
      let outputSigns = Matrix(rows: x.rows, columns: outputs) { _, _ in rng.bernoulli(0.5) ? 1 : -1
      }
      let biasDelta = biases.perturbation(
        scale: biasRaw, noise: rng.normalMatrix(rows: 1, columns: outputs))
      return x.affine(mu, biasMu) + (x * inputSigns).affine(delta, biasDelta) * outputSigns
    }
  }

  /// A ``Dense`` layer with weights drawn from $q$ (`.sample`) or at their means (`.mean`).
  ///
  /// - Parameters:
  ///   - mode: draw the weights or use their means.
  ///   - rng: the generator for the draw.
  public func frozen(mode: WeightMode, using rng: inout Generator) -> any Layer {
    switch mode {
    case .mean:
      return Dense(weight: weightMean.value, bias: biasMean.value)
    case .sample:
      let weightNoise = rng.normalMatrix(rows: inputs, columns: outputs)
      let biasNoise = rng.normalMatrix(rows: 1, columns: outputs)
      return Dense(
        weight: weightMean.value + currentWeightScale().standardDeviation * weightNoise,
        bias: biasMean.value + currentBiasScale().standardDeviation * biasNoise)
    }
  }

  /// The mean network's output $x\mu_W + \mu_b$ (call ``frozen(mode:using:)`` first to
  /// apply a drawn network).
  ///
  /// - Parameters:
  ///   - x: `[batch, inputs]`.
  ///   - rng: not used (the weights are the means).
  public func apply(_ x: Matrix, using rng: inout Generator) -> Matrix {
    Dense(weight: weightMean.value, bias: biasMean.value).apply(x, using: &rng)
  }

  /// $\mathrm{KL}(q\,\|\,\mathcal N(0, \sigma_p^2 I))$ over all weights and biases, closed
  /// form (``KLDivergence/toZeroMeanPrior(mean:logVariance:priorStandardDeviation:)-(Variable,Variable,Double)``).
  ///
  /// - Parameter tape: the tape to record on.
  public func klDivergence(on tape: Tape) -> Variable {
    precondition(
      scaleMixturePrior == nil,
      "BayesianDense: the KL to a scale-mixture prior is estimated by sampling; call klDivergence(on:using:)"
    )
    let weights = currentWeightScale().klToZeroMeanPrior(
      mean: tape.parameter(weightMean), scale: tape.parameter(weightScale),
      priorStandardDeviation: priorStandardDeviation)
    let biases = currentBiasScale().klToZeroMeanPrior(
      mean: tape.parameter(biasMean), scale: tape.parameter(biasScale),
      priorStandardDeviation: priorStandardDeviation)
    return weights + biases
  }

  /// The closed-form KL for the Gaussian prior; for the scale-mixture prior, a
  /// one-sample Monte Carlo estimate with fresh noise (see
  /// ``ScaleValues/klToScaleMixturePrior(mean:scale:prior:noise:)``).
  ///
  /// - Parameters:
  ///   - tape: the tape to record on.
  ///   - rng: the generator for the Monte Carlo noise.
  public func klDivergence(on tape: Tape, using rng: inout Generator) -> Variable {
    guard let mixture = scaleMixturePrior else { return klDivergence(on: tape) }
    let weightNoise = rng.normalMatrix(rows: inputs, columns: outputs)
    let biasNoise = rng.normalMatrix(rows: 1, columns: outputs)
    let weights = currentWeightScale().klToScaleMixturePrior(
      mean: tape.parameter(weightMean), scale: tape.parameter(weightScale), prior: mixture,
      noise: weightNoise)
    let biases = currentBiasScale().klToScaleMixturePrior(
      mean: tape.parameter(biasMean), scale: tape.parameter(biasScale), prior: mixture,
      noise: biasNoise)
    return weights + biases
  }

  /// Sets $q$ equal to the prior: every mean 0, every $\sigma = \sigma_p$. A `.sample`
  /// forward pass then draws networks from the prior (the prior predictive).
  public func setToPrior() {
    let raw = parameterisation.raw(forStandardDeviation: priorStandardDeviation)
    for p in [weightMean, biasMean] { p.value = p.value.map { _ in 0 } }
    for p in [weightScale, biasScale] { p.value = p.value.map { _ in raw } }
  }
}
