import CVectorMath
import Foundation

/// The log posterior of a network of dense layers under an isotropic Gaussian prior, as a
/// target for samplers:
/// $$\log p(\theta \mid D) = \sum_n \log p(y_n \mid x_n, \theta) - \frac{\lVert\theta\rVert^2}{2\sigma_p^2} + \text{const},$$
/// over the flat weight vector $\theta$ (each layer's weight `[inputs, outputs]` row-major,
/// then its bias — the order of ``MLP/replacingLastLayer(withWeights:)`` and of the
/// Laplace core).
///
/// The gradient is one forward and one backward pass on plain matrices, with no autodiff
/// tape; the likelihood's pieces are those of the Laplace core (``LaplaceLikelihood``).
public struct NetworkPosterior: DifferentiableLogDensity {
  /// The widths from input to output.
  public let sizes: [Int]
  /// The non-linearity after every layer but the last.
  public let activation: Activation
  /// The training data.
  public let data: Dataset
  /// `.gaussian(σ)` or `.categorical`.
  public let likelihood: Likelihood
  /// $\sigma_p$.
  public let priorStandardDeviation: Double
  /// Whether a tanh network with a Gaussian likelihood is evaluated by one fused pass per
  /// layer in C, four lanes at a time with AVX2 (the tanh eight at a time with AVX-512)
  /// where the processor has it, instead of matrix products. Both paths use the same
  /// vectorised $\tanh$ (the C kernel, within 4 ulps of the C library's); they add in
  /// different orders, so they agree to rounding (10⁻¹² relative), not bit for bit, and the
  /// fused pass is off by default. Every compiled copy of the fused pass gives the same
  /// bits, so a run is the same on every machine.
  public var vectorisedTanh = false
  /// The compiled copy of the C kernels that ``vectorisedTanh`` runs (tests force the
  /// others to check that all give the same bits).
  var kernelPath = VectorisedTanh.Path.automatic

  /// A network posterior.
  ///
  /// - Parameters:
  ///   - sizes: the widths from input to output.
  ///   - activation: the non-linearity.
  ///   - data: the training data.
  ///   - likelihood: `.gaussian(noiseStandardDeviation:)` or `.categorical`.
  ///   - priorStandardDeviation: $\sigma_p > 0$ of every weight's $\mathcal N(0, \sigma_p^2)$ prior.
  public init(
    sizes: [Int], activation: Activation, data: Dataset, likelihood: Likelihood,
    priorStandardDeviation: Double
  ) {
    precondition(sizes.count >= 2, "NetworkPosterior: sizes needs an input and an output width")
    precondition(
      data.inputs.columns == sizes[0],
      "NetworkPosterior: the data have \(data.inputs.columns) "
        + "inputs, the network \(sizes[0])")
    precondition(priorStandardDeviation > 0, "NetworkPosterior: prior sd must be positive")
    if case .heteroscedastic = likelihood {
      preconditionFailure("NetworkPosterior: supports .gaussian and .categorical likelihoods")
    }
    self.sizes = sizes
    self.activation = activation
    self.data = data
    self.likelihood = likelihood
    self.priorStandardDeviation = priorStandardDeviation
  }

  /// $P = \sum_l (\text{inputs}_l + 1)\,\text{outputs}_l$.
  public var dimension: Int { zip(sizes, sizes.dropFirst()).reduce(0) { $0 + ($1.0 + 1) * $1.1 } }

  /// The network with weights $\theta$, for prediction.
  ///
  /// - Parameter theta: $P$ numbers.
  public func network(_ theta: [Double]) -> MLP {
    precondition(
      theta.count == dimension, "NetworkPosterior: \(theta.count) weights, needs \(dimension)")
    return MLP(layers: DenseParameters.layers(sizes: sizes, from: theta), activation: activation)
  }

  /// The flat weight vector of a network of dense layers (e.g. a MAP network to start
  /// chains from).
  ///
  /// - Parameter model: an ``MLP`` of ``Dense`` layers only.
  public static func parameters(of model: MLP) -> [Double] {
    let layers = model.layers.map { layer -> Dense in
      guard let dense = layer as? Dense else {
        preconditionFailure("NetworkPosterior.parameters: \(layer) is not a Dense layer")
      }
      return dense
    }
    return DenseParameters.vector(of: layers, 0..<layers.count)
  }

  /// $\log p(\theta \mid D)$ + const and its gradient, on the whole data set.
  ///
  /// - Parameter theta: $P$ numbers.
  public func logDensityAndGradient(_ theta: [Double]) -> (value: Double, gradient: [Double]) {
    evaluate(theta, inputs: data.inputs, targets: data.targets, scale: 1)
  }

  /// The unbiased minibatch estimate
  /// $\frac NB\sum_{n \in B}\log p(y_n \mid x_n, \theta) - \lVert\theta\rVert^2/2\sigma_p^2$ and
  /// its gradient (what stochastic-gradient samplers use).
  ///
  /// - Parameters:
  ///   - theta: $P$ numbers.
  ///   - indices: the batch, indices into the data.
  public func logDensityAndGradient(_ theta: [Double], batch indices: [Int]) -> (
    value: Double, gradient: [Double]
  ) {
    precondition(!indices.isEmpty, "NetworkPosterior: an empty batch")
    let batch = data.subset(indices)
    return evaluate(
      theta, inputs: batch.inputs, targets: batch.targets,
      scale: Double(data.count) / Double(indices.count))
  }

