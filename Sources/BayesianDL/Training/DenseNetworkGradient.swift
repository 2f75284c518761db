import CVectorMath
import Foundation

/// ``MAPEstimation``'s objective and its gradient for a network of ``Dense`` and ``Dropout``
/// layers, computed without a tape.
///
/// On the course's small networks a tape node costs more in bookkeeping (its closure, the
/// allocation of its matrices, reference counting) than in arithmetic (`make bench` times
/// chapter 11's network both ways). This evaluator runs the tape's operations — the
/// forward pass, the dropout masks, the likelihood, the prior and every pullback — in the
/// tape's order, on buffers it keeps from step to step. Each value and each gradient is
/// therefore the tape's, bit for bit (the tests compare them on every likelihood,
/// activation and layer pattern).
///
/// It runs only where ``Matrix`` multiplies with the course's own kernel, which it calls
/// directly; elsewhere ``MAPEstimation`` keeps the tape.
final class DenseNetworkGradient {
  /// One layer of the network, as the evaluator runs it.
  private enum Stage {
    /// $xW + b$, followed by the activation when `activated`.
    case dense(weight: Parameter, bias: Parameter, activated: Bool)
    /// A dropout layer with a nonzero rate (a zero rate is the identity and is dropped).
    case dropout(Dropout)
  }

  private let stages: [Stage]
  /// The output width of each stage.
  private let widths: [Int]
  private let inputWidth: Int
  private let activation: Activation
  private let likelihood: Likelihood
  private let parameters: [Parameter]
  /// $1/(2\sigma_p^2 N)$, the prior's coefficient, or nil for maximum likelihood.
  private let priorCoefficient: Double?

  /// The rows the buffers hold; they grow with the first larger batch.
  private var capacityRows = 0
  /// Per stage: its output, its slopes (activated dense) and its mask (dropout; an array,
  /// as ``Dropout`` draws into one).
  private var outputs: [UnsafeMutablePointer<Double>] = []
  private var slopes: [UnsafeMutablePointer<Double>?] = []
  private var masks: [[Double]]
  /// Two buffers the gradient passes between, wide enough for any stage.
  private var gradient = UnsafeMutablePointer<Double>.allocate(capacity: 0)
  private var nextGradient = UnsafeMutablePointer<Double>.allocate(capacity: 0)
  /// A weight's or a bias's gradient before it is added to the parameter's.
  private var weightGradient: UnsafeMutablePointer<Double>

  /// An evaluator for `objective` on a training set of `datasetSize` examples, or nil if
  /// its network has a layer other than ``Dense`` and ``Dropout`` or products do not run on
  /// the course's kernel.
  ///
  /// - Parameters:
  ///   - objective: the MAP objective.
  ///   - datasetSize: $N$, which scales the prior.
  init?(_ objective: MAPEstimation, datasetSize: Int) {
    guard Matrix.usesOwnProductKernel else { return nil }
    let model = objective.model
    let lastWeightLayer = model.layers.lastIndex { $0.hasWeights } ?? model.layers.count - 1
    var stages = [Stage]()
    var widths = [Int]()
    for (k, layer) in model.layers.enumerated() {
      if let dense = layer as? Dense {
        // The tape records no node for the identity, so there is nothing to differentiate.
        let activated = k < lastWeightLayer && model.activation != .identity
        stages.append(.dense(weight: dense.weight, bias: dense.bias, activated: activated))
      } else if let dropout = layer as? Dropout {
        guard dropout.rate > 0 else { continue }
        stages.append(.dropout(dropout))
      } else {
        return nil
      }
      widths.append(layer.outputs)
    }
    guard stages.contains(where: { if case .dense = $0 { true } else { false } }) else {
      return nil
    }
    self.stages = stages
    self.widths = widths
    inputWidth = model.inputs
    activation = model.activation
    likelihood = objective.likelihood
    parameters = model.parameters
    priorCoefficient = objective.priorStandardDeviation.map { sigma in
      0.5 / (sigma * sigma * Double(datasetSize))
    }
    masks = stages.map { _ in [] }
    let largestWeight = parameters.map(\.count).max() ?? 0
    weightGradient = .allocate(capacity: largestWeight)
  }

  deinit {
    for buffer in outputs { buffer.deallocate() }
    for case let buffer? in slopes { buffer.deallocate() }
    gradient.deallocate()
    nextGradient.deallocate()
    weightGradient.deallocate()
  }

