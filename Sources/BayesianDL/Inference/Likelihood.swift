import Foundation

/// The observation model $p(y \mid f(x; w))$ that turns network outputs into a
/// log-likelihood.
public enum Likelihood: Sendable {
  /// Classification: the outputs are logits and $p(y = k) = \operatorname{softmax}(f)_k$.
  case categorical
  /// Regression with a known noise level: $y \sim \mathcal N(f(x), \sigma^2)$.
  case gaussian(noiseStandardDeviation: Double)

  /// The mean negative log-likelihood per example, $-\frac1B\sum_i \log p(y_i \mid f_i)$.
  ///
  /// - Parameters:
  ///   - outputs: network outputs `[batch, outputs]`.
  ///   - targets: the batch's targets (labels for `.categorical`, values for `.gaussian`).
  public func negativeLogLikelihood(_ outputs: Variable, _ targets: Targets) -> Variable {
    switch self {
    case .categorical:
      return softmaxCrossEntropy(logits: outputs, labels: targets.labels)
    case .gaussian(let sigma):
      let logVariance = outputs.tape.constant(.scalar(2 * log(sigma)))
      return gaussianNegativeLogLikelihood(
        mean: outputs, logVariance: logVariance, targets: targets.values)
    }
  }
}
