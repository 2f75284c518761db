import Foundation

/// The defects of note 001's `BayesianLastLayerLinear.elbo`, each of which can be switched
/// on alone (see ``Errata/Note001Objective``).
public struct Note001Defects: OptionSet, Sendable, Hashable {
  /// The raw bits.
  public let rawValue: Int

  /// Creates a set from its bits.
  ///
  /// - Parameter rawValue: the bits.
  public init(rawValue: Int) { self.rawValue = rawValue }

  /// It returns $-\text{cross-entropy} + \dots$ where the negative ELBO has
  /// $+\text{cross-entropy}$: a loop that minimises it *raises* the cross-entropy.
  public static let signFlipped = Note001Defects(rawValue: 1 << 0)
  /// It averages the logits over the weight draws before the likelihood,
  /// $-\log\operatorname{softmax}(\bar z)_y$ with $\bar z = \frac1S\sum_s z_s$, instead of averaging
  /// the log-likelihoods, $\frac1S\sum_s -\log\operatorname{softmax}(z_s)_y$.
  public static let logitsAveraged = Note001Defects(rawValue: 1 << 1)
  /// Its KL is ``Errata/note001KLToPrior(mean:logPrecision:priorPrecision:)``, not the KL.
  public static let wrongKL = Note001Defects(rawValue: 1 << 2)
  /// It divides the KL by the batch size $B$ while the cross-entropy is a mean over the
  /// batch; per datum the KL belongs over $N$, so the KL is weighted $N/B$ times too much.
  public static let klOverBatchSize = Note001Defects(rawValue: 1 << 3)

  /// Everything the note's `elbo` does.
  public static let all: Note001Defects = [
    .signFlipped, .logitsAveraged, .wrongKL, .klOverBatchSize,
  ]
}

extension Errata {
  /// Note 001's `UncertaintyDecomposition.estimate`: it computes the logits with the mean
  /// weights $\mu_W, \mu_b$ on every one of its `samples` iterations and splits the entropy
  /// of the "samples". All of them are the same prediction, so the mutual information —
  /// its epistemic term — is exactly 0 at every input, and its OOD detector, which
  /// thresholds that term, can never fire.
  ///
  /// - Parameters:
  ///   - layer: the variational last layer.
  ///   - features: $\phi(x)$, `[n, inputs]`.
  ///   - samples: the note's `num_samples`.
  public static func note001UnsampledDecomposition(
    layer: BayesianDense, features: Matrix, samples: Int
  ) -> UncertaintyDecomposition {
    var unused = Generator(seed: 0)  // the mean weights draw nothing
    let mean = layer.frozen(mode: .mean, using: &unused)
    return UncertaintyDecomposition(
      classProbabilities: (0..<samples).map { _ in
        mean.apply(features, using: &unused).softmaxRows()
      })
  }

  /// Note 001's `BayesianLastLayerLinear.elbo` as a training objective for a last layer on
  /// fixed features, with each of its defects (``Note001Defects``) switched on or off.
  ///
  /// With no defects it is the negative ELBO per datum,
  /// $\frac1B\sum_i\frac1S\sum_s -\log\operatorname{softmax}(h_iW_s + b_s)_{y_i} + \mathrm{KL}(q\,\|\,p)/N$;
  /// with all of them it is what the note's training loop minimises,
  /// $-\frac1B\sum_i -\log\operatorname{softmax}(\bar z_i)_{y_i} + \widetilde{\mathrm{KL}}/B$.
  /// The layer must store $\log\sigma^2$ (``ScaleParameterisation/logVariance``), the
  /// negative of the note's log-precision.
  public struct Note001Objective: MinibatchObjective {
    /// The last layer being trained.
    public let layer: BayesianDense
    /// Which of the note's defects are on.
    public let defects: Note001Defects
    /// Weight draws $S$ per step (the note's `num_samples`, 10).
    public let samples: Int

    /// Creates the objective.
    ///
    /// - Parameters:
    ///   - layer: a ``BayesianDense`` with the log-variance parameterisation.
    ///   - defects: the note's defects to reproduce.
    ///   - samples: $S \ge 1$.
    public init(layer: BayesianDense, defects: Note001Defects, samples: Int = 10) {
      precondition(
        layer.parameterisation == .logVariance,
        "Note001Objective: the layer must store log σ² (the note's −log τ)")
      precondition(samples >= 1, "Note001Objective: samples must be at least 1")
      self.layer = layer
      self.defects = defects
      self.samples = samples
    }

