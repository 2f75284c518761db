/// What a model is asked to predict for each example.
public enum Targets: Equatable, Sendable {
  /// One class index per example (classification).
  case classes([Int])
  /// One row of real values per example (regression), `[count, outputs]`.
  case values(Matrix)

  /// The number of examples.
  public var count: Int {
    switch self {
    case .classes(let labels): return labels.count
    case .values(let y): return y.rows
    }
  }

  /// The targets of the examples at `indices`, in that order.
  ///
  /// - Parameter indices: example indices.
  public func subset(_ indices: [Int]) -> Targets {
    switch self {
    case .classes(let labels): return .classes(indices.map { labels[$0] })
    case .values(let y): return .values(y.rows(at: indices))
    }
  }

  /// The class labels; a precondition failure for regression targets.
  public var labels: [Int] {
    guard case .classes(let labels) = self else { preconditionFailure("Targets: not class labels") }
    return labels
  }

  /// The real-valued targets; a precondition failure for class labels.
  public var values: Matrix {
    guard case .values(let y) = self else { preconditionFailure("Targets: not real values") }
    return y
  }
}

/// Inputs and their targets, one example per row.
public struct Dataset: Equatable, Sendable {
  /// The inputs, `[count, features]`.
  public var inputs: Matrix
  /// The targets, one per input row.
  public var targets: Targets

  /// Pairs inputs with targets.
  ///
  /// - Parameters:
  ///   - inputs: `[count, features]`.
  ///   - targets: `count` targets.
  public init(inputs: Matrix, targets: Targets) {
    precondition(
      inputs.rows == targets.count,
      "Dataset: \(inputs.rows) input rows but \(targets.count) targets")
    self.inputs = inputs
    self.targets = targets
  }

  /// The number of examples.
  public var count: Int { inputs.rows }

  /// The examples at `indices`, in that order.
  ///
  /// - Parameter indices: example indices.
  public func subset(_ indices: [Int]) -> Dataset {
    Dataset(inputs: inputs.rows(at: indices), targets: targets.subset(indices))
  }
}
