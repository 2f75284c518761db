/// Point estimation of a network's weights: maximum a posteriori under an isotropic
/// Gaussian prior $\mathcal N(0, \sigma_p^2 I)$ (maximum likelihood when there is none).
///
/// The objective per datum is
/// $-\frac1N\log p(w \mid D) + \text{const} = -\frac1N\sum_n \log p(y_n \mid x_n, w) + \frac{\lVert w\rVert^2}{2\sigma_p^2 N}$,
/// estimated on a minibatch by its mean negative log-likelihood plus the prior term:
/// weight decay with coefficient $1/(\sigma_p^2 N)$.
public struct MAPEstimation: MinibatchObjective {
  /// The network (deterministic layers).
  public let model: MLP
  /// The observation model.
  public let likelihood: Likelihood
  /// $\sigma_p$ of the Gaussian prior on every weight, or nil for maximum likelihood.
  public let priorStandardDeviation: Double?

  /// Creates a trainer.
  ///
  /// - Parameters:
  ///   - model: the network.
  ///   - likelihood: the observation model.
  ///   - priorStandardDeviation: $\sigma_p$, or nil for no prior.
  public init(model: MLP, likelihood: Likelihood, priorStandardDeviation: Double?) {
    if let s = priorStandardDeviation {
      precondition(s > 0, "MAPEstimation: prior standard deviation must be positive")
    }
    self.model = model
    self.likelihood = likelihood
    self.priorStandardDeviation = priorStandardDeviation
  }

  /// The negative log posterior per datum on one minibatch (up to a constant); its
  /// regulariser part is $\lVert w\rVert^2/(2\sigma_p^2 N)$.
  ///
  /// - Parameters:
  ///   - batch: the minibatch.
  ///   - datasetSize: $N$.
  ///   - rng: the generator for dropout masks (dense layers draw nothing).
  public func loss(on batch: Dataset, datasetSize: Int, using rng: inout Generator) -> MinibatchLoss
  {
    let tape = Tape()
    // `.sample` so that dropout layers drop while training; dense layers ignore the mode.
    let outputs = model.forward(tape.constant(batch.inputs), mode: .sample, using: &rng)
    let nll = likelihood.negativeLogLikelihood(outputs, batch.targets)
    guard let sigma = priorStandardDeviation else {
      return MinibatchLoss(total: nll, negativeLogLikelihood: nll.value.scalarValue, regulariser: 0)
    }
    let squaredNorm = sumOfSquares(model.parameters.map(tape.parameter))
    let prior = squaredNorm * (0.5 / (sigma * sigma * Double(datasetSize)))
    return MinibatchLoss(
      total: nll + prior, negativeLogLikelihood: nll.value.scalarValue,
      regulariser: prior.value.scalarValue)
  }

  /// The tape's gradient step, computed without a tape where the network is made of
  /// ``Dense`` and ``Dropout`` layers and products run on the course's kernel: the same
  /// values, gradients and dropout draws, bit for bit, without the tape's bookkeeping
  /// (`make bench` times the two on chapter 11's network).
  ///
  /// - Parameter datasetSize: $N$, the size of the full training set.
  public func gradientStep(datasetSize: Int) -> MinibatchGradientStep {
    guard let evaluator = DenseNetworkGradient(self, datasetSize: datasetSize) else {
      return tapeGradientStep(datasetSize: datasetSize)
    }
    return { batch, rng, step in try evaluator.evaluate(batch, using: &rng, step: step) }
  }
}
