/// A fully connected layer $y = xW + b$ with point-estimate weights.
public final class Dense: Layer {
  /// The weights $W$, `[inputs, outputs]`.
  public let weight: Parameter
  /// The bias $b$, `[1, outputs]`.
  public let bias: Parameter

  /// Creates a layer with the given weights and bias.
  ///
  /// - Parameters:
  ///   - weight: $W$, `[inputs, outputs]`.
  ///   - bias: $b$, `[1, outputs]`.
  ///   - name: a prefix for the parameter names.
  public init(weight: Matrix, bias: Matrix, name: String = "dense") {
    precondition(
      bias.rows == 1 && bias.columns == weight.columns,
      "Dense: bias [\(bias.rows), \(bias.columns)] does not fit weight [\(weight.rows), \(weight.columns)]"
    )
    self.weight = Parameter("\(name).weight", weight)
    self.bias = Parameter("\(name).bias", bias)
  }

  /// Creates a layer with weights drawn from $\mathcal N(0, \text{gain}^2/\text{inputs})$
  /// (He initialisation for `gain` = √2) and zero bias.
  ///
  /// - Parameters:
  ///   - inputs: the input width.
  ///   - outputs: the output width.
  ///   - gain: the scale factor of the initial weights (default √2, for ReLU).
  ///   - name: a prefix for the parameter names.
  ///   - rng: the generator for the initial weights.
  public init(
    inputs: Int, outputs: Int, gain: Double = 2.0.squareRoot(), name: String = "dense",
    using rng: inout Generator
  ) {
    let scale = gain / Double(inputs).squareRoot()
    weight = Parameter(
      "\(name).weight", rng.normalMatrix(rows: inputs, columns: outputs, standardDeviation: scale))
    bias = Parameter("\(name).bias", Matrix(rows: 1, columns: outputs))
  }

  /// The input width.
  public var inputs: Int { weight.value.rows }
  /// The output width.
  public var outputs: Int { weight.value.columns }
  /// `[weight, bias]`.
  public var parameters: [Parameter] { [weight, bias] }

  /// $xW + b$; `mode` and `rng` are not used.
  ///
  /// - Parameters:
  ///   - x: `[batch, inputs]`.
  ///   - mode: ignored (the weights are fixed).
  ///   - rng: ignored.
  public func forward(_ x: Variable, mode: WeightMode, using rng: inout Generator) -> Variable {
    x.affine(x.tape.parameter(weight), x.tape.parameter(bias))
  }

  /// Itself: the weights are already fixed.
  ///
  /// - Parameters:
  ///   - mode: ignored.
  ///   - rng: ignored.
  public func frozen(mode: WeightMode, using rng: inout Generator) -> any Layer { self }

  /// $xW + b$ on plain matrices: the bias is broadcast into the output and BLAS adds the
  /// product to it.
  ///
  /// - Parameters:
  ///   - x: `[batch, inputs]`.
  ///   - rng: not used.
  public func apply(_ x: Matrix, using rng: inout Generator) -> Matrix {
    var out = Matrix(rows: x.rows, columns: outputs)
    let width = outputs
    bias.value.storage.withUnsafeBufferPointer { b in
      out.storage.withUnsafeMutableBufferPointer { p in
        for i in 0..<x.rows {
          (p.baseAddress! + i * width).update(from: b.baseAddress!, count: width)
        }
      }
    }
    out.addProduct(x, weight.value)
    return out
  }
}
