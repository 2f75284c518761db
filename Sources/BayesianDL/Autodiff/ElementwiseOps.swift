import CVectorMath
import Foundation

extension Variable {
  /// Records $y = f(x)$ element-wise, with pullback $\bar x = \bar y \odot f'(x)$.
  ///
  /// `derivative(x, y)` gives $f'$ from the input and the output (whichever is cheaper).
  /// It is evaluated here, during the forward pass, and only when a gradient will be
  /// needed, so that the pullback is a plain product with no closure call per element.
  @inline(__always)
  func elementwise(_ f: (Double) -> Double, derivative: (Double, Double) -> Double) -> Variable {
    let y = value.map(f)
    guard tape.recordsGradients else { return tape.record(y, inputs: [self]) { _, _ in } }
    // Written straight into fresh storage (no copy of `y` to overwrite).
    let slopes = value.storage.withUnsafeBufferPointer { px in
      y.storage.withUnsafeBufferPointer { py in
        [Double](unsafeUninitializedCapacity: px.count) { pd, initialised in
          for k in 0..<px.count { (pd.baseAddress! + k).initialize(to: derivative(px[k], py[k])) }
          initialised = px.count
        }
      }
    }
    return recordElementwise(y, slope: Matrix(rows: y.rows, columns: y.columns, storage: slopes))
  }

  /// Records $y$, an element-wise function of this variable whose derivative at each entry
  /// is `slope` (worked out in the forward pass): the pullback is $\bar x = \bar y \odot$
  /// `slope`. What every element-wise operation ends with, and a dropout mask too.
  ///
  /// - Parameters:
  ///   - y: the output, of this variable's shape.
  ///   - slope: $\partial y_{ij} / \partial x_{ij}$, of the same shape.
  func recordElementwise(_ y: Matrix, slope: Matrix) -> Variable {
    let input = node
    return tape.record(y, inputs: [self]) { g, tape in tape.accumulate(g * slope, into: input) }
  }
}

/// $e^x$ element-wise; $\bar x = \bar y\,e^x$.
public func exp(_ x: Variable) -> Variable {
  x.elementwise(Foundation.exp) { _, y in y }
}

/// $\log x$ element-wise (natural logarithm); $\bar x = \bar y / x$.
public func log(_ x: Variable) -> Variable {
  x.elementwise(Foundation.log) { x, _ in 1 / x }
}

/// $\sqrt{x}$ element-wise; $\bar x = \bar y / (2\sqrt x)$.
///
/// Computed by a vectorised kernel (`cvm_square_root`): the same bits as `squareRoot()`
/// element by element, which Swift cannot vectorise.
public func sqrt(_ x: Variable) -> Variable {
  let count = x.value.count
  let keepsSlope = x.tape.recordsGradients
  var slopes = [Double]()
  let roots = [Double](unsafeUninitializedCapacity: count) { rootBuffer, initialised in
    x.value.storage.withUnsafeBufferPointer { values in
      guard count > 0 else { return }
      if keepsSlope {
        slopes = [Double](unsafeUninitializedCapacity: count) { slopeBuffer, slopeCount in
          cvm_square_root(
            values.baseAddress, rootBuffer.baseAddress, slopeBuffer.baseAddress, count,
            CVMPathAutomatic)
          slopeCount = count
        }
      } else {
        cvm_square_root(values.baseAddress, rootBuffer.baseAddress, nil, count, CVMPathAutomatic)
      }
    }
    initialised = count
  }
  let y = Matrix(rows: x.rows, columns: x.columns, storage: roots)
  guard keepsSlope else { return x.tape.record(y, inputs: [x]) { _, _ in } }
  return x.recordElementwise(y, slope: Matrix(rows: x.rows, columns: x.columns, storage: slopes))
}

/// $x^2$ element-wise; $\bar x = 2x\,\bar y$.
public func square(_ x: Variable) -> Variable {
  x.elementwise {
    $0 * $0
  } derivative: { x, _ in
    2 * x
  }
}

/// The softplus $\log(1 + e^x)$ element-wise, stable for any $x$ (see
/// ``softplus(_:)-(Double)``); $\bar x = \bar y\,\sigma(x)$.
public func softplus(_ x: Variable) -> Variable {
  x.elementwise(softplus) { x, _ in sigmoid(x) }
}

/// The rectifier $\max(x, 0)$ element-wise; its derivative is taken as 0 at $x = 0$.
public func relu(_ x: Variable) -> Variable {
  x.elementwise {
    Swift.max($0, 0)
  } derivative: { x, _ in
    x > 0 ? 1 : 0
  }
}

/// $\tanh x$ element-wise, by the vectorised kernel of the samplers' network gradient (within
/// 4 ulps of the C library's, four at a time); $\bar x = \bar y\,(1 - \tanh^2 x)$.
public func tanh(_ x: Variable) -> Variable {
  var y = x.value
  y.storage.withUnsafeMutableBufferPointer { VectorisedTanh.apply($0) }
  guard x.tape.recordsGradients else { return x.tape.record(y, inputs: [x]) { _, _ in } }
  return x.recordElementwise(y, slope: y.map { 1 - $0 * $0 })
}

/// The logistic sigmoid element-wise; $\bar x = \bar y\,\sigma(x)(1 - \sigma(x))$.
public func sigmoid(_ x: Variable) -> Variable {
  x.elementwise(sigmoid) { _, y in y * (1 - y) }
}

/// The Gaussian error linear unit (Hendrycks & Gimpel 2016), exactly:
/// $\operatorname{GELU}(x) = x\,\Phi(x)$ with $\Phi$ the standard normal CDF;
/// $\bar x = \bar y\,(\Phi(x) + x\,\varphi(x))$.
public func gelu(_ x: Variable) -> Variable {
  x.elementwise {
    $0 * 0.5 * erfc(-$0 / 2.0.squareRoot())
  } derivative: { x, y in
    // Φ(x) = y/x reuses the forward pass's erfc (one ulp off; Φ(0) = ½ exactly).
    (x == 0 ? 0.5 : y / x) + x * Foundation.exp(-0.5 * x * x) / (2 * Double.pi).squareRoot()
  }
}
