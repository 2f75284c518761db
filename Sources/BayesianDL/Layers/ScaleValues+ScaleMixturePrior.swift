import Foundation

extension ScaleValues {
  /// A one-sample Monte Carlo estimate of $\mathrm{KL}(q\,\|\,p)$ for the scale-mixture
  /// prior, as one tape node:
  /// $\sum_k \log q(w_k) - \log p(w_k)$ with $w = \mu + \sigma\odot\varepsilon$ and
  /// $\log q(w_k) = -\tfrac12\log 2\pi - \log\sigma_k - \tfrac12\varepsilon_k^2$.
  ///
  /// Unbiased for the KL, and its pullback is the reparameterised gradient:
  /// $\partial/\partial\mu_k = -\,(\log p)'(w_k)$ and
  /// $\partial/\partial\sigma_k = -1/\sigma_k - \varepsilon_k\,(\log p)'(w_k)$, times $d\sigma/d\text{raw}$.
  ///
  /// - Parameters:
  ///   - mean: $\mu$.
  ///   - scale: the raw scale parameter on the tape (its value must be ``raw``).
  ///   - prior: the mixture.
  ///   - noise: $\varepsilon$, fresh standard normals of the same shape.
  public func klToScaleMixturePrior(
    mean: Variable, scale: Variable, prior: ScaleMixturePrior, noise: Matrix
  ) -> Variable {
    precondition(
      noise.shape == raw.shape && mean.value.shape == raw.shape,
      "klToScaleMixturePrior: shapes differ")
    var total = 0.0
    var meanGradient = noise
    var scaleGradient = noise
    for k in 0..<raw.count {
      let sigma = standardDeviation.storage[k]
      let e = noise.storage[k]
      let (logPrior, priorSlope) = prior.logDensityAndSlope(mean.value.storage[k] + sigma * e)
      total += -0.5 * log(2 * Double.pi) - 0.5 * logVariance.storage[k] - 0.5 * e * e - logPrior
      meanGradient.storage[k] = -priorSlope
      scaleGradient.storage[k] = (-1 / sigma - e * priorSlope) * slope.storage[k]
    }
    let (m, s) = (mean.node, scale.node)
    return mean.tape.record(.scalar(total), inputs: [mean, scale]) { g, tape in
      tape.accumulate(meanGradient * g.scalarValue, into: m)
      if tape.requiresGradient(s) { tape.accumulate(scaleGradient * g.scalarValue, into: s) }
    }
  }
}
