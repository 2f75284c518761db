import Foundation

/// A curvature approximated layer by layer by Kronecker products (K-FAC): the block of
/// layer $\ell$ is $N\,A_\ell \otimes G_\ell$, with $A_\ell = \frac1N\sum_n \tilde a_n\tilde a_n^\top$
/// the second moment of the layer's inputs (with a trailing 1 for the bias) and
/// $G_\ell = \frac1N\sum_n\sum_c \delta_{nc}\delta_{nc}^\top$ that of the back-propagated
/// output vectors; blocks of different layers are zero.
///
/// The exact block is $\sum_n \tilde a_n\tilde a_n^\top \otimes \sum_c\delta_{nc}\delta_{nc}^\top$;
/// K-FAC replaces the mean of products by the product of means, and the factor $N$
/// restores the sum over examples (laplace-torch keeps $\sum G$ and the mean of
/// $\tilde a\tilde a^\top$: the same product). Parameters are ordered as in
/// ``NetworkLinearisation/jacobianProducts(_:layers:)``, which makes the block exactly
/// $A \otimes G$. With the eigendecompositions $A = Q_A\operatorname{diag}(\alpha)Q_A^\top$ and
/// $G = Q_G\operatorname{diag}(\gamma)Q_G^\top$, the block's eigenvalues are $N\alpha_i\gamma_j$
/// with eigenvectors $q_{A,i} \otimes q_{G,j}$, so the posterior never needs a $P \times P$
/// matrix.
public struct KroneckerCurvature: StructuredCurvature {
  /// One layer's factors and their eigendecompositions.
  public struct Block: Sendable {
    /// $A_\ell$, `[inputs + 1, inputs + 1]`.
    public let inputFactor: Matrix
    /// $G_\ell$, `[outputs, outputs]`.
    public let outputFactor: Matrix
    /// $N$, the number of examples the means were taken over.
    public let count: Double
    let inputValues: [Double]
    let inputVectors: Matrix
    let outputValues: [Double]
    let outputVectors: Matrix

    /// Wraps and decomposes two factors.
    ///
    /// - Parameters:
    ///   - inputFactor: $A$.
    ///   - outputFactor: $G$.
    ///   - count: $N$.
    /// - Throws: ``LaplaceError/noConvergence``.
    public init(inputFactor: Matrix, outputFactor: Matrix, count: Double) throws(LaplaceError) {
      self.inputFactor = inputFactor
      self.outputFactor = outputFactor
      self.count = count
      do {
        (inputValues, inputVectors) = try inputFactor.symmetricEigen()
        (outputValues, outputVectors) = try outputFactor.symmetricEigen()
      } catch { throw .noConvergence }
    }

    /// The number of parameters in the block.
    public var size: Int { inputFactor.rows * outputFactor.rows }
  }

  /// The layers' blocks, in parameter order.
  public let blocks: [Block]

  /// Wraps blocks.
  ///
  /// - Parameter blocks: one per layer.
  public init(blocks: [Block]) { self.blocks = blocks }

  /// $P$.
  public var parameterCount: Int { blocks.reduce(0) { $0 + $1.size } }

  /// $N\alpha_i\gamma_j$ for every layer, $i$ over inputs and $j$ over outputs.
  public var eigenvalues: [Double] {
    blocks.flatMap { b in b.inputValues.flatMap { a in b.outputValues.map { b.count * a * $0 } } }
  }

  /// The block-diagonal matrix with blocks $N\,A_\ell \otimes G_\ell$.
  public func dense() -> Matrix {
    var c = Matrix(rows: parameterCount, columns: parameterCount)
    var offset = 0
    for b in blocks {
      let (ni, no) = (b.inputFactor.rows, b.outputFactor.rows)
      for i in 0..<ni {
        for i2 in 0..<ni {
          for o in 0..<no {
            for o2 in 0..<no {
              c[offset + i * no + o, offset + i2 * no + o2] =
                b.count * b.inputFactor[i, i2] * b.outputFactor[o, o2]
            }
          }
        }
      }
      offset += b.size
    }
    return c
  }

  /// Per layer, each row's segment $M$ (as an `[inputs + 1, outputs]` matrix) becomes
  /// $Q_A^\top M Q_G$ divided entrywise by $\sqrt{sN\alpha_i\gamma_j + \delta}$; $L = R$.
  ///
  /// - Parameters:
  ///   - jacobian: $J$ `[m, P]`.
  ///   - scale: $s$.
  ///   - priorPrecision: $\delta$.
  public func whitened(_ jacobian: Matrix, scale: Double, priorPrecision: Double) -> (
    left: Matrix, right: Matrix
  ) {
    precondition(jacobian.columns == parameterCount, "KroneckerCurvature: J has the wrong width")
    let m = jacobian.rows
    let p = parameterCount
    var out = Matrix(rows: m, columns: p)
    var offset = 0
    for b in blocks {
      let (ni, no) = (b.inputFactor.rows, b.outputFactor.rows)
      // Rows (j, i) of the segments, stacked: [m·ni, no]; right-multiply by Q_G at once.
      var segments = Matrix(rows: m * ni, columns: no)
      for j in 0..<m {
        let source = j * p + offset
        segments.storage.replaceSubrange(
          (j * ni * no)..<((j + 1) * ni * no), with: jacobian.storage[source..<(source + ni * no)])
      }
      let right = segments.matmul(b.outputVectors)
      // Regroup as [ni, m·no] so that one product applies Q_Aᵀ to every row's segment.
      var regrouped = Matrix(rows: ni, columns: m * no)
      for j in 0..<m {
        for i in 0..<ni {
          for o in 0..<no { regrouped[i, j * no + o] = right[j * ni + i, o] }
        }
      }
      let rotated = Matrix.product(b.inputVectors, regrouped, transposeA: true)
      for i in 0..<ni {
        for o in 0..<no {
          let w =
            1
            / (scale * b.count * b.inputValues[i] * b.outputValues[o] + priorPrecision)
            .squareRoot()
          for j in 0..<m { out[j, offset + i * no + o] = rotated[i, j * no + o] * w }
        }
      }
      offset += b.size
    }
    return (out, out)
  }

  /// Per layer $Q_A\big(Z \oslash \sqrt{sN\alpha\gamma^\top + \delta}\big)Q_G^\top$ with $Z$
  /// standard normal, flattened row-major.
  ///
  /// - Parameters:
  ///   - scale: $s$.
  ///   - priorPrecision: $\delta$.
  ///   - rng: the generator.
  public func sampleDeviation(scale: Double, priorPrecision: Double, using rng: inout Generator)
    -> [Double]
  {
    var theta = [Double]()
    theta.reserveCapacity(parameterCount)
    for b in blocks {
      let (ni, no) = (b.inputFactor.rows, b.outputFactor.rows)
      let z = Matrix(rows: ni, columns: no) { i, o in
        rng.normal()
          / (scale * b.count * b.inputValues[i] * b.outputValues[o] + priorPrecision)
          .squareRoot()
      }
      let rotated = Matrix.product(
        b.inputVectors.matmul(z), b.outputVectors, transposeB: true)
      theta.append(contentsOf: rotated.storage)
    }
    return theta
  }
}