  /// Evaluates the objective on `batch`, checks that it is finite, and adds its gradient
  /// to every parameter's ``Parameter/gradient`` — what the tape does, with the same bits.
  ///
  /// - Parameters:
  ///   - batch: the minibatch (at least one example).
  ///   - rng: the generator for the dropout masks, drawn in the tape's order.
  ///   - step: the optimisation step, for the error message.
  /// - Returns: the objective and its two parts.
  /// - Throws: ``NonFiniteError`` if the objective is not finite (the gradients are then
  ///   left untouched).
  func evaluate(_ batch: Dataset, using rng: inout Generator, step: Int) throws -> MinibatchValues {
    let rows = batch.count
    precondition(rows > 0, "DenseNetworkGradient: an empty minibatch")
    precondition(
      batch.inputs.columns == inputWidth,
      "MAPEstimation: inputs have \(batch.inputs.columns) columns, the network expects \(inputWidth)"
    )
    reserve(rows: rows)
    return try batch.inputs.storage.withUnsafeBufferPointer { input in
      let x = input.baseAddress!
      forward(x, rows: rows, using: &rng)
      let nll = negativeLogLikelihood(batch.targets, rows: rows)
      let prior = priorCoefficient.map { squaredNorm() * $0 }
      let total = prior.map { nll + $0 } ?? nll
      try TrainingGuard.check(total, "loss", step: step)
      backward(x, rows: rows)
      if let priorCoefficient { addPriorGradient(priorCoefficient) }
      return MinibatchValues(loss: total, negativeLogLikelihood: nll, regulariser: prior ?? 0)
    }
  }

  // MARK: Forward

  /// Runs the stages, keeping every output, slope and mask for the backward pass.
  private func forward(_ x: UnsafePointer<Double>, rows: Int, using rng: inout Generator) {
    var input = x
    var width = inputWidth
    for (k, stage) in stages.enumerated() {
      let out = outputs[k]
      let outWidth = widths[k]
      let count = rows * outWidth
      switch stage {
      case .dropout(let dropout):
        // The tape's mask: ones multiplied by the mask's factors, then x ⊙ m.
        masks[k].removeAll(keepingCapacity: true)
        masks[k].append(contentsOf: repeatElement(1, count: count))
        dropout.multiplyByMask(&masks[k], using: &rng)
        masks[k].withUnsafeBufferPointer { mask in
          for i in 0..<count { out[i] = input[i] * mask[i] }
        }
      case .dense(let weight, let bias, let activated):
        weight.value.storage.withUnsafeBufferPointer { w in
          cvm_matrix_product(
            0, 0, rows, outWidth, width, 1, input, width, w.baseAddress, outWidth, out, outWidth, 0)
        }
        bias.value.storage.withUnsafeBufferPointer { b in
          for i in 0..<rows {
            for j in 0..<outWidth { out[i * outWidth + j] += b[j] }
          }
        }
        if activated { activate(out, slopes: slopes[k]!, count: count) }
      }
      input = UnsafePointer(out)
      width = outWidth
    }
  }

  /// The activation in place, with its derivative at each entry, as the tape's
  /// element-wise node computes them.
  private func activate(
    _ values: UnsafeMutablePointer<Double>, slopes: UnsafeMutablePointer<Double>, count: Int
  ) {
    switch activation {
    case .relu:
      for i in 0..<count {
        let x = values[i]
        values[i] = Swift.max(x, 0)
        slopes[i] = x > 0 ? 1 : 0
      }
    case .tanh:
      VectorisedTanh.apply(UnsafeMutableBufferPointer(start: values, count: count))
      for i in 0..<count { slopes[i] = 1 - values[i] * values[i] }
    case .sigmoid:
      for i in 0..<count {
        let y = BayesianDL.sigmoid(values[i])
        values[i] = y
        slopes[i] = y * (1 - y)
      }
    case .identity:
      preconditionFailure("DenseNetworkGradient: the identity has no stage")
    }
  }

  // MARK: Likelihood

  /// The mean negative log-likelihood of the last stage's output; its gradient with
  /// respect to that output is left in `gradient`.
  private func negativeLogLikelihood(_ targets: Targets, rows: Int) -> Double {
    let out = outputs[stages.count - 1]
    let columns = widths[stages.count - 1]
    switch likelihood {
    case .categorical:
      return crossEntropy(out, rows: rows, classes: columns, labels: targets.labels)
    case .gaussian(let sigma):
      let y = targets.values
      precondition(
        y.rows == rows && y.columns == columns,
        "gaussianNegativeLogLikelihood: mean [\(rows), \(columns)] vs targets [\(y.rows), \(y.columns)]"
      )
      return y.storage.withUnsafeBufferPointer { t in
        gaussian(out, rows: rows, columns: columns, targets: t.baseAddress!, sigma: sigma)
      }
    case .heteroscedastic:
      precondition(
        columns == 2, "Likelihood.heteroscedastic: the network must output [mean, log-variance]")
      let y = targets.values
      precondition(
        y.rows == rows && y.columns == 1,
        "gaussianNegativeLogLikelihood: mean [\(rows), 1] vs targets [\(y.rows), \(y.columns)]")
      return y.storage.withUnsafeBufferPointer { t in
        heteroscedastic(out, rows: rows, targets: t.baseAddress!)
      }
    }
  }

