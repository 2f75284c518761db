import Foundation

/// Computes the curvature of the negative log-likelihood of a network of dense layers
/// at its current weights, in any ``CurvatureKind`` and ``HessianStructure``.
///
/// For the Gaussian likelihood the curvature is returned *without* its noise factor:
/// the GGN and the Hessian of $\frac1{2\sigma^2}\sum_n\lVert y_n - f_n\rVert^2$ are $s\,C$ and the
/// empirical Fisher is $s^2 C$, with $s = 1/\sigma^2$ and $C$ computed from the residuals
/// alone, so the noise level can be changed afterwards (marginal likelihood) without
/// recomputing anything. The power of $s$ is returned with the curvature (0 for the
/// categorical likelihood, which has no noise level).
public enum CurvatureEstimation {
  /// The curvature over the weights of `layerRange`.
  ///
  /// - Parameters:
  ///   - kind: Hessian, GGN or empirical Fisher.
  ///   - structure: full, diagonal or Kronecker-factored.
  ///   - network: the forward pass on the training inputs.
  ///   - likelihood: Gaussian or categorical.
  ///   - targets: the training targets.
  ///   - layerRange: the layers whose weights are uncertain (ending at the last).
  /// - Returns: $C$ and the power $k$ of $s$ in $s^k C$.
  /// - Throws: ``LaplaceError`` for an unsupported likelihood or combination.
  public static func estimate(
    _ kind: CurvatureKind, structure: HessianStructure, network: NetworkLinearisation,
    likelihood: Likelihood, targets: Targets, layers layerRange: Range<Int>
  ) throws(LaplaceError) -> (curvature: any StructuredCurvature, noisePower: Int) {
    let isGaussian = try LaplaceLikelihood.isGaussian(likelihood)
    let noisePower: Int
    switch kind {
    case .ggn, .hessian: noisePower = isGaussian ? 1 : 0
    case .empiricalFisher: noisePower = isGaussian ? 2 : 0
    }
    if kind == .hessian {
      let hessian = exactHessian(
        network: network, likelihood: likelihood, targets: targets, layers: layerRange)
      switch structure {
      case .full: return (try FullCurvature(dense: hessian), noisePower)
      case .diagonal: return (DiagonalCurvature(values: hessian.diagonalEntries), noisePower)
      case .kronecker:
        throw .unsupportedCombination(
          "K-FAC approximates the GGN or the Fisher, not the exact Hessian")
      }
    }
    let seeds =
      kind == .ggn
      ? LaplaceLikelihood.hessianSquareRootColumns(network.outputs, likelihood: likelihood)
      : [
        LaplaceLikelihood.outputGradient(network.outputs, likelihood: likelihood, targets: targets)
      ]
    switch structure {
    case .full:
      let rows = Matrix.vstack(seeds.map { network.jacobianProducts($0, layers: layerRange) })
      return (try FullCurvature(factor: rows), noisePower)
    case .diagonal:
      return (diagonal(network: network, seeds: seeds, layers: layerRange), noisePower)
    case .kronecker:
      return (try kronecker(network: network, seeds: seeds, layers: layerRange), noisePower)
    }
  }

  /// $\operatorname{diag}\sum_{n,c}(v_{nc}^\top J_n)^2$ per layer as $(\tilde A^{\circ 2})^\top\sum_c\Delta_c^{\circ 2}$,
  /// without forming a Jacobian.
  static func diagonal(
    network: NetworkLinearisation, seeds: [Matrix], layers layerRange: Range<Int>
  )
    -> DiagonalCurvature
  {
    let deltas = seeds.map { network.backpropagate($0, through: layerRange) }
    var values = [Double]()
    for (k, l) in layerRange.enumerated() {
      let squaredInputs = LastLayerDesign.rows(network.layerInputs[l]).map { $0 * $0 }
      var squaredDeltas = deltas[0][k].map { $0 * $0 }
      for c in deltas.indices.dropFirst() { squaredDeltas += deltas[c][k].map { $0 * $0 } }
      values += Matrix.product(squaredInputs, squaredDeltas, transposeA: true).storage
    }
    return DiagonalCurvature(values: values)
  }

  /// K-FAC: per layer $A = \tilde A^\top\tilde A/N$, $G = \sum_c \Delta_c^\top\Delta_c/N$, block $N A\otimes G$.
  static func kronecker(
    network: NetworkLinearisation, seeds: [Matrix], layers layerRange: Range<Int>
  ) throws(LaplaceError) -> KroneckerCurvature {
    let n = Double(network.count)
    let deltas = seeds.map { network.backpropagate($0, through: layerRange) }
    var blocks = [KroneckerCurvature.Block]()
    for (k, l) in layerRange.enumerated() {
      let inputs = LastLayerDesign.rows(network.layerInputs[l])
      let a = Matrix.product(inputs, inputs, transposeA: true) / n
      var g = Matrix(rows: network.layers[l].outputs, columns: network.layers[l].outputs)
      for c in deltas.indices { g.addProduct(deltas[c][k], deltas[c][k], transposeA: true) }
      blocks.append(try KroneckerCurvature.Block(inputFactor: a, outputFactor: g / n, count: n))
    }
    return KroneckerCurvature(blocks: blocks)
  }

