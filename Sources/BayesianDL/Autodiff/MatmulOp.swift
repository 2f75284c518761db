extension Variable {
  /// The matrix product $\operatorname{op}(A)\operatorname{op}(B)$ with optional
  /// transposes (passed to BLAS, no copies).
  ///
  /// For $C = AB$ the pullbacks are $\bar A = \bar C B^\top$ and $\bar B = A^\top \bar C$;
  /// the transposed cases follow by transposing these.
  ///
  /// - Parameters:
  ///   - other: the right factor $B$.
  ///   - transposeSelf: use $A^\top$.
  ///   - transposeOther: use $B^\top$.
  public func matmul(_ other: Variable, transposeSelf: Bool = false, transposeOther: Bool = false)
    -> Variable
  {
    let a = self.node
    let b = other.node
    let ta = transposeSelf
    let tb = transposeOther
    let value = Matrix.product(a.value, b.value, transposeA: ta, transposeB: tb)
    return tape.record(value, inputs: [self, other]) { g, tape in
      // ∂L/∂op(A) = G·op(B)ᵀ and ∂L/∂op(B) = op(A)ᵀ·G; transpose back where op was ᵀ.
      if tape.requiresGradient(a) {
        let gradA =
          ta
          ? Matrix.product(b.value, g, transposeA: tb, transposeB: true)
          : Matrix.product(g, b.value, transposeB: !tb)
        tape.accumulate(gradA, into: a)
      }
      if tape.requiresGradient(b) {
        let gradB =
          tb
          ? Matrix.product(g, a.value, transposeA: true, transposeB: ta)
          : Matrix.product(a.value, g, transposeA: !ta)
        tape.accumulate(gradB, into: b)
      }
    }
  }
}
