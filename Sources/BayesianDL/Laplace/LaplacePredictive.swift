import Foundation

/// The predictive distributions of a ``LaplaceApproximation``.
///
/// - **GLM / linearised** (MacKay 1992; Immer et al. 2021): linearise the network
///   around $\theta_*$, $f(x;\theta) \approx f(x;\theta_*) + J(x)(\theta - \theta_*)$, so the
///   outputs are Gaussian, $\mathcal N\big(f(x;\theta_*),\ J(x)\Lambda^{-1}J(x)^\top\big)$;
///   for regression add $\sigma^2$ to predict $y$.
/// - **Probit** (MacKay 1992; Spiegelhalter & Lauritzen 1990): for classification,
///   $\mathbb E[\operatorname{softmax} f] \approx \operatorname{softmax}\big(f_\mu/\sqrt{1 + \frac\pi8\operatorname{diag}\Sigma_f}\big)$;
///   as laplace-torch computes it, and a pairwise version that accounts for the
///   correlation between logits; both checked against Monte Carlo over the same Gaussian.
/// - **Sampled networks** ("nn" in laplace-torch): draw $\theta \sim \mathcal N(\theta_*, \Lambda^{-1})$
///   and run the network itself; Immer et al. show this underfits, because the Gaussian
///   is a good model of the *linearised* network's posterior, not of the network's.
extension LaplaceApproximation {
  /// The MAP outputs and the rows $J(x)$ over the uncertain weights at each input, `[T·K, P]`,
  /// rows $tK + k$.
  ///
  /// - Parameter inputs: `[T, inputs]`.
  public func jacobian(at inputs: Matrix) -> (outputs: Matrix, rows: Matrix) {
    let network = NetworkLinearisation(layers: layers, activation: model.activation, inputs: inputs)
    let (t, k) = (inputs.rows, outputCount)
    let perOutput = (0..<k).map { c in
      network.jacobianProducts(
        Matrix(rows: t, columns: k) { _, j in j == c ? 1 : 0 }, layers: layerRange)
    }
    if k == 1 { return (network.outputs, perOutput[0]) }
    var rows = Matrix(rows: t * k, columns: parameterCount)
    for i in 0..<t {
      for c in 0..<k {
        let start = (i * k + c) * parameterCount
        rows.storage.replaceSubrange(
          start..<(start + parameterCount), with: perOutput[c].row(i).storage)
      }
    }
    return (network.outputs, rows)
  }

  /// The linearised predictive of the outputs: means $f(x;\theta_*)$ `[T, K]` and
  /// covariances $J\Lambda^{-1}J^\top$ `[T, K·K]` (row $t$ the $K \times K$ block row-major).
  /// Inputs go through in blocks of 1024 to bound memory.
  ///
  /// - Parameter inputs: `[T, inputs]`.
  public func glmPredictive(at inputs: Matrix) -> (mean: Matrix, covariance: Matrix) {
    let scale = curvatureScale
    var means = [Matrix]()
    var covariances = [Matrix]()
    var start = 0
    repeat {
      let end = Swift.min(start + 1024, inputs.rows)
      let (outputs, rows) = jacobian(at: inputs.rows(start..<end))
      means.append(outputs)
      covariances.append(
        curvature.covarianceBlocks(
          of: rows, outputs: outputCount, scale: scale, priorPrecision: priorPrecision))
      start = end
    } while start < inputs.rows
    return (Matrix.vstack(means), Matrix.vstack(covariances))
  }

  /// The linearised predictive of $y$ for one-output regression: mean $f(x;\theta_*)$,
  /// epistemic variance $J\Lambda^{-1}J^\top$, aleatoric variance $\sigma^2$.
  ///
  /// - Parameter inputs: `[T, inputs]`.
  public func regressionPredictive(at inputs: Matrix) -> RegressionPredictive {
    precondition(
      isRegression && outputCount == 1, "regressionPredictive: needs one-output regression")
    let (mean, covariance) = glmPredictive(at: inputs)
    return RegressionPredictive(
      mean: mean.storage,
      aleatoric: [Double](
        repeating: noiseStandardDeviation * noiseStandardDeviation, count: inputs.rows),
      epistemic: covariance.storage)
  }

  /// The probit approximation of the linearised classification predictive,
  /// $\operatorname{softmax}(\kappa \odot f_\mu)$ with $\kappa_k = (1 + \frac\pi8\Sigma_{kk})^{-1/2}$, `[T, K]`.
  ///
  /// - Parameter inputs: `[T, inputs]`.
  public func probitProbabilities(at inputs: Matrix) -> Matrix {
    precondition(!isRegression, "probitProbabilities: needs classification")
    let (mean, covariance) = glmPredictive(at: inputs)
    let k = outputCount
    let scaled = Matrix(rows: mean.rows, columns: k) { t, c in
      mean[t, c] / (1 + Double.pi / 8 * covariance[t, c * k + c]).squareRoot()
    }
    return scaled.softmaxRows()
  }

