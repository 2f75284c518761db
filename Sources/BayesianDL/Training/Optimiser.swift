import CVectorMath
import Foundation

/// Something that updates parameters from their accumulated gradients.
public protocol Optimiser {
  /// The parameters this optimiser updates, in a fixed order.
  var parameters: [Parameter] { get }
  /// Applies one update from each parameter's ``Parameter/gradient`` and zeroes the
  /// gradients.
  mutating func step()
}

extension Optimiser {
  /// Sets every parameter's gradient to zero.
  public func zeroGradients() {
    for p in parameters { p.zeroGradient() }
  }

  /// The global gradient norm $\lVert g \rVert_2$ over all parameters.
  public var gradientNorm: Double {
    parameters.reduce(0) { total, p in total + p.gradient.storage.reduce(0) { $0 + $1 * $1 } }
      .squareRoot()
  }

  /// Rescales all gradients together so that their global norm is at most `maxNorm`
  /// (the direction is kept).
  ///
  /// - Parameter maxNorm: the largest norm allowed (> 0).
  /// - Returns: the norm before clipping.
  @discardableResult
  public func clipGradientNorm(_ maxNorm: Double) -> Double {
    precondition(maxNorm > 0, "clipGradientNorm: maxNorm must be positive")
    let norm = gradientNorm
    if norm > maxNorm {
      let scale = maxNorm / norm
      for p in parameters { p.gradient = p.gradient * scale }
    }
    return norm
  }
}

/// Stochastic gradient descent with (heavy-ball) momentum:
/// $v \leftarrow \beta v + g$, $\theta \leftarrow \theta - \eta v$.
public struct SGD: Optimiser {
  /// The parameters updated.
  public let parameters: [Parameter]
  /// The step size $\eta$.
  public var learningRate: Double
  /// The momentum $\beta \in [0, 1)$ (0 is plain SGD).
  public var momentum: Double
  private var velocity: [Matrix]

  /// Creates the optimiser.
  ///
  /// - Parameters:
  ///   - parameters: what to update.
  ///   - learningRate: $\eta > 0$.
  ///   - momentum: $\beta \in [0, 1)$.
  public init(parameters: [Parameter], learningRate: Double, momentum: Double = 0) {
    precondition(learningRate > 0, "SGD: learning rate must be positive")
    precondition(momentum >= 0 && momentum < 1, "SGD: momentum must be in [0, 1)")
    self.parameters = parameters
    self.learningRate = learningRate
    self.momentum = momentum
    velocity = parameters.map { Matrix(rows: $0.value.rows, columns: $0.value.columns) }
  }

  /// One momentum step; gradients are zeroed afterwards.
  public mutating func step() {
    for (k, p) in parameters.enumerated() {
      for i in 0..<p.count {
        velocity[k].storage[i] = momentum * velocity[k].storage[i] + p.gradient.storage[i]
        p.value.storage[i] -= learningRate * velocity[k].storage[i]
      }
      p.zeroGradient()
    }
  }
}

/// Adam (Kingma & Ba, 2015): per-coordinate steps scaled by running moment estimates,
/// $m \leftarrow \beta_1 m + (1-\beta_1) g$, $v \leftarrow \beta_2 v + (1-\beta_2) g^2$,
/// $\theta \leftarrow \theta - \eta\,\hat m/(\sqrt{\hat v} + \epsilon)$ with bias-corrected
/// $\hat m = m/(1-\beta_1^t)$, $\hat v = v/(1-\beta_2^t)$.
public struct Adam: Optimiser {
  /// The parameters updated.
  public let parameters: [Parameter]
  /// The step size $\eta$.
  public var learningRate: Double
  /// Decay of the first moment, $\beta_1$.
  public let beta1: Double
  /// Decay of the second moment, $\beta_2$.
  public let beta2: Double
  /// The denominator guard $\epsilon$.
  public let epsilon: Double
  private var firstMoment: [[Double]]
  private var secondMoment: [[Double]]
  private var stepCount = 0

  /// Creates the optimiser with zero moment estimates.
  ///
  /// - Parameters:
  ///   - parameters: what to update.
  ///   - learningRate: $\eta > 0$ (default 1e-3).
  ///   - beta1: $\beta_1$ (default 0.9).
  ///   - beta2: $\beta_2$ (default 0.999).
  ///   - epsilon: $\epsilon$ (default 1e-8).
  public init(
    parameters: [Parameter], learningRate: Double = 1e-3, beta1: Double = 0.9,
    beta2: Double = 0.999, epsilon: Double = 1e-8
  ) {
    precondition(learningRate > 0, "Adam: learning rate must be positive")
    self.parameters = parameters
    self.learningRate = learningRate
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
    firstMoment = parameters.map { [Double](repeating: 0, count: $0.count) }
    secondMoment = parameters.map { [Double](repeating: 0, count: $0.count) }
  }

  /// One Adam step; gradients are zeroed afterwards.
  public mutating func step() {
    stepCount += 1
    let correction1 = 1 - pow(beta1, Double(stepCount))
    let correction2 = 1 - pow(beta2, Double(stepCount))
    // η m̂/(√v̂ + ε) = (η/c₁) m / (√v/√c₂ + ε): one square root and one division per entry.
    let stepSize = learningRate / correction1
    let inverseRootCorrection2 = 1 / correction2.squareRoot()
    // The update itself is a C kernel with an AVX2 copy (four entries at a time, the
    // square root and division included), the same bits as the entry-by-entry formula.
    let (b1, b2, eps) = (beta1, beta2, epsilon)
    for (k, p) in parameters.enumerated() {
      firstMoment[k].withUnsafeMutableBufferPointer { m in
        secondMoment[k].withUnsafeMutableBufferPointer { v in
          p.gradient.storage.withUnsafeMutableBufferPointer { g in
            p.value.storage.withUnsafeMutableBufferPointer { theta in
              guard let base = theta.baseAddress else { return }
              cvm_adam_step(
                base, g.baseAddress!, m.baseAddress!, v.baseAddress!, theta.count, b1, b2, stepSize,
                inverseRootCorrection2, eps, CVMPathAutomatic)
            }
          }
        }
      }
    }
  }
}
