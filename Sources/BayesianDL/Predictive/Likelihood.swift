import Foundation

/// The observation model $p(y \mid f(x; w))$ that turns network outputs into a
/// log-likelihood.
public enum Likelihood: Sendable {
  /// Classification: the outputs are logits and $p(y = k) = \operatorname{softmax}(f)_k$.
  case categorical
  /// Regression with a known noise level: $y \sim \mathcal N(f(x), \sigma^2)$.
  case gaussian(noiseStandardDeviation: Double)
  /// Regression whose noise the network predicts (a heteroscedastic, "mean and variance"
  /// head): the outputs are `[μ, s]` with $y \sim \mathcal N(\mu, e^{s})$, so $s = \log\sigma^2(x)$.
  case heteroscedastic

  /// The mean negative log-likelihood per example, $-\frac1B\sum_i \log p(y_i \mid f_i)$.
  ///
  /// - Parameters:
  ///   - outputs: network outputs `[batch, outputs]`.
  ///   - targets: the batch's targets (labels for `.categorical`, values otherwise).
  public func negativeLogLikelihood(_ outputs: Variable, _ targets: Targets) -> Variable {
    switch self {
    case .categorical:
      return softmaxCrossEntropy(logits: outputs, labels: targets.labels)
    case .gaussian(let sigma):
      let logVariance = outputs.tape.constant(.scalar(2 * log(sigma)))
      return gaussianNegativeLogLikelihood(
        mean: outputs, logVariance: logVariance, targets: targets.values)
    case .heteroscedastic:
      precondition(
        outputs.columns == 2,
        "Likelihood.heteroscedastic: the network must output [mean, log-variance]")
      return gaussianNegativeLogLikelihood(
        mean: outputs.columns(0..<1), logVariance: outputs.columns(1..<2), targets: targets.values)
    }
  }

  /// The Monte Carlo estimate of the expected negative log-likelihood over weight draws,
  /// $\frac1S\sum_{s=1}^S -\frac1B\sum_i \log p(y_i \mid f_i^{(s)})$.
  ///
  /// - Parameters:
  ///   - samples: $S \ge 1$.
  ///   - targets: the batch's targets.
  ///   - draw: runs the network once with freshly drawn weights, giving its outputs.
  public func expectedNegativeLogLikelihood(
    samples: Int, _ targets: Targets, draw: () -> Variable
  ) -> Variable {
    precondition(samples >= 1, "expectedNegativeLogLikelihood: samples must be at least 1")
    var total = negativeLogLikelihood(draw(), targets)
    for _ in 1..<samples { total = total + negativeLogLikelihood(draw(), targets) }
    return total / Double(samples)
  }
}
