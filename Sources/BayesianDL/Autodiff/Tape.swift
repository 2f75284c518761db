/// A reverse-mode automatic-differentiation tape over matrices.
///
/// Every operation on ``Variable``s appends a node holding its value and a closure
/// that, given $\bar y = \partial L/\partial y$, adds the vector–Jacobian products
/// $\bar y\,\partial y/\partial x$ to the gradients of its inputs. ``backward(from:)``
/// walks the nodes in reverse order, so each node's gradient is complete before it is
/// passed on (the tape is already in topological order).
///
/// A tape is used once: build it during a forward pass, call ``backward(from:)``,
/// read gradients, drop it. Pullbacks capture only `Node`s (an index and a value),
/// never the tape or a ``Variable``, so a tape holds no reference to itself and is
/// freed as soon as the last variable on it goes. A tape made with `recordsGradients: false` keeps no
/// closures and is the cheap way to run a network for prediction.
public final class Tape {
  /// What the backward pass keeps of one node.
  ///
  /// One array of these rather than three parallel arrays: one append and one exclusivity
  /// check per node, and a closure stored in a struct field needs no reabstraction thunk
  /// (an array of optional closures allocates one per node).
  private struct Entry {
    /// The accumulated gradient (nil until something flows into it).
    var gradient: Matrix?
    /// The node's vector–Jacobian product, or nil for leaves and constants.
    let pullback: ((Matrix, Tape) -> Void)?
    /// Whether a gradient needs to flow into the node.
    let needsGradient: Bool
  }
  /// Every node, in the order recorded.
  private var entries: [Entry] = []
  /// Leaves that stand for trainable parameters, and where their gradient goes.
  private var parameterLeaves: [(node: Int, parameter: Parameter)] = []

  /// Whether this tape records pullbacks; `false` for prediction-only passes.
  public let recordsGradients: Bool

  /// Creates an empty tape.
  ///
  /// - Parameter recordsGradients: `false` to run forward only (no memory for
  ///   pullbacks, ``backward(from:)`` not allowed).
  public init(recordsGradients: Bool = true) {
    self.recordsGradients = recordsGradients
    // A training step records a few dozen nodes; growing 1, 2, 4, … would copy them six
    // times.
    entries.reserveCapacity(64)
  }

  /// A node that is never differentiated (data, noise, targets).
  ///
  /// - Parameter value: the matrix.
  public func constant(_ value: Matrix) -> Variable {
    append(value, needsGradient: false, pullback: nil)
  }

  /// A leaf whose gradient is added to `parameter.gradient` by ``backward(from:)``.
  ///
  /// - Parameter parameter: the trainable parameter to read and differentiate.
  public func parameter(_ parameter: Parameter) -> Variable {
    let v = append(parameter.value, needsGradient: recordsGradients, pullback: nil)
    if recordsGradients { parameterLeaves.append((v.id, parameter)) }
    return v
  }

  /// A differentiable leaf that is not a ``Parameter`` (read its gradient with
  /// ``gradient(of:)``).
  ///
  /// - Parameter value: the matrix.
  public func variable(_ value: Matrix) -> Variable {
    append(value, needsGradient: recordsGradients, pullback: nil)
  }

  /// Records the result of an operation.
  ///
  /// - Parameters:
  ///   - value: the operation's output.
  ///   - inputs: the variables it read; the node needs a gradient if any of them does.
  ///   - pullback: given $\bar y$ and this tape, calls ``accumulate(_:into:)`` for each
  ///     input; it must capture inputs as `Node`s, not as variables.
  @inline(__always)
  func record(_ value: Matrix, inputs: [Variable], pullback: @escaping (Matrix, Tape) -> Void)
    -> Variable
  {
    let needs = recordsGradients && inputs.contains { entries[$0.id].needsGradient }
    return append(value, needsGradient: needs, pullback: needs ? pullback : nil)
  }

  /// Whether a gradient must flow into `variable` (false for constants), so that a
  /// pullback can skip work nobody reads.
  func requiresGradient(_ node: Node) -> Bool { entries[node.id].needsGradient }