  /// `scale` × the log-likelihood of (inputs, targets), minus the prior's quadratic term.
  ///
  /// A lean forward and backward pass on plain matrices cut from $\theta$ (no layer or
  /// parameter objects): samplers call this hundreds of thousands of times.
  private func evaluate(_ theta: [Double], inputs: Matrix, targets: Targets, scale: Double) -> (
    value: Double, gradient: [Double]
  ) {
    precondition(
      theta.count == dimension, "NetworkPosterior: \(theta.count) weights, needs \(dimension)")
    if vectorisedTanh, case .tanh = activation, case .gaussian(let sigma) = likelihood {
      return fusedGaussianTanh(
        theta, inputs: inputs, targets: targets.values, sigma: sigma, scale: scale)
    }
    let shapes = Array(zip(sizes, sizes.dropFirst()))
    var offsets = [0]
    for (i, o) in shapes { offsets.append(offsets.last! + (i + 1) * o) }
    func weight(_ l: Int) -> Matrix {
      let (i, o) = shapes[l]
      return Matrix(rows: i, columns: o, storage: Array(theta[offsets[l]..<(offsets[l] + i * o)]))
    }
    // Forward, keeping each layer's input (the activation of the layer below).
    var layerInputs = [inputs]
    var h = inputs
    for l in shapes.indices {
      let (i, o) = shapes[l]
      var z = Matrix.product(h, weight(l))
      z.storage.withUnsafeMutableBufferPointer { zp in
        theta.withUnsafeBufferPointer { t in
          let bias = t.baseAddress! + offsets[l] + i * o
          for n in 0..<z.rows { for k in 0..<o { zp[n * o + k] += bias[k] } }
        }
      }
      if l < shapes.count - 1 {
        activation.apply(&z)
        layerInputs.append(z)
      }
      h = z
    }
    // The Laplace core's misfit and output gradient leave out the Gaussian's 1/σ² (and its
    // normalising constant); put them back so that the value is the log-likelihood.
    var factor = 1.0
    var constant = 0.0
    if case .gaussian(let sigma) = likelihood {
      factor = 1 / (sigma * sigma)
      constant = -Double(inputs.rows) * log(sigma * (2 * Double.pi).squareRoot())
    }
    let misfit = LaplaceLikelihood.misfit(h, likelihood: likelihood, targets: targets)
    // Backward: δ is the gradient of the misfit with respect to each layer's output.
    var delta = LaplaceLikelihood.outputGradient(h, likelihood: likelihood, targets: targets)
    var gradient = [Double](repeating: 0, count: theta.count)
    for l in shapes.indices.reversed() {
      let (i, o) = shapes[l]
      let weightGradient = Matrix.product(layerInputs[l], delta, transposeA: true)
      let biasGradient = delta.sum(over: .rows)
      for k in 0..<(i * o) { gradient[offsets[l] + k] = weightGradient.storage[k] }
      for k in 0..<o { gradient[offsets[l] + i * o + k] = biasGradient.storage[k] }
      if l > 0 {
        var below = Matrix.product(delta, weight(l), transposeB: true)
        activation.multiplyByDerivative(&below, output: layerInputs[l])
        delta = below
      }
    }
    let precision = 1 / (priorStandardDeviation * priorStandardDeviation)
    let squaredNorm = theta.reduce(0) { $0 + $1 * $1 }
    let value = scale * (constant - factor * misfit) - 0.5 * precision * squaredNorm
    for k in gradient.indices {
      gradient[k] = -scale * factor * gradient[k] - precision * theta[k]
    }
    return (value, gradient)
  }

  /// ``evaluate(_:inputs:targets:scale:)`` for a tanh network with a Gaussian likelihood,
  /// when ``vectorisedTanh`` is on: one pass per layer in C (`CVectorMath`) over one
  /// scratch buffer, plain loops instead of matrix products (the layers are small), four
  /// lanes at a time with AVX2 where the processor has it, and the vectorised tanh (eight
  /// lanes with AVX-512). The same quantities, to rounding; the same bits on every machine.
  private func fusedGaussianTanh(
    _ theta: [Double], inputs: Matrix, targets: Matrix, sigma: Double, scale: Double
  ) -> (value: Double, gradient: [Double]) {
    let n = inputs.rows
    let scratchCount = n * (sizes.dropFirst().reduce(0, +) + 2 * sizes.max()!)
    var gradient = [Double](repeating: 0, count: theta.count)
    // The scratch lives on the stack (a few kB for chapter 10's network): no allocation.
    let misfit = withUnsafeTemporaryAllocation(of: Double.self, capacity: scratchCount) {
      scratch in
      gradient.withUnsafeMutableBufferPointer { g in
        cvm_tanh_network_misfit(
          sizes.count - 1, sizes, theta, inputs.storage, targets.storage, n,
          scratch.baseAddress!, g.baseAddress!, kernelPath.c)
      }
    }
    let factor = 1 / (sigma * sigma)
    let constant = -Double(n) * log(sigma * (2 * Double.pi).squareRoot())
    let precision = 1 / (priorStandardDeviation * priorStandardDeviation)
    var squaredNorm = 0.0
    for k in gradient.indices {
      squaredNorm += theta[k] * theta[k]
      gradient[k] = -scale * factor * gradient[k] - precision * theta[k]
    }
    return (scale * (constant - factor * misfit) - 0.5 * precision * squaredNorm, gradient)
  }
}
