/// A network of dense layers run forward once on a batch, keeping what reverse-mode
/// differentiation needs to form the products $v_n^\top J_n$ of each example's output
/// Jacobian $J_n = \partial f(x_n;\theta)/\partial\theta$ with vectors $v_n$ in output space.
///
/// Every Laplace quantity is built from such products: the GGN from $v_n$ = the columns
/// of a square root of the likelihood's output-space Hessian, the empirical Fisher from
/// $v_n$ = the gradient of the loss with respect to the outputs, the linearised
/// predictive from $v_n$ = the unit vectors. For layer $\ell$ with input $a_n$ and output
/// $z_n = a_n W + b$, the product is $\tilde a_n \otimes \delta_n$ where
/// $\tilde a_n = (a_n, 1)$ and $\delta_n = v_n^\top \partial f/\partial z_n$ comes from one
/// backward sweep over the whole batch — which is also why K-FAC's factors are cheap.
public struct NetworkLinearisation {
  /// The dense layers, input to output.
  public let layers: [Dense]
  /// The non-linearity between them.
  public let activation: Activation
  /// The input of each layer, `[N, inputs of layer ℓ]` (the activations below it).
  public let layerInputs: [Matrix]
  /// The network's outputs $f(x_n)$, `[N, K]`.
  public let outputs: Matrix

  /// Runs `model` forward on `inputs`.
  ///
  /// - Parameters:
  ///   - model: a network of ``Dense`` layers.
  ///   - inputs: `[N, inputs]`.
  /// - Throws: ``LaplaceError/unsupportedLayer(index:type:)`` for any other layer.
  public init(model: MLP, inputs: Matrix) throws(LaplaceError) {
    self.init(
      layers: try NetworkLinearisation.denseLayers(of: model), activation: model.activation,
      inputs: inputs)
  }

  /// Runs the given dense layers forward on `inputs`.
  ///
  /// - Parameters:
  ///   - layers: consecutive dense layers.
  ///   - activation: the non-linearity after every layer but the last.
  ///   - inputs: `[N, inputs]`.
  public init(layers: [Dense], activation: Activation, inputs: Matrix) {
    precondition(!layers.isEmpty, "NetworkLinearisation: no layers")
    self.layers = layers
    self.activation = activation
    var unused = Generator(seed: 0)  // dense layers draw nothing
    var h = inputs
    var recorded = [Matrix]()
    for (k, layer) in layers.enumerated() {
      recorded.append(h)
      h = layer.apply(h, using: &unused)
      if k < layers.count - 1 { activation.apply(&h) }
    }
    layerInputs = recorded
    outputs = h
  }

  /// The dense layers of `model`.
  ///
  /// - Parameter model: the network.
  /// - Throws: ``LaplaceError/unsupportedLayer(index:type:)`` if a layer is not dense.
  public static func denseLayers(of model: MLP) throws(LaplaceError) -> [Dense] {
    var dense = [Dense]()
    for (k, layer) in model.layers.enumerated() {
      guard let d = layer as? Dense else {
        throw .unsupportedLayer(index: k, type: String(describing: type(of: layer)))
      }
      dense.append(d)
    }
    return dense
  }

  /// The number of examples $N$.
  public var count: Int { outputs.rows }

  /// The number of weights and biases in the given layers, $\sum_\ell (\text{in}_\ell + 1)\,\text{out}_\ell$.
  ///
  /// - Parameter layerRange: indices into ``layers``.
  public func parameterCount(of layerRange: Range<Int>) -> Int {
    layerRange.reduce(0) { $0 + (layers[$1].inputs + 1) * layers[$1].outputs }
  }

  /// Back-propagates one output-space vector per example: returns, for each layer in
  /// `layerRange`, the matrix $\Delta_\ell$ `[N, outputs of ℓ]` whose row $n$ is
  /// $v_n^\top \partial f(x_n)/\partial z_{n,\ell}$, with $z_{n,\ell}$ the layer's output
  /// before the activation.
  ///
  /// - Parameters:
  ///   - seed: the vectors $v_n$ as rows, `[N, K]`.
  ///   - layerRange: the layers wanted; must end at the last layer.
  public func backpropagate(_ seed: Matrix, through layerRange: Range<Int>) -> [Matrix] {
    precondition(
      seed.rows == count && seed.columns == outputs.columns,
      "NetworkLinearisation: seed is [\(seed.rows), \(seed.columns)], expected [\(count), \(outputs.columns)]"
    )
    precondition(
      layerRange.upperBound == layers.count, "NetworkLinearisation: range must end at the output")
    var deltas = [Matrix](repeating: Matrix(rows: 0, columns: 0), count: layerRange.count)
    var delta = seed
    for l in layerRange.reversed() {
      deltas[l - layerRange.lowerBound] = delta
      if l == layerRange.lowerBound { break }
      // δ_{ℓ−1} = (δ_ℓ W_ℓᵀ) ⊙ σ'(z_{ℓ−1}), with σ' read off the stored activation.
      var below = Matrix.product(delta, layers[l].weight.value, transposeB: true)
      activation.multiplyByDerivative(&below, output: layerInputs[l])
      delta = below
    }
    return deltas
  }

