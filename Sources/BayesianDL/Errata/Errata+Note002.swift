extension Errata {
  /// Note 002's `ggn_matrix`, which it calls the diagonal of the GGN: the gradient of each
  /// minibatch's *mean* loss, squared entrywise and averaged over the minibatches (taken
  /// in order, as an unshuffled data loader gives them),
  /// $$\frac1M\sum_{m=1}^M \Big(\frac1{|B_m|}\sum_{n\in B_m} g_n\Big)^{\circ 2}, \qquad g_n = \nabla_\theta[-\log p(y_n \mid x_n, \theta)].$$
  ///
  /// It is neither the GGN nor the empirical Fisher. With one example per batch it is the
  /// empirical Fisher's diagonal divided by $N$. With the whole data set in one batch it is
  /// the squared gradient of the mean negative log-likelihood,
  /// $\big(\frac1N\sum_n g_n\big)^{\circ 2}$, which does not vanish at the MAP: under a prior
  /// $\mathcal N(0, \delta^{-1}I)$ the exact MAP has $\sum_n g_n = -\delta\theta_*$, so there it is
  /// the squared prior gradient $(\delta\theta_*/N)^{\circ 2}$; it is zero only at a
  /// maximum-likelihood point. In between it depends on the batch size, which no property
  /// of the posterior does.
  ///
  /// - Parameters:
  ///   - model: a network of ``Dense`` layers.
  ///   - data: the training data.
  ///   - likelihood: Gaussian or categorical.
  ///   - batchSize: examples per minibatch.
  /// - Returns: one value per weight, in ``MLP/parameters`` order.
  /// - Throws: ``LaplaceError`` for an unsupported network or likelihood.
  public static func note002SquaredMinibatchGradients(
    model: MLP, data: Dataset, likelihood: Likelihood, batchSize: Int
  ) throws(LaplaceError) -> [Double] {
    precondition(batchSize >= 1, "note002SquaredMinibatchGradients: batch size must be positive")
    let layers = try NetworkLinearisation.denseLayers(of: model)
    var noiseScale = 1.0
    if case .gaussian(let sigma) = likelihood { noiseScale = 1 / (sigma * sigma) }
    _ = try LaplaceLikelihood.isGaussian(likelihood)
    var total: [Double]? = nil
    var batches = 0
    var start = 0
    while start < data.count {
      let batch = data.subset(Array(start..<Swift.min(start + batchSize, data.count)))
      let network = NetworkLinearisation(
        layers: layers, activation: model.activation, inputs: batch.inputs)
      let gradient = CurvatureEstimation.lossGradient(
        network: network, likelihood: likelihood, targets: batch.targets,
        layers: 0..<layers.count
      ).map { $0 * noiseScale / Double(batch.count) }
      let squared = gradient.map { $0 * $0 }
      total = total.map { zip($0, squared).map(+) } ?? squared
      batches += 1
      start += batchSize
    }
    return total!.map { $0 / Double(batches) }
  }
}
