import Foundation

extension Errata {
  /// Note 000's `kl_divergence_gaussian_to_prior`, which writes
  /// $\tfrac12\sum[\log\sigma^2 - \log\sigma_p^2 + (\sigma^2 + \mu^2)/\sigma_p^2 - 1]$:
  /// the two log terms carry the wrong signs.
  ///
  /// It differs from the true KL by $\sum(\log\sigma^2 - \log\sigma_p^2)$, so it goes
  /// negative when $\sigma < \sigma_p$ (a KL never can), and minimising it rewards
  /// $\sigma \to 0$ without bound, collapsing the posterior onto a point.
  ///
  /// - Parameters:
  ///   - mean: $\mu$.
  ///   - logVariance: $\log\sigma^2$.
  ///   - priorStandardDeviation: $\sigma_p$.
  public static func note000KLToPrior(
    mean: [Double], logVariance: [Double], priorStandardDeviation: Double
  ) -> Double {
    let priorVariance = priorStandardDeviation * priorStandardDeviation
    var total = 0.0
    for k in mean.indices {
      total +=
        logVariance[k] - log(priorVariance) + (exp(logVariance[k]) + mean[k] * mean[k])
        / priorVariance - 1
    }
    return 0.5 * total
  }
}

extension Errata {
  /// Note 000's `compute_log_prob`, which calls the model with the prompt as input and
  /// the whole generated output as labels and returns `loss.item()`: the *mean*
  /// next-token cross-entropy over the prompt and the completion together,
  /// $-\frac1{L}\sum_{t} \log p(z_t \mid z_{<t})$ over all $L$ predicted tokens $z$ of
  /// prompt + completion.
  ///
  /// It is not a log-probability: it is positive (a loss), so the note's
  /// `mean_log_prob` grows as samples become *less* likely; it divides by the length, so
  /// a long completion and a short one with the same per-token loss score alike although
  /// the long one is far less probable; and it mixes in the prompt's tokens, which are
  /// the same for every sample. (With a real tokenizer the labels would not even line up
  /// with the inputs, which hold the prompt only.) Use
  /// ``CharacterTransformer/logProbability(of:after:mode:using:)``.
  ///
  /// - Parameters:
  ///   - completion: the generated tokens.
  ///   - prompt: the prompt, starting with the boundary token.
  ///   - model: the language model.
  public static func note000SequenceScore(
    of completion: [Int], after prompt: [Int], model: CharacterTransformer
  ) -> Double {
    var rng = Generator(seed: 0)  // a `.mean` pass draws nothing
    let whole = prompt + completion
    let logProbability = model.logProbability(
      of: Array(whole.dropFirst()), after: [whole[0]], mode: .mean, using: &rng)
    return -logProbability / Double(whole.count - 1)
  }

  /// Note 000's `disagreement = 1 - n_unique / n_samples`: it is $1 - 1/N$ when all $N$
  /// samples agree and 0 when they all differ — an *agreement* score under the name of
  /// disagreement. The disagreement it means is ``GenerationAgreement/distinctFraction``
  /// (or $1 -$ ``GenerationAgreement/modalShare``).
  ///
  /// - Parameter completions: the sampled completions.
  public static func note000Disagreement(of completions: [String]) -> Double {
    1 - Double(Set(completions).count) / Double(completions.count)
  }
}
