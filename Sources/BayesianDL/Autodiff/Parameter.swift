/// A trainable matrix: its current value and the gradient accumulated for it.
///
/// Layers own parameters; a ``Tape`` reads them with ``Tape/parameter(_:)`` and adds
/// to ``gradient`` during ``Tape/backward(from:)``; an optimiser reads the gradient,
/// updates ``value`` and zeroes the gradient.
public final class Parameter {
  /// A name for messages, e.g. `"layer1.weightMean"`.
  public let name: String
  /// The current value.
  public var value: Matrix
  /// $\partial L/\partial\,\text{value}$, summed over every backward pass since the last
  /// ``zeroGradient()``.
  public var gradient: Matrix

  /// Creates a parameter with a zero gradient.
  ///
  /// - Parameters:
  ///   - name: a name for messages.
  ///   - value: the initial value.
  public init(_ name: String, _ value: Matrix) {
    self.name = name
    self.value = value
    self.gradient = Matrix(rows: value.rows, columns: value.columns)
  }

  /// Resets the gradient to zero.
  public func zeroGradient() {
    for k in gradient.storage.indices { gradient.storage[k] = 0 }
  }

  /// The number of scalar entries.
  public var count: Int { value.count }
}