  /// A probit approximation that sees the correlation between logits (the mean-field
  /// approximation of Lu, Ie & Sha 2020): with $v_{kj} = \Sigma_{kk} + \Sigma_{jj} - 2\Sigma_{kj}$ the
  /// variance of $f_k - f_j$,
  /// $$p_k \propto \Big(1 + \sum_{j \ne k}\exp\Big(-\frac{\mu_k - \mu_j}{\sqrt{1 + \frac\pi8 v_{kj}}}\Big)\Big)^{-1},$$
  /// normalised to sum to 1. For two classes it is the binary probit approximation of
  /// $\sigma(f_0 - f_1)$, exactly. The per-logit version of ``probitProbabilities(at:)``
  /// counts variance that the softmax cancels: adding the same amount to every logit
  /// changes nothing, yet a direction of the weights that only does that (constrained by
  /// the prior alone) inflates every $\Sigma_{kk}$.
  ///
  /// - Parameter inputs: `[T, inputs]`.
  public func pairwiseProbitProbabilities(at inputs: Matrix) -> Matrix {
    precondition(!isRegression, "pairwiseProbitProbabilities: needs classification")
    let (mean, covariance) = glmPredictive(at: inputs)
    let k = outputCount
    var probabilities = Matrix(rows: mean.rows, columns: k)
    for t in 0..<mean.rows {
      var total = 0.0
      for a in 0..<k {
        var denominator = 1.0
        for b in 0..<k where b != a {
          let v = covariance[t, a * k + a] + covariance[t, b * k + b] - 2 * covariance[t, a * k + b]
          denominator += exp(
            -(mean[t, a] - mean[t, b]) / (1 + Double.pi / 8 * Swift.max(v, 0)).squareRoot())
        }
        probabilities[t, a] = 1 / denominator
        total += probabilities[t, a]
      }
      for a in 0..<k { probabilities[t, a] /= total }
    }
    return probabilities
  }

  /// The linearised classification predictive by Monte Carlo: the mean of
  /// $\operatorname{softmax} f$ over `samples` draws $f \sim \mathcal N(f_\mu, \Sigma_f)$ per input
  /// (the reference for the probit approximation), `[T, K]`.
  ///
  /// - Parameters:
  ///   - inputs: `[T, inputs]`.
  ///   - samples: draws per input.
  ///   - rng: the generator.
  public func glmSampledProbabilities(at inputs: Matrix, samples: Int, using rng: inout Generator)
    -> Matrix
  {
    precondition(!isRegression && samples >= 1, "glmSampledProbabilities: needs classification")
    let (mean, covariance) = glmPredictive(at: inputs)
    let k = outputCount
    var probabilities = Matrix(rows: mean.rows, columns: k)
    for t in 0..<mean.rows {
      let root = GaussianSquareRoot.lower(
        Matrix(rows: k, columns: k, storage: covariance.row(t).storage))
      var draws = rng.normalMatrix(rows: samples, columns: k, standardDeviation: 1)
      draws = Matrix.product(draws, root, transposeB: true) + mean.row(t)
      let average = draws.softmaxRows().mean(over: .rows)
      for c in 0..<k { probabilities[t, c] = average[0, c] }
    }
    return probabilities
  }

  /// One network with weights $\theta \sim \mathcal N(\theta_*, \Lambda^{-1})$ (the others at the MAP).
  ///
  /// - Parameter rng: the generator.
  public func sampledNetwork(using rng: inout Generator) -> MLP {
    let deviation = curvature.sampleDeviation(
      scale: curvatureScale, priorPrecision: priorPrecision, using: &rng)
    let theta = zip(mode, deviation).map(+)
    return MLP(
      layers: DenseParameters.layers(layers, layerRange, replacedBy: theta),
      activation: model.activation)
  }

  /// The sampled-network ("nn") predictive for one-output regression: the mixture of
  /// $\mathcal N(f(x;\theta_s), \sigma^2)$ over `samples` draws.
  ///
  /// - Parameters:
  ///   - inputs: `[T, inputs]`.
  ///   - samples: networks drawn.
  ///   - rng: the generator.
  public func sampledRegressionPredictive(
    at inputs: Matrix, samples: Int, using rng: inout Generator
  )
    -> RegressionPredictive
  {
    precondition(isRegression && outputCount == 1, "sampledRegressionPredictive: needs regression")
    let noise = Matrix(
      rows: inputs.rows, columns: 1, repeating: noiseStandardDeviation * noiseStandardDeviation)
    let means = (0..<samples).map { _ in sampledNetwork(using: &rng).predict(inputs, using: &rng) }
    return RegressionPredictive(means: means, variances: [Matrix](repeating: noise, count: samples))
  }

  /// The sampled-network ("nn") classification predictive: the mean of
  /// $\operatorname{softmax} f(x;\theta_s)$ over `samples` draws, `[T, K]`.
  ///
  /// - Parameters:
  ///   - inputs: `[T, inputs]`.
  ///   - samples: networks drawn.
  ///   - rng: the generator.
  public func sampledProbabilities(at inputs: Matrix, samples: Int, using rng: inout Generator)
    -> Matrix
  {
    precondition(!isRegression, "sampledProbabilities: needs classification")
    var total = Matrix(rows: inputs.rows, columns: outputCount)
    for _ in 0..<samples {
      total += sampledNetwork(using: &rng).predict(inputs, using: &rng).softmaxRows()
    }
    return total / Double(samples)
  }
}

/// A square root of a small covariance matrix, robust to the singular ones a
/// linearised predictive produces (the softmax is unchanged by adding a constant to
/// every logit, so a direction of $\Sigma_f$ may carry no variance).
enum GaussianSquareRoot {
  /// A lower-triangular $L$ with $LL^\top = \Sigma$: Cholesky, or from the
  /// eigendecomposition with negative round-off eigenvalues set to zero when Cholesky
  /// fails (then $L$ is a square root but not triangular).
  static func lower(_ sigma: Matrix) -> Matrix {
    if let l = try? sigma.cholesky() { return l }
    guard let (values, vectors) = try? sigma.symmetricEigen() else {
      return Matrix(rows: sigma.rows, columns: sigma.columns)
    }
    return scalingColumns(vectors, by: values.map { Swift.max($0, 0).squareRoot() })
  }
}