  /// Adds `gradient` to the gradient of `node`, if it needs one.
  ///
  /// - Parameters:
  ///   - gradient: a matrix of the node's shape.
  ///   - node: the input that receives it.
  func accumulate(_ gradient: Matrix, into node: Node) {
    guard entries[node.id].needsGradient else { return }
    precondition(
      gradient.rows == node.value.rows && gradient.columns == node.value.columns,
      "Tape: gradient [\(gradient.rows), \(gradient.columns)] for a [\(node.value.rows), \(node.value.columns)] node"
    )
    guard var total = entries[node.id].gradient else {
      entries[node.id].gradient = gradient
      return
    }
    entries[node.id].gradient = nil  // so that `total` is the only reference and += adds in place
    total += gradient
    entries[node.id].gradient = total
  }

  /// Back-propagates from a scalar: fills every node's gradient with
  /// $\partial\,\text{loss}/\partial\,\text{node}$ and adds parameter gradients to their
  /// ``Parameter/gradient``.
  ///
  /// - Parameter loss: a `[1, 1]` variable on this tape.
  public func backward(from loss: Variable) {
    precondition(recordsGradients, "Tape: backward on a tape made with recordsGradients: false")
    precondition(loss.tape === self, "Tape: the loss belongs to another tape")
    precondition(
      loss.value.count == 1,
      "Tape: backward needs a scalar loss, got [\(loss.value.rows), \(loss.value.columns)]")
    backward(from: loss, seed: .scalar(1))
  }

  /// Back-propagates a given output gradient $\bar y$ (a vector–Jacobian product).
  ///
  /// - Parameters:
  ///   - output: any variable on this tape.
  ///   - seed: $\bar y$, of the same shape as `output`.
  public func backward(from output: Variable, seed: Matrix) {
    precondition(recordsGradients, "Tape: backward on a tape made with recordsGradients: false")
    accumulate(seed, into: output.node)
    for id in stride(from: output.id, through: 0, by: -1) {
      guard let pullback = entries[id].pullback, let g = entries[id].gradient else { continue }
      pullback(g, self)
    }
    for (node, parameter) in parameterLeaves {
      if let g = entries[node].gradient { parameter.gradient += g }
    }
  }

  /// The gradient accumulated in `variable` by the last backward pass, or nil if
  /// nothing flowed into it.
  ///
  /// - Parameter variable: a variable on this tape.
  public func gradient(of variable: Variable) -> Matrix? { entries[variable.id].gradient }

  private func append(
    _ value: Matrix, needsGradient needs: Bool, pullback: ((Matrix, Tape) -> Void)?
  )
    -> Variable
  {
    entries.append(Entry(gradient: nil, pullback: pullback, needsGradient: needs))
    return Variable(tape: self, id: entries.count - 1, value: value)
  }
}

/// A node on a ``Tape``: a matrix value plus its place in the computation.
///
/// Arithmetic on variables (`+`, `matmul`, `relu`, …) records new nodes on the same
/// tape.
public struct Variable {
  /// The tape this variable lives on.
  public let tape: Tape
  /// The node's index on the tape.
  let id: Int
  /// The forward value.
  public let value: Matrix

  /// The number of rows of the value.
  public var rows: Int { value.rows }
  /// The number of columns of the value.
  public var columns: Int { value.columns }

  /// This variable as a `Node`, the form a pullback may capture.
  var node: Node { Node(id: id, value: value) }
}

/// What a pullback keeps of an input: its index on the tape and its forward value.
///
/// Capturing a ``Variable`` instead would capture its tape, and the tape would then own
/// a closure that owns the tape: a reference cycle that leaks every tape.
struct Node {
  /// The node's index on its tape.
  let id: Int
  /// The forward value.
  let value: Matrix

  /// The number of rows of the value.
  var rows: Int { value.rows }
  /// The number of columns of the value.
  var columns: Int { value.columns }
}