  /// ``gaussianNegativeLogLikelihood(mean:logVariance:targets:)`` with a constant
  /// $s = \log\sigma^2$, step by step as it computes it.
  private func gaussian(
    _ mean: UnsafeMutablePointer<Double>, rows: Int, columns: Int, targets: UnsafePointer<Double>,
    sigma: Double
  ) -> Double {
    let gradient = self.gradient  // a local: a class property would be access-checked per entry
    let s = 2 * Foundation.log(sigma)
    let precision = Foundation.exp(-s)
    let scale = 1 / Double(rows)
    let halfScale = scale * 0.5
    var sum = MatrixOrderSum(count: rows * columns)
    for i in 0..<(rows * columns) {
      let residual = mean[i] - targets[i]
      let squared = residual * residual
      sum.add(((s + squared * precision) + Self.logTwoPi) * 0.5)
      gradient[i] = (halfScale * precision) * (2 * residual)
    }
    return sum.total * scale
  }

  /// ``gaussianNegativeLogLikelihood(mean:logVariance:targets:)`` on the two columns
  /// `[μ, s]`; the gradient is placed back in the columns as the tape's column nodes do.
  private func heteroscedastic(
    _ out: UnsafeMutablePointer<Double>, rows: Int, targets: UnsafePointer<Double>
  ) -> Double {
    let gradient = self.gradient
    let scale = 1 / Double(rows)
    let halfScale = scale * 0.5
    var sum = MatrixOrderSum(count: rows)
    for i in 0..<rows {
      let (mean, s) = (out[2 * i], out[2 * i + 1])
      let residual = mean - targets[i]
      let precision = Foundation.exp(-s)
      let squared = residual * residual
      sum.add(((s + squared * precision) + Self.logTwoPi) * 0.5)
      let throughPrecision = -((halfScale * squared) * precision)
      // The log-variance's column node runs first and writes a zero in the mean's column;
      // the mean's then adds its gradient to that zero (and a zero to the other column).
      gradient[2 * i] = 0 + (halfScale * precision) * (2 * residual)
      gradient[2 * i + 1] = (halfScale + throughPrecision) + 0
    }
    return sum.total * scale
  }

  /// ``softmaxCrossEntropy(logits:labels:)``, through the rows' log-softmax.
  private func crossEntropy(
    _ logits: UnsafeMutablePointer<Double>, rows: Int, classes: Int, labels: [Int]
  ) -> Double {
    precondition(
      labels.count == rows, "softmaxCrossEntropy: \(labels.count) labels for \(rows) rows")
    let gradient = self.gradient
    var total = 0.0
    let scale = 1 / Double(rows)
    for i in 0..<rows {
      let row = logits + i * classes
      var largest = -Double.infinity
      for j in 0..<classes { largest = Swift.max(largest, row[j]) }
      var s = 0.0
      for j in 0..<classes { s += Foundation.exp(row[j] - largest) }
      let logSumExp = largest + Foundation.log(s)
      let label = labels[i]
      precondition(
        label >= 0 && label < classes, "softmaxCrossEntropy: label \(label) outside 0..<\(classes)")
      total -= row[label] - logSumExp
      for j in 0..<classes {
        var dz = Foundation.exp(row[j] - logSumExp)
        if j == label { dz -= 1 }
        gradient[i * classes + j] = dz * scale
      }
    }
    return total / Double(rows)
  }

  // MARK: Backward