    /// The objective on one minibatch of features and labels, on a new tape; its
    /// "negative log-likelihood" part is the cross-entropy term as the objective uses it
    /// (so negative when the sign is flipped).
    ///
    /// - Parameters:
    ///   - batch: features `[B, inputs]` and class labels.
    ///   - datasetSize: $N$.
    ///   - rng: the generator for the weight draws.
    public func loss(on batch: Dataset, datasetSize: Int, using rng: inout Generator)
      -> MinibatchLoss
    {
      let tape = Tape()
      let h = tape.constant(batch.inputs)
      let labels = batch.targets.labels
      let logits = (0..<samples).map { _ in layer.forward(h, mode: .sample, using: &rng) }
      var fit: Variable
      if defects.contains(.logitsAveraged) {
        let mean = logits.dropFirst().reduce(logits[0], +) / Double(samples)
        fit = softmaxCrossEntropy(logits: mean, labels: labels)
      } else {
        fit =
          logits.dropFirst().reduce(softmaxCrossEntropy(logits: logits[0], labels: labels)) {
            $0 + softmaxCrossEntropy(logits: $1, labels: labels)
          } / Double(samples)
      }
      if defects.contains(.signFlipped) { fit = fit * -1 }
      let kl = defects.contains(.wrongKL) ? notesKL(on: tape) : layer.klDivergence(on: tape)
      let divisor = Double(defects.contains(.klOverBatchSize) ? batch.count : datasetSize)
      let regulariser = kl / divisor
      return MinibatchLoss(
        total: fit + regulariser, negativeLogLikelihood: fit.value.scalarValue,
        regulariser: regulariser.value.scalarValue)
    }

    /// ``Errata/note001KLToPrior(mean:logPrecision:priorPrecision:)`` over the weights and
    /// biases on `tape`: with $s = \log\sigma^2 = -\log\tau$, each term is
    /// $\tfrac12(1 + e^{-s}\mu^2 + s + \log\alpha)$.
    func notesKL(on tape: Tape) -> Variable {
      let logAlpha = -2 * log(layer.priorStandardDeviation)
      let terms = [(layer.weightMean, layer.weightScale), (layer.biasMean, layer.biasScale)].map {
        mean, scale -> Variable in
        let (mu, s) = (tape.parameter(mean), tape.parameter(scale))
        return ((exp(s * -1) * square(mu) + s + (1 + logAlpha)) * 0.5).sum()
      }
      return terms[0] + terms[1]
    }
  }
}

extension Errata {
  /// Note 001's `BayesianLastLayerLinear.kl_divergence`, summed over weights:
  /// $$\sum_k \tfrac12\tau_k(\tau_k^{-1} + \mu_k^2) - \tfrac12(\log\tau_k - \log\alpha) = \sum_k \tfrac12(1 + \tau_k\mu_k^2 - \log\tau_k + \log\alpha),$$
  /// for $q = \mathcal N(\mu_k, 1/\tau_k)$ and the prior $\mathcal N(0, 1/\alpha)$. The KL is
  /// $\tfrac12(\alpha/\tau_k + \alpha\mu_k^2 - 1 + \log\tau_k - \log\alpha)$: the note puts
  /// the posterior precision $\tau$ where the prior precision $\alpha$ belongs, drops the
  /// $-\tfrac12$ and flips the sign of the log term. So it is $\tfrac12$ at $q = p$ (where the
  /// KL is 0), negative for large $\tau$, and for fixed $\mu$ smallest at $\tau = 1/\mu^2$
  /// instead of $\tau = \alpha$; it has no minimum at all, falling without bound as
  /// $\mu \to 0$, $\tau \to \infty$.
  ///
  /// - Parameters:
  ///   - mean: $\mu$.
  ///   - logPrecision: $\log\tau$ (same length).
  ///   - priorPrecision: $\alpha > 0$.
  public static func note001KLToPrior(
    mean: [Double], logPrecision: [Double], priorPrecision: Double
  ) -> Double {
    precondition(mean.count == logPrecision.count, "note001KLToPrior: lengths differ")
    var total = 0.0
    for k in mean.indices {
      let tau = exp(logPrecision[k])
      total +=
        0.5 * tau * (1 / tau + mean[k] * mean[k]) - 0.5 * (logPrecision[k] - log(priorPrecision))
    }
    return total
  }
}
