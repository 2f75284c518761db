/// Element-wise arithmetic on ``Variable``s, with the broadcasting of ``Broadcast``.
///
/// Pullbacks sum the incoming gradient back to each operand's own shape
/// (``Matrix/reduced(to:)``), so a bias `[1, n]` added to a batch `[m, n]` receives
/// the column sums.
extension Variable {
  /// $a + b$.
  public static func + (a: Variable, b: Variable) -> Variable {
    let (na, nb) = (a.node, b.node)
    return a.tape.record(a.value + b.value, inputs: [a, b]) { g, tape in
      tape.accumulate(g.reduced(to: na.value.shape), into: na)
      tape.accumulate(g.reduced(to: nb.value.shape), into: nb)
    }
  }

  /// $a - b$.
  public static func - (a: Variable, b: Variable) -> Variable {
    let (na, nb) = (a.node, b.node)
    return a.tape.record(a.value - b.value, inputs: [a, b]) { g, tape in
      tape.accumulate(g.reduced(to: na.value.shape), into: na)
      if tape.requiresGradient(nb) { tape.accumulate((-g).reduced(to: nb.value.shape), into: nb) }
    }
  }

  /// $a \odot b$ (element-wise product).
  public static func * (a: Variable, b: Variable) -> Variable {
    let (na, nb) = (a.node, b.node)
    return a.tape.record(a.value * b.value, inputs: [a, b]) { g, tape in
      if tape.requiresGradient(na) {
        tape.accumulate((g * nb.value).reduced(to: na.value.shape), into: na)
      }
      if tape.requiresGradient(nb) {
        tape.accumulate((g * na.value).reduced(to: nb.value.shape), into: nb)
      }
    }
  }

  /// $a \oslash b$ (element-wise quotient).
  public static func / (a: Variable, b: Variable) -> Variable {
    let (na, nb) = (a.node, b.node)
    let quotient = a.value / b.value
    return a.tape.record(quotient, inputs: [a, b]) { g, tape in
      if tape.requiresGradient(na) {
        tape.accumulate((g / nb.value).reduced(to: na.value.shape), into: na)
      }
      if tape.requiresGradient(nb) {
        // ∂(a/b)/∂b = −(a/b)/b
        tape.accumulate((-(g * quotient) / nb.value).reduced(to: nb.value.shape), into: nb)
      }
    }
  }

  /// $-a$.
  public static prefix func - (a: Variable) -> Variable {
    let na = a.node
    return a.tape.record(-a.value, inputs: [a]) { g, tape in tape.accumulate(-g, into: na) }
  }

  /// $a + s$ for a constant scalar $s$.
  public static func + (a: Variable, s: Double) -> Variable {
    let na = a.node
    return a.tape.record(a.value + s, inputs: [a]) { g, tape in tape.accumulate(g, into: na) }
  }

  /// $a - s$ for a constant scalar $s$.
  public static func - (a: Variable, s: Double) -> Variable { a + (-s) }

  /// $s \cdot a$ for a constant scalar $s$.
  public static func * (a: Variable, s: Double) -> Variable {
    let na = a.node
    return a.tape.record(a.value * s, inputs: [a]) { g, tape in tape.accumulate(g * s, into: na) }
  }

  /// $s \cdot a$ for a constant scalar $s$.
  public static func * (s: Double, a: Variable) -> Variable { a * s }

  /// $a / s$ for a constant scalar $s$.
  public static func / (a: Variable, s: Double) -> Variable { a * (1 / s) }

  /// $a + C$ for a constant matrix $C$ (broadcast as in ``Broadcast``).
  public static func + (a: Variable, c: Matrix) -> Variable { a + a.tape.constant(c) }

  /// $a \odot C$ for a constant matrix $C$ (broadcast as in ``Broadcast``).
  public static func * (a: Variable, c: Matrix) -> Variable { a * a.tape.constant(c) }

  /// $a - C$ for a constant matrix $C$ (broadcast as in ``Broadcast``).
  public static func - (a: Variable, c: Matrix) -> Variable { a - a.tape.constant(c) }
}
