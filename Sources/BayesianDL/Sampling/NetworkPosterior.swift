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
  /// Whether a tanh network with a Gaussian likelihood is evaluated by a fused pass per
  /// layer with a vectorised $\tanh$ (four lanes at a time, within a few ulps of the C
  /// library's, about three times faster on its own) instead of matrix products and the
  /// scalar `tanh`. The results agree to rounding, not bit for bit, so it is off by
  /// default: results computed before it existed reproduce exactly. On chapter 10's
  /// 1-50-1 posterior it takes about 30 % fewer instructions per gradient.
  public var vectorisedTanh = false

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
        if vectorisedTanh, case .tanh = activation {
          z.storage.withUnsafeMutableBufferPointer { VectorisedTanh.apply($0) }
        } else {
          activation.apply(&z)
        }
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
  /// when ``vectorisedTanh`` is on: one pass per layer over buffers allocated once per
  /// call, plain loops instead of matrix products (the layers are small), and the
  /// vectorised tanh. The same quantities, to rounding.
  private func fusedGaussianTanh(
    _ theta: [Double], inputs: Matrix, targets: Matrix, sigma: Double, scale: Double
  ) -> (value: Double, gradient: [Double]) {
    let n = inputs.rows
    let layers = sizes.count - 1
    var weightOffsets = [Int]()
    var activationOffsets = [Int]()  // of each layer's output in `activations`
    var (w, a) = (0, 0)
    for l in 0..<layers {
      weightOffsets.append(w)
      activationOffsets.append(a)
      w += (sizes[l] + 1) * sizes[l + 1]
      a += n * sizes[l + 1]
    }
    let widest = sizes.max()!
    var activations = [Double](repeating: 0, count: a)
    var gradient = [Double](repeating: 0, count: theta.count)
    var delta = [Double](repeating: 0, count: n * widest)
    var below = [Double](repeating: 0, count: n * widest)
    var misfit = 0.0
    theta.withUnsafeBufferPointer { t in
      inputs.storage.withUnsafeBufferPointer { x in
        targets.storage.withUnsafeBufferPointer { y in
          activations.withUnsafeMutableBufferPointer { act in
            gradient.withUnsafeMutableBufferPointer { g in
              delta.withUnsafeMutableBufferPointer { d in
                below.withUnsafeMutableBufferPointer { bl in
                  func input(_ l: Int) -> UnsafeMutablePointer<Double> {
                    l == 0
                      ? UnsafeMutablePointer(mutating: x.baseAddress!)
                      : act.baseAddress! + activationOffsets[l - 1]
                  }
                  // Forward: out = h W + b, then tanh on hidden layers.
                  for l in 0..<layers {
                    let (i, o) = (sizes[l], sizes[l + 1])
                    let (h, out) = (input(l), act.baseAddress! + activationOffsets[l])
                    let weight = t.baseAddress! + weightOffsets[l]
                    let bias = weight + i * o
                    for r in 0..<n {
                      let row = out + r &* o
                      let hr = h + r &* i
                      if o >= i {  // wide: rows of W added in turn
                        for k in 0..<o { row[k] = bias[k] }
                        for j in 0..<i {
                          let v = hr[j]
                          let weightRow = weight + j &* o
                          for k in 0..<o { row[k] += v * weightRow[k] }
                        }
                      } else {  // narrow: one dot product per output
                        for k in 0..<o {
                          var sum = bias[k]
                          for j in 0..<i { sum += hr[j] * weight[j &* o &+ k] }
                          row[k] = sum
                        }
                      }
                    }
                    if l < layers - 1 {
                      VectorisedTanh.apply(UnsafeMutableBufferPointer(start: out, count: n * o))
                    }
                  }
                  // δ = f − y at the output; misfit ½Σδ².
                  let outputs = sizes[layers]
                  let f = act.baseAddress! + activationOffsets[layers - 1]
                  for k in 0..<(n * outputs) {
                    let r = f[k] - y[k]
                    d[k] = r
                    misfit += r * r
                  }
                  misfit *= 0.5
                  // Backward.
                  var (current, next) = (d.baseAddress!, bl.baseAddress!)
                  for l in (0..<layers).reversed() {
                    let (i, o) = (sizes[l], sizes[l + 1])
                    let h = input(l)
                    let weight = t.baseAddress! + weightOffsets[l]
                    let gw = g.baseAddress! + weightOffsets[l]
                    let gb = gw + i * o
                    for r in 0..<n {
                      let dr = current + r &* o
                      let hr = h + r &* i
                      for k in 0..<o { gb[k] += dr[k] }
                      if o >= i {
                        for j in 0..<i {
                          let v = hr[j]
                          let gRow = gw + j &* o
                          for k in 0..<o { gRow[k] += v * dr[k] }
                        }
                      } else {
                        for k in 0..<o {
                          let v = dr[k]
                          for j in 0..<i { gw[j &* o &+ k] += v * hr[j] }
                        }
                      }
                    }
                    if l > 0 {
                      for r in 0..<n {
                        let dr = current + r &* o
                        let hr = h + r &* i
                        let nr = next + r &* i
                        if o >= i {
                          for j in 0..<i {
                            let weightRow = weight + j &* o
                            var sum = 0.0
                            for k in 0..<o { sum += dr[k] * weightRow[k] }
                            nr[j] = sum * (1 - hr[j] * hr[j])
                          }
                        } else {
                          for j in 0..<i { nr[j] = 0 }
                          for k in 0..<o {
                            let v = dr[k]
                            for j in 0..<i { nr[j] += v * weight[j &* o &+ k] }
                          }
                          for j in 0..<i { nr[j] *= 1 - hr[j] * hr[j] }
                        }
                      }
                      swap(&current, &next)
                    }
                  }
                }
              }
            }
          }
        }
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
