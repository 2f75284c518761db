import Foundation

extension Matrix {
  /// Row-wise log-softmax: $z_{ik} - \log\sum_j e^{z_{ij}}$, shifted by each row's
  /// maximum so that nothing overflows.
  public func logSoftmaxRows() -> Matrix {
    var out = self
    out.storage.withUnsafeMutableBufferPointer { p in
      for i in 0..<rows {
        let base = i * columns
        var m = -Double.infinity
        for j in 0..<columns { m = Swift.max(m, p[base + j]) }
        var s = 0.0
        for j in 0..<columns { s += Foundation.exp(p[base + j] - m) }
        let lse = m + Foundation.log(s)
        for j in 0..<columns { p[base + j] -= lse }
      }
    }
    return out
  }

  /// Row-wise softmax: each row becomes $e^{z_{ik}} / \sum_j e^{z_{ij}}$.
  public func softmaxRows() -> Matrix { logSoftmaxRows().map(Foundation.exp) }
}

extension Variable {
  /// Row-wise log-softmax of logits `[batch, classes]`.
  ///
  /// Pullback: $\bar z_{ik} = \bar y_{ik} - \operatorname{softmax}(z)_{ik}\sum_j \bar y_{ij}$.
  public func logSoftmax() -> Variable {
    let x = node
    let y = value.logSoftmaxRows()
    return tape.record(y, inputs: [self]) { g, tape in
      let rowSums = g.sum(over: .columns)  // [batch, 1]
      tape.accumulate(g - y.map(Foundation.exp) * rowSums, into: x)
    }
  }
}

/// The mean cross-entropy of logits against integer labels,
/// $\frac1B\sum_i -\log\operatorname{softmax}(z_i)_{y_i}$, computed through log-softmax so
/// it is finite for any logits.
///
/// Pullback: $\bar z_i = (\operatorname{softmax}(z_i) - e_{y_i})\,\bar L / B$.
///
/// - Parameters:
///   - logits: `[batch, classes]` unnormalised scores.
///   - labels: one class index per row, each in `0..<classes`.
public func softmaxCrossEntropy(logits: Variable, labels: [Int]) -> Variable {
  let b = logits.rows
  let c = logits.columns
  precondition(labels.count == b, "softmaxCrossEntropy: \(labels.count) labels for \(b) rows")
  let logProbabilities = logits.value.logSoftmaxRows()
  var total = 0.0
  for (i, label) in labels.enumerated() {
    precondition(label >= 0 && label < c, "softmaxCrossEntropy: label \(label) outside 0..<\(c)")
    total -= logProbabilities.storage[i * c + label]
  }
  let z = logits.node
  return logits.tape.record(.scalar(total / Double(b)), inputs: [logits]) { g, tape in
    var dz = logProbabilities.map(Foundation.exp)
    for (i, label) in labels.enumerated() { dz.storage[i * c + label] -= 1 }
    tape.accumulate(dz * (g.scalarValue / Double(b)), into: z)
  }
}

/// The Gaussian negative log-likelihood per example, averaged over the batch:
/// $\frac1B\sum_{i}\sum_{d}\tfrac12\left[\log 2\pi + s_{id} + (y_{id} - \mu_{id})^2 e^{-s_{id}}\right]$
/// with $s = \log\sigma^2$.
///
/// - Parameters:
///   - mean: predicted means $\mu$, `[batch, outputs]`.
///   - logVariance: predicted $\log\sigma^2$, the same shape as `mean` or broadcast from
///     `[1, outputs]` or `[1, 1]` (a shared noise level).
///   - targets: observed $y$, `[batch, outputs]`.
public func gaussianNegativeLogLikelihood(mean: Variable, logVariance: Variable, targets: Matrix)
  -> Variable
{
  precondition(
    mean.rows == targets.rows && mean.columns == targets.columns,
    "gaussianNegativeLogLikelihood: mean [\(mean.rows), \(mean.columns)] vs targets [\(targets.rows), \(targets.columns)]"
  )
  // One node for the whole formula (a dozen nodes when written with variables). Each
  // step below is the matrix operation the written-out formula would record, in the same
  // order, so that values and gradients are the same bit for bit.
  let (m, s) = (mean.node, logVariance.node)
  let residual = mean.value - targets
  let precision = (-s.value).map(Foundation.exp)  // e^{-s}
  let squared = residual.map { $0 * $0 }
  let perElement = ((s.value + squared * precision) + log(2 * Double.pi)) * 0.5
  let scale = 1 / Double(mean.rows)
  let value = Matrix.scalar(perElement.sum()) * scale
  return mean.tape.record(value, inputs: [mean, logVariance]) { g, tape in
    let perElementGradient =
      Matrix(
        rows: perElement.rows, columns: perElement.columns, repeating: (g * scale).scalarValue)
      * 0.5
    if tape.requiresGradient(s) {
      // ∂/∂s = ½ − ½ (y − μ)² e^{-s}: the direct term plus the one through e^{-s}.
      let throughPrecision =
        -(((perElementGradient * squared).reduced(to: precision.shape)) * precision)
      tape.accumulate(
        perElementGradient.reduced(to: s.value.shape) + throughPrecision, into: s)
    }
    if tape.requiresGradient(m) {
      let squaredGradient = perElementGradient * precision
      tape.accumulate(squaredGradient * residual.map { 2 * $0 }, into: m)
    }
  }
}
