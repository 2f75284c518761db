/// How a mean-field layer turns its weight distribution into a noisy forward pass during
/// training. All four give each example's pre-activations the same distribution; they
/// differ in how the noise is shared across a minibatch, and so in the variance of the
/// gradient (Kingma, Salimans & Welling, 2015; Wen et al., 2018).
public enum GradientEstimator: String, Sendable, CaseIterable {
  /// One weight sample $W = \mu + \sigma\odot\varepsilon$ for the whole minibatch (note 000,
  /// Blundell et al.). Cheap, but the examples' gradients are correlated through the
  /// shared $\varepsilon$.
  case sharedWeights
  /// An independent weight sample for every example. The examples' noise is
  /// independent; costs a weight draw and a product per example.
  case weightsPerExample
  /// Local reparameterisation: sample the pre-activations instead of the weights,
  /// $b_{ij} = (x\mu)_{ij} + \sqrt{(x^2\sigma^2)_{ij}}\,\zeta_{ij}$ with $\zeta \sim \mathcal N(0, 1)$ per
  /// example and unit — exact for a factorised Gaussian layer, independent across
  /// examples, and two products per layer.
  case localReparameterisation
  /// Flipout: one shared perturbation $\Delta W = \sigma\odot\varepsilon$ (and $\Delta b$),
  /// decorrelated across examples by random signs,
  /// $b_i = x_i\mu + \mu_b + ((x_i \odot s_i)\,\Delta W + \Delta b) \odot r_i$ with $s_i, r_i \in \{\pm 1\}$.
  case flipout
}
