import Foundation

/// How a mean-field layer stores the spread of each weight.
public enum ScaleParameterisation: String, Sendable, CaseIterable {
  /// Store $s = \log\sigma^2$, so $\sigma = e^{s/2}$ (note 000).
  case logVariance
  /// Store $\rho$ with $\sigma = \operatorname{softplus}(\rho) = \log(1 + e^\rho)$
  /// (note 003, Blundell et al. 2015).
  case softplus

  /// The raw parameter that gives standard deviation `sigma`.
  ///
  /// - Parameter sigma: $\sigma > 0$.
  public func raw(forStandardDeviation sigma: Double) -> Double {
    switch self {
    case .logVariance: return 2 * log(sigma)
    case .softplus: return inverseSoftplus(sigma)
    }
  }

  /// $\sigma$ from the raw parameter.
  ///
  /// - Parameter raw: $s$ or $\rho$.
  public func standardDeviation(raw: Double) -> Double {
    switch self {
    case .logVariance: return exp(0.5 * raw)
    case .softplus: return BayesianDL.softplus(raw)
    }
  }

  /// $\sigma$, $d\sigma/d\text{raw}$ and $\log\sigma^2$ for every entry of a raw scale
  /// parameter (see ``ScaleValues``).
  ///
  /// - Parameter raw: the raw values $s$ or $\rho$.
  public func values(raw: Matrix) -> ScaleValues {
    var sigma = raw
    var slope = raw
    var logVariance = raw
    for k in 0..<raw.count {
      let r = raw.storage[k]
      switch self {
      case .logVariance:
        let s = exp(0.5 * r)
        sigma.storage[k] = s
        slope.storage[k] = 0.5 * s
      case .softplus:
        let s = BayesianDL.softplus(r)
        sigma.storage[k] = s
        slope.storage[k] = sigmoid(r)
        logVariance.storage[k] = 2 * log(s)
      }
    }
    return ScaleValues(raw: raw, standardDeviation: sigma, slope: slope, logVariance: logVariance)
  }
}

/// Everything derived from a raw scale parameter that the forward pass, the KL term and
/// their gradients need: computed once per value of the parameter, then shared.
///
/// A training step draws the weights and evaluates the KL from the same $\sigma$; a
/// Monte Carlo predictive draws $S$ times from unchanged parameters. Computing $\sigma$
/// (an exponential per weight) once per parameter value instead of once per use halves
/// the cost of the first and removes most of the second.
public struct ScaleValues: Sendable {
  /// The raw values this was computed from ($s$ or $\rho$).
  public let raw: Matrix
  /// $\sigma$.
  public let standardDeviation: Matrix
  /// $d\sigma/d\text{raw}$: $\sigma/2$ for the log-variance, $\operatorname{sigmoid}(\rho)$ for
  /// the softplus.
  public let slope: Matrix
  /// $\log\sigma^2$.
  public let logVariance: Matrix

  /// The reparameterised draw $w = \mu + \sigma \odot \varepsilon$ as one tape node.
  ///
  /// Pullbacks: $\bar\mu = \bar w$ and
  /// $\overline{\text{raw}} = \bar w \odot \varepsilon \odot d\sigma/d\text{raw}$.
  ///
  /// - Parameters:
  ///   - mean: $\mu$.
  ///   - scale: the raw scale parameter on the tape (its value must be ``raw``).
  ///   - noise: $\varepsilon$, the same shape.
  public func draw(mean: Variable, scale: Variable, noise: Matrix) -> Variable {
    precondition(
      noise.shape == standardDeviation.shape && mean.value.shape == noise.shape,
      "ScaleValues.draw: shapes differ")
    var w = noise
    var noiseSlope = noise  // becomes ε ⊙ dσ/draw
    for k in 0..<w.count {
      w.storage[k] = mean.value.storage[k] + standardDeviation.storage[k] * noise.storage[k]
      noiseSlope.storage[k] = noise.storage[k] * slope.storage[k]
    }
    let (m, s) = (mean.node, scale.node)
    return mean.tape.record(w, inputs: [mean, scale]) { g, tape in
      tape.accumulate(g, into: m)
      if tape.requiresGradient(s) { tape.accumulate(g * noiseSlope, into: s) }
    }
  }

  /// $\mathrm{KL}(\mathcal N(\mu, \operatorname{diag}\sigma^2)\,\|\,\mathcal N(0, \sigma_p^2 I))$ as one
  /// tape node over $\mu$ and the raw scale (the closed form of
  /// ``KLDivergence/toZeroMeanPrior(mean:logVariance:priorStandardDeviation:)-(Variable,Variable,Double)``).
  ///
  /// Pullbacks: $\partial\mathrm{KL}/\partial\mu_k = \mu_k/\sigma_p^2$ and
  /// $\partial\mathrm{KL}/\partial\text{raw}_k = (\sigma_k/\sigma_p^2 - 1/\sigma_k)\,d\sigma_k/d\text{raw}_k$.
  ///
  /// - Parameters:
  ///   - mean: $\mu$.
  ///   - scale: the raw scale parameter on the tape (its value must be ``raw``).
  ///   - priorStandardDeviation: $\sigma_p$.
  public func klToZeroMeanPrior(mean: Variable, scale: Variable, priorStandardDeviation: Double)
    -> Variable
  {
    let priorVariance = priorStandardDeviation * priorStandardDeviation
    var total = 0.0
    for k in 0..<raw.count {
      let (mu, sigma) = (mean.value.storage[k], standardDeviation.storage[k])
      total += (sigma * sigma + mu * mu) / priorVariance - logVariance.storage[k]
    }
    total = 0.5 * (total + Double(raw.count) * (log(priorVariance) - 1))
    let (m, s) = (mean.node, scale.node)
    let sigma = standardDeviation
    let slope = self.slope
    return mean.tape.record(.scalar(total), inputs: [mean, scale]) { g, tape in
      let scale = g.scalarValue
      tape.accumulate(m.value * (scale / priorVariance), into: m)
      if tape.requiresGradient(s) {
        var d = sigma
        for k in 0..<d.count {
          d.storage[k] =
            scale * (sigma.storage[k] / priorVariance - 1 / sigma.storage[k]) * slope.storage[k]
        }
        tape.accumulate(d, into: s)
      }
    }
  }
}