  /// The pullbacks in reverse order: each weight gradient is added to its parameter's,
  /// and the gradient stops at the first layer with weights (the data need none).
  private func backward(_ x: UnsafePointer<Double>, rows: Int) {
    let firstDense = stages.firstIndex { if case .dense = $0 { true } else { false } }!
    // Locals: the class's properties would be access-checked at every entry.
    var (gradient, nextGradient) = (self.gradient, self.nextGradient)
    let weightGradient = self.weightGradient
    for k in stages.indices.reversed() {
      let outWidth = widths[k]
      let count = rows * outWidth
      switch stages[k] {
      case .dropout:
        guard k > firstDense else { return }
        masks[k].withUnsafeBufferPointer { mask in
          for i in 0..<count { gradient[i] = gradient[i] * mask[i] }
        }
      case .dense(let weight, let bias, let activated):
        if activated {
          let slope = slopes[k]!
          for i in 0..<count { gradient[i] = gradient[i] * slope[i] }
        }
        let inWidth = k == 0 ? inputWidth : widths[k - 1]
        let input = k == 0 ? x : UnsafePointer(outputs[k - 1])
        addBiasGradient(gradient, to: bias, rows: rows, columns: outWidth)
        if k > firstDense {
          weight.value.storage.withUnsafeBufferPointer { w in
            cvm_matrix_product(
              0, 1, rows, inWidth, outWidth, 1, gradient, outWidth, w.baseAddress, outWidth,
              nextGradient, inWidth, 0)
          }
        }
        cvm_matrix_product(
          1, 0, inWidth, outWidth, rows, 1, input, inWidth, gradient, outWidth, weightGradient,
          outWidth, 0)
        weight.gradient.storage.withUnsafeMutableBufferPointer { g in
          for i in 0..<g.count { g[i] += weightGradient[i] }
        }
        guard k > firstDense else { return }
        swap(&gradient, &nextGradient)
      }
    }
  }

  /// Adds the bias's gradient, the output gradient summed over the rows, reduced as the
  /// tape's broadcast reduces it: one row is itself, a single column is summed four
  /// partial sums at a time, wider rows are summed row by row from zero.
  private func addBiasGradient(
    _ gradient: UnsafePointer<Double>, to bias: Parameter, rows: Int, columns: Int
  ) {
    bias.gradient.storage.withUnsafeMutableBufferPointer { g in
      if rows == 1 {
        for j in 0..<columns { g[j] += gradient[j] }
      } else if columns == 1 {
        var sum = MatrixOrderSum(count: rows)
        for i in 0..<rows { sum.add(gradient[i]) }
        g[0] += sum.total
      } else {
        // Row by row into one running sum per column: each column's additions in the
        // tape's order, and the columns side by side (a column at a time would be one
        // long chain of dependent additions).
        let sums = weightGradient
        sums.update(repeating: 0, count: columns)
        for i in 0..<rows {
          let row = gradient + i * columns
          for j in 0..<columns { sums[j] = sums[j] + row[j] }
        }
        for j in 0..<columns { g[j] += sums[j] }
      }
    }
  }

  // MARK: Prior

  /// $\sum_k \lVert w_k\rVert^2$ over the parameters in order, as ``sumOfSquares(_:)`` sums it.
  private func squaredNorm() -> Double {
    var total = 0.0
    for p in parameters { total = total + p.value.sumOfSquares() }
    return total
  }

  /// Adds the prior's gradient $2cw$ to every parameter's gradient.
  private func addPriorGradient(_ coefficient: Double) {
    for p in parameters {
      p.value.storage.withUnsafeBufferPointer { w in
        p.gradient.storage.withUnsafeMutableBufferPointer { g in
          for i in 0..<g.count { g[i] += coefficient * (2 * w[i]) }
        }
      }
    }
  }

  // MARK: Buffers

  /// Makes every buffer hold `rows` rows.
  private func reserve(rows: Int) {
    guard rows > capacityRows else { return }
    for buffer in outputs { buffer.deallocate() }
    for case let buffer? in slopes { buffer.deallocate() }
    gradient.deallocate()
    nextGradient.deallocate()
    outputs = widths.map { .allocate(capacity: rows * $0) }
    slopes = zip(stages, widths).map { stage, width in
      guard case .dense(_, _, activated: true) = stage else { return nil }
      return .allocate(capacity: rows * width)
    }
    let widest = (widths + [inputWidth]).max()!
    gradient = .allocate(capacity: rows * widest)
    nextGradient = .allocate(capacity: rows * widest)
    capacityRows = rows
  }

  private static let logTwoPi = Foundation.log(2 * Double.pi)
}

/// A sum in the order of ``Matrix/sum()``, entry by entry: four running sums over the
/// entries in turn, the entries after the last whole group of four into the first,
/// combined as $(s_0 + s_1) + (s_2 + s_3)$.
private struct MatrixOrderSum {
  private var partial = (0.0, 0.0, 0.0, 0.0)
  private var index = 0
  /// The entries summed four ways; the rest go to the first sum.
  private let grouped: Int

  /// A sum of `count` entries, to be added in order.
  init(count: Int) { grouped = count / 4 * 4 }

  mutating func add(_ value: Double) {
    if index >= grouped {
      partial.0 += value
    } else {
      switch index & 3 {
      case 0: partial.0 += value
      case 1: partial.1 += value
      case 2: partial.2 += value
      default: partial.3 += value
      }
    }
    index += 1
  }

  var total: Double { (partial.0 + partial.1) + (partial.2 + partial.3) }
}