  /// $\sum_n v_n^\top J_n$, the column sums of ``jacobianProducts(_:layers:)`` (a
  /// gradient, when $v_n$ is the loss's gradient in output space), without forming the
  /// per-example rows: per layer $\tilde A_\ell^\top\Delta_\ell$ with $\tilde A_\ell$ its
  /// inputs and a column of ones, one matrix product each.
  ///
  /// - Parameters:
  ///   - seed: the vectors $v_n$ as rows, `[N, K]`.
  ///   - layerRange: the layers whose weights are differentiated; must end at the last.
  public func summedJacobianProducts(_ seed: Matrix, layers layerRange: Range<Int>) -> [Double] {
    let deltas = backpropagate(seed, through: layerRange)
    var sum = [Double]()
    sum.reserveCapacity(parameterCount(of: layerRange))
    for (k, l) in layerRange.enumerated() {
      sum += Matrix.product(layerInputs[l], deltas[k], transposeA: true).storage
      sum += deltas[k].sum(over: .rows).storage
    }
    return sum
  }

  /// The products $v_n^\top J_n$ for the weights of `layerRange`, one row per example,
  /// `[N, P]`, parameters ordered layer by layer, each layer's weight row-major
  /// `[inputs, outputs]` then its bias (the order of ``MLP/parameters``).
  ///
  /// - Parameters:
  ///   - seed: the vectors $v_n$ as rows, `[N, K]`.
  ///   - layerRange: the layers whose weights are differentiated; must end at the last.
  public func jacobianProducts(_ seed: Matrix, layers layerRange: Range<Int>) -> Matrix {
    let deltas = backpropagate(seed, through: layerRange)
    let p = parameterCount(of: layerRange)
    var rows = Matrix(rows: count, columns: p)
    var offset = 0
    for (k, l) in layerRange.enumerated() {
      let (inputs, outputs) = (layers[l].inputs, layers[l].outputs)
      let a = layerInputs[l]
      let delta = deltas[k]
      rows.storage.withUnsafeMutableBufferPointer { r in
        a.storage.withUnsafeBufferPointer { pa in
          delta.storage.withUnsafeBufferPointer { pd in
            for n in 0..<count {
              let row = r.baseAddress! + n * p + offset
              let d = pd.baseAddress! + n * outputs
              for i in 0..<inputs {
                let ai = pa[n * inputs + i]
                for o in 0..<outputs { row[i * outputs + o] = ai * d[o] }
              }
              for o in 0..<outputs { row[inputs * outputs + o] = d[o] }
            }
          }
        }
      }
      offset += (inputs + 1) * outputs
    }
    return rows
  }
}

extension Activation {
  /// Multiplies `x` entrywise by the activation's derivative, computed from its output
  /// $h = \sigma(z)$: $[h > 0]$ for ReLU, $1 - h^2$ for tanh, $h(1 - h)$ for the sigmoid.
  ///
  /// - Parameters:
  ///   - x: the matrix to scale, in place.
  ///   - output: the activation's output, same shape.
  func multiplyByDerivative(_ x: inout Matrix, output: Matrix) {
    precondition(x.count == output.count, "Activation: shapes differ")
    output.storage.withUnsafeBufferPointer { h in
      x.storage.withUnsafeMutableBufferPointer { p in
        switch self {
        case .relu: for k in 0..<p.count where h[k] <= 0 { p[k] = 0 }
        case .tanh: for k in 0..<p.count { p[k] *= 1 - h[k] * h[k] }
        case .sigmoid: for k in 0..<p.count { p[k] *= h[k] * (1 - h[k]) }
        case .identity: break
        }
      }
    }
  }
}