  /// The Hessian of the (noise-free) negative log-likelihood over the weights of
  /// `layerRange`, by central differences of exact gradients, symmetrised:
  /// $H_{:,i} \approx [g(\theta + he_i) - g(\theta - he_i)]/2h$ with $h = 10^{-5}$, whose
  /// truncation error ($\sim h^2$) and round-off ($\sim \epsilon/h$) are both near $10^{-10}$.
  ///
  /// - Parameters:
  ///   - network: the forward pass at the expansion point.
  ///   - likelihood: Gaussian or categorical.
  ///   - targets: the training targets.
  ///   - layerRange: the layers differentiated.
  public static func exactHessian(
    network: NetworkLinearisation, likelihood: Likelihood, targets: Targets,
    layers layerRange: Range<Int>
  ) -> Matrix {
    let theta = DenseParameters.vector(of: network.layers, layerRange)
    let p = theta.count
    let inputs = network.layerInputs[0]
    func gradient(_ point: [Double]) -> [Double] {
      let layers = DenseParameters.layers(network.layers, layerRange, replacedBy: point)
      let moved = NetworkLinearisation(
        layers: layers, activation: network.activation, inputs: inputs)
      return lossGradient(
        network: moved, likelihood: likelihood, targets: targets, layers: layerRange)
    }
    let h = 1e-5
    var hessian = Matrix(rows: p, columns: p)
    for i in 0..<p {
      var plus = theta
      var minus = theta
      plus[i] += h
      minus[i] -= h
      let (gp, gm) = (gradient(plus), gradient(minus))
      for j in 0..<p { hessian[j, i] = (gp[j] - gm[j]) / (2 * h) }
    }
    return (hessian + hessian.transposed) * 0.5
  }

  /// $\sum_n J_n^\top\nabla_f\ell_n$: the gradient of the noise-free negative
  /// log-likelihood ($\frac12\lVert y - f\rVert^2$ per example for the Gaussian).
  ///
  /// - Parameters:
  ///   - network: the forward pass.
  ///   - likelihood: Gaussian or categorical.
  ///   - targets: the training targets.
  ///   - layerRange: the layers differentiated.
  public static func lossGradient(
    network: NetworkLinearisation, likelihood: Likelihood, targets: Targets,
    layers layerRange: Range<Int>
  ) -> [Double] {
    let seed = LaplaceLikelihood.outputGradient(
      network.outputs, likelihood: likelihood, targets: targets)
    return network.summedJacobianProducts(seed, layers: layerRange)
  }
}

/// The weights of a stack of dense layers as one flat vector, in the order of
/// ``NetworkLinearisation/jacobianProducts(_:layers:)``.
enum DenseParameters {
  /// Each layer's weight (row-major) then bias, for the layers of `range`.
  static func vector(of layers: [Dense], _ range: Range<Int>) -> [Double] {
    range.flatMap { layers[$0].weight.value.storage + layers[$0].bias.value.storage }
  }

  /// Copies of `layers` in which those of `range` take their weights from `theta`; the
  /// others are shared.
  static func layers(_ layers: [Dense], _ range: Range<Int>, replacedBy theta: [Double]) -> [Dense]
  {
    guard !range.isEmpty else { return layers }
    let sizes = [layers[range.lowerBound].inputs] + range.map { layers[$0].outputs }
    let fresh = Self.layers(sizes: sizes, from: theta, firstIndex: range.lowerBound)
    return layers.enumerated().map { l, layer in
      range.contains(l) ? fresh[l - range.lowerBound] : layer
    }
  }

  /// New dense layers of widths `sizes` whose weights come from `theta`, in the same
  /// order (each layer's weight row-major, then its bias), named from `firstIndex + 1`.
  static func layers(sizes: [Int], from theta: [Double], firstIndex: Int = 0) -> [Dense] {
    var offset = 0
    return zip(sizes, sizes.dropFirst()).enumerated().map { l, shape in
      let (ni, no) = shape
      let weight = Matrix(
        rows: ni, columns: no, storage: Array(theta[offset..<(offset + ni * no)]))
      let bias = Matrix(
        rows: 1, columns: no, storage: Array(theta[(offset + ni * no)..<(offset + (ni + 1) * no)]))
      offset += (ni + 1) * no
      return Dense(weight: weight, bias: bias, name: "layer\(firstIndex + l + 1)")
    }
  }
}
