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
    var sigma = Matrix(rows: raw.rows, columns: raw.columns)
    var slope = sigma
    var logVariance = raw
    // Raw pointers: writing `matrix.storage[k]` in a loop checks uniqueness every time.
    raw.storage.withUnsafeBufferPointer { r in
      sigma.storage.withUnsafeMutableBufferPointer { s in
        slope.storage.withUnsafeMutableBufferPointer { d in
          switch self {
          case .logVariance:
            for k in 0..<r.count {
              s[k] = exp(0.5 * r[k])
              d[k] = 0.5 * s[k]
            }
          case .softplus:
            for k in 0..<r.count {
              s[k] = BayesianDL.softplus(r[k])
              d[k] = sigmoid(r[k])
            }
          }
        }
      }
    }
    let slopeOverSigma: Matrix
    switch self {
    case .logVariance:
      slopeOverSigma = Matrix(rows: raw.rows, columns: raw.columns, repeating: 0.5)
    case .softplus:
      logVariance = sigma.map { 2 * log($0) }
      slopeOverSigma = slope / sigma
    }
    return ScaleValues(
      raw: raw, standardDeviation: sigma, slope: slope, logVariance: logVariance,
      slopeOverSigma: slopeOverSigma)
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
  /// $(d\sigma/d\text{raw})/\sigma$: ½ for the log-variance, $\operatorname{sigmoid}(\rho)/\sigma$
  /// for the softplus (the KL gradient's factor).
  public let slopeOverSigma: Matrix

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
    mean.value.storage.withUnsafeBufferPointer { mu in
      standardDeviation.storage.withUnsafeBufferPointer { sigma in
        slope.storage.withUnsafeBufferPointer { d in
          w.storage.withUnsafeMutableBufferPointer { out in
            noiseSlope.storage.withUnsafeMutableBufferPointer { ns in
              for k in 0..<out.count {
                let e = ns[k]
                out[k] = mu[k] + sigma[k] * e
                ns[k] = e * d[k]
              }
            }
          }
        }
      }
    }
    let (m, s) = (mean.node, scale.node)
    return mean.tape.record(w, inputs: [mean, scale]) { g, tape in
      tape.accumulate(g, into: m)
      if tape.requiresGradient(s) { tape.accumulate(g * noiseSlope, into: s) }
    }
  }

  /// The perturbation $\sigma \odot \varepsilon$ as one tape node (Flipout's $\Delta W$), with
  /// pullback $\overline{\text{raw}} = \bar y \odot \varepsilon \odot d\sigma/d\text{raw}$.
  ///
  /// - Parameters:
  ///   - scale: the raw scale parameter on the tape (its value must be ``raw``).
  ///   - noise: $\varepsilon$, the same shape.
  public func perturbation(scale: Variable, noise: Matrix) -> Variable {
    precondition(noise.shape == raw.shape, "ScaleValues.perturbation: shapes differ")
    let noiseSlope = noise * slope
    let s = scale.node
    return scale.tape.record(standardDeviation * noise, inputs: [scale]) { g, tape in
      tape.accumulate(g * noiseSlope, into: s)
    }
  }

  /// The variances $\sigma^2$ as one tape node (for local reparameterisation), with
  /// pullback $\overline{\text{raw}} = \bar y \odot 2\sigma\,d\sigma/d\text{raw}$.
  ///
  /// - Parameter scale: the raw scale parameter on the tape (its value must be ``raw``).
  public func variance(scale: Variable) -> Variable {
    let twoSigmaSlope = standardDeviation * slope * 2
    let s = scale.node
    return scale.tape.record(standardDeviation * standardDeviation, inputs: [scale]) { g, tape in
      tape.accumulate(g * twoSigmaSlope, into: s)
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
    let priorPrecision = 1 / priorVariance
    // Two running sums over alternate entries, so the additions do not wait on each other.
    var (even, odd) = (0.0, 0.0)
    mean.value.storage.withUnsafeBufferPointer { mu in
      standardDeviation.storage.withUnsafeBufferPointer { sigma in
        logVariance.storage.withUnsafeBufferPointer { lv in
          func term(_ k: Int) -> Double {
            (sigma[k] * sigma[k] + mu[k] * mu[k]) * priorPrecision - lv[k]
          }
          var k = 0
          while k + 2 <= mu.count {
            even += term(k)
            odd += term(k + 1)
            k += 2
          }
          if k < mu.count { even += term(k) }
        }
      }
    }
    var total = even + odd
    total = 0.5 * (total + Double(raw.count) * (log(priorVariance) - 1))
    let (m, s) = (mean.node, scale.node)
    let sigma = standardDeviation
    let slopeOverSigma = self.slopeOverSigma
    return mean.tape.record(.scalar(total), inputs: [mean, scale]) { g, tape in
      let scale = g.scalarValue
      tape.accumulate(m.value * (scale * priorPrecision), into: m)
      if tape.requiresGradient(s) {
        // (σ/σp² − 1/σ)·dσ/draw = (σ²/σp² − 1)·(dσ/draw)/σ, with no division per entry.
        var d = sigma
        d.storage.withUnsafeMutableBufferPointer { out in
          slopeOverSigma.storage.withUnsafeBufferPointer { sl in
            for k in 0..<out.count {
              let sk = out[k]
              out[k] = scale * (sk * sk * priorPrecision - 1) * sl[k]
            }
          }
        }
        tape.accumulate(d, into: s)
      }
    }
  }
}
