import Foundation

/// The split of predictive uncertainty into its aleatoric part (noise the model expects
/// even with known weights) and its epistemic part (disagreement between plausible
/// weights), from $S$ sampled predictions.
public struct UncertaintyDecomposition: Sendable {
  /// The total uncertainty per input: $H\big[\tfrac1S\sum_s p_s\big]$ for classification,
  /// $\operatorname{Var}[y]$ for regression.
  public let total: [Double]
  /// The aleatoric part: $\tfrac1S\sum_s H[p_s]$, or $\tfrac1S\sum_s\sigma_s^2$.
  public let aleatoric: [Double]
  /// The epistemic part: the mutual information $I[y; w] = \text{total} - \text{aleatoric}$,
  /// or $\operatorname{Var}_s[\mu_s]$.
  public let epistemic: [Double]

  /// The classification split $H[\mathbb E_s p_s] = \mathbb E_s H[p_s] + I[y; w]$: the entropy of the
  /// mean prediction (total) is the mean entropy (aleatoric) plus the mutual information
  /// between the label and the weights (epistemic), all in nats.
  ///
  /// $I \ge 0$ by the concavity of entropy (Jensen), and $I \le H[\mathbb E_s p_s] \le \log C$.
  /// Note 000 calls the entropy of the mean "aleatoric" (it is the total) and adds a
  /// variance of probabilities to an entropy (different units); this is the consistent
  /// split.
  ///
  /// - Parameter probabilities: $S \ge 1$ sampled predictions, each `[n, classes]` with rows
  ///   summing to 1.
  public init(classProbabilities probabilities: [Matrix]) {
    precondition(!probabilities.isEmpty, "UncertaintyDecomposition: no samples")
    let shape = probabilities[0].shape
    precondition(
      probabilities.allSatisfy { $0.shape == shape },
      "UncertaintyDecomposition: samples differ in shape")
    let mean = probabilities.dropFirst().reduce(probabilities[0], +) / Double(probabilities.count)
    total = ClassificationMetrics.entropy(mean)
    let entropies = probabilities.map(ClassificationMetrics.entropy)
    aleatoric = (0..<shape.rows).map { i in
      entropies.reduce(0) { $0 + $1[i] } / Double(probabilities.count)
    }
    // Clamp round-off: I ≥ 0 exactly in exact arithmetic.
    epistemic = zip(total, aleatoric).map { Swift.max($0 - $1, 0) }
  }

  /// The regression split by the law of total variance,
  /// $\operatorname{Var}[y] = \mathbb E_s[\sigma_s^2] + \operatorname{Var}_s[\mu_s]$, for a mixture of $S$
  /// Gaussians $\mathcal N(\mu_s, \sigma_s^2)$ with equal weights (the variance over samples
  /// with divisor $S$, the mixture's own).
  ///
  /// - Parameters:
  ///   - means: $S$ predicted means, each `[n, 1]`.
  ///   - variances: $S$ predicted noise variances, each `[n, 1]`.
  public init(means: [Matrix], variances: [Matrix]) {
    precondition(
      !means.isEmpty && means.count == variances.count,
      "UncertaintyDecomposition: \(means.count) means, \(variances.count) variances")
    let s = Double(means.count)
    let meanOfMeans = means.dropFirst().reduce(means[0], +) / s
    let spread = means.map { ($0 - meanOfMeans) * ($0 - meanOfMeans) }
    let epistemicMatrix = spread.dropFirst().reduce(spread[0], +) / s
    let aleatoricMatrix = variances.dropFirst().reduce(variances[0], +) / s
    epistemic = epistemicMatrix.storage
    aleatoric = aleatoricMatrix.storage
    total = zip(epistemic, aleatoric).map(+)
  }
}
