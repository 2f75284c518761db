/// Training a mean-field network by stochastic variational inference with the
/// reparameterisation trick (Bayes by Backprop, Blundell et al. 2015).
///
/// The objective is the negative ELBO per datum,
/// $$\frac{1}{N}\Big(\beta\,\mathrm{KL}(q\,\|\,p) - \sum_{n=1}^N \mathbb E_q[\log p(y_n \mid x_n, w)]\Big),$$
/// estimated on a minibatch $B$ by
/// $\frac{\beta}{N}\mathrm{KL} - \frac{1}{|B|}\sum_{i\in B}\frac1S\sum_{s}\log p(y_i\mid x_i, w_s)$
/// with $w_s \sim q$. The KL is divided by $N$ (not by the number of batches) because the
/// likelihood term is an average over examples: both are then "per datum", and the
/// minibatch estimate is unbiased for the full-data objective divided by $N$.
public struct BayesByBackprop: MinibatchObjective {
  /// The network (its Bayesian layers carry the KL).
  public let model: MLP
  /// The observation model.
  public let likelihood: Likelihood
  /// The KL weight $\beta$ (1 is the ELBO; $\beta < 1$ a tempered posterior).
  public var klWeight: Double
  /// Monte Carlo samples $S$ of the weights per step.
  public var samples: Int

  /// Creates a trainer.
  ///
  /// - Parameters:
  ///   - model: a network with ``BayesianLayer``s.
  ///   - likelihood: the observation model.
  ///   - klWeight: $\beta$ (default 1).
  ///   - samples: weight samples per step (default 1).
  public init(model: MLP, likelihood: Likelihood, klWeight: Double = 1, samples: Int = 1) {
    precondition(samples >= 1, "BayesByBackprop: samples must be at least 1")
    self.model = model
    self.likelihood = likelihood
    self.klWeight = klWeight
    self.samples = samples
  }

  /// The negative ELBO per datum on one minibatch, on a new tape; its regulariser part
  /// is $\beta\,\mathrm{KL}/N$.
  ///
  /// - Parameters:
  ///   - batch: the minibatch.
  ///   - datasetSize: $N$, the size of the full training set.
  ///   - rng: the generator for the weight draws.
  public func loss(on batch: Dataset, datasetSize: Int, using rng: inout Generator) -> MinibatchLoss
  {
    let tape = Tape()
    let x = tape.constant(batch.inputs)
    let nll = likelihood.expectedNegativeLogLikelihood(samples: samples, batch.targets) {
      model.forward(x, mode: .sample, using: &rng)
    }
    let klPerDatum = model.klDivergence(on: tape, using: &rng) * (klWeight / Double(datasetSize))
    return MinibatchLoss(
      total: nll + klPerDatum, negativeLogLikelihood: nll.value.scalarValue,
      regulariser: klPerDatum.value.scalarValue)
  }
}
