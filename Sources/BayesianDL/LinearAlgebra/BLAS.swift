import CBLAS
import CVectorMath

/// Matrix products: the course's kernel where the processor has AVX2 and FMA (the bits of
/// OpenBLAS's Haswell kernels, see `MatrixProduct.c`), BLAS's `cblas_dgemm` elsewhere.
///
/// This file and ``LAPACK`` are the only places in the course that touch raw
/// pointers; everything else works with ``Matrix`` values.
extension Matrix {
  /// The product $\alpha\,\operatorname{op}(A)\operatorname{op}(B)$, where
  /// $\operatorname{op}(X)$ is $X$ or $X^\top$.
  ///
  /// Transposes are flags: $A^\top$ is read in place, and a transposed $B$ is copied once.
  ///
  /// - Parameters:
  ///   - a: the left factor $A$.
  ///   - b: the right factor $B$.
  ///   - transposeA: use $A^\top$ instead of $A$.
  ///   - transposeB: use $B^\top$ instead of $B$.
  ///   - alpha: a scale applied to the product (default 1).
  public static func product(
    _ a: Matrix, _ b: Matrix, transposeA: Bool = false, transposeB: Bool = false,
    alpha: Double = 1
  ) -> Matrix {
    let m = transposeA ? a.columns : a.rows
    let n = transposeB ? b.rows : b.columns
    let k = transposeA ? a.rows : a.columns
    let kB = transposeB ? b.columns : b.rows
    guard Matrix.usesOwnProductKernel, m > 0, n > 0, k == kB else {
      var out = Matrix(rows: m, columns: n)
      out.addProduct(a, b, transposeA: transposeA, transposeB: transposeB, alpha: alpha)
      return out
    }
    // The kernel writes every entry (0 + the product, the bits of a zeroed start), so the
    // storage starts uninitialised: no pass to zero it first.
    let storage = [Double](unsafeUninitializedCapacity: m * n) { pc, initialised in
      a.storage.withUnsafeBufferPointer { pa in
        b.storage.withUnsafeBufferPointer { pb in
          cvm_matrix_product(
            transposeA ? 1 : 0, transposeB ? 1 : 0, m, n, k, alpha, pa.baseAddress,
            Swift.max(a.columns, 1), pb.baseAddress, Swift.max(b.columns, 1), pc.baseAddress, n,
            0)
        }
      }
      initialised = m * n
    }
    return Matrix(rows: m, columns: n, storage: storage)
  }

  /// $C \leftarrow \alpha\,\operatorname{op}(A)\operatorname{op}(B) + C$ in place (BLAS
  /// with $\beta = 1$), e.g. a product added to biases already broadcast into `self`.
  ///
  /// - Parameters:
  ///   - a: the left factor $A$.
  ///   - b: the right factor $B$.
  ///   - transposeA: use $A^\top$.
  ///   - transposeB: use $B^\top$.
  ///   - alpha: a scale applied to the product (default 1).
  public mutating func addProduct(
    _ a: Matrix, _ b: Matrix, transposeA: Bool = false, transposeB: Bool = false,
    alpha: Double = 1
  ) {
    let m = transposeA ? a.columns : a.rows
    let k = transposeA ? a.rows : a.columns
    let kB = transposeB ? b.columns : b.rows
    let n = transposeB ? b.rows : b.columns
    precondition(
      k == kB && m == rows && n == columns,
      "Matrix product: op(A) is [\(m), \(k)], op(B) is [\(kB), \(n)], the result is [\(rows), \(columns)]"
    )
    if m == 0 || n == 0 || k == 0 { return }
    let lda = Swift.max(a.columns, 1)
    let ldb = Swift.max(b.columns, 1)
    let ldc = Swift.max(columns, 1)
    a.storage.withUnsafeBufferPointer { pa in
      b.storage.withUnsafeBufferPointer { pb in
        storage.withUnsafeMutableBufferPointer { pc in
          // The course's own kernel where it can run: the same bits as OpenBLAS's Haswell
          // kernels (the ones the Makefile pins), without their per-call packing and the
          // lock on their buffers that two threads multiplying at once contend for.
          if Matrix.usesOwnProductKernel {
            cvm_matrix_product(
              transposeA ? 1 : 0, transposeB ? 1 : 0, m, n, k, alpha, pa.baseAddress, lda,
              pb.baseAddress, ldb, pc.baseAddress, ldc, 1)
            return
          }
          cblas_dgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans,
            transposeB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, pa.baseAddress, Int32(lda),
            pb.baseAddress, Int32(ldb), 1, pc.baseAddress, Int32(ldc))
        }
      }
    }
  }

  /// Whether products run on the course's kernel (AVX2 and FMA present) or on BLAS.
  static let usesOwnProductKernel = cvm_matrix_product_available() != 0

  /// The matrix product $AB$.
  ///
  /// - Parameter other: the right factor $B$, with `other.rows == columns`.
  public func matmul(_ other: Matrix) -> Matrix { Matrix.product(self, other) }
}

/// Settings of the BLAS library behind ``Matrix``.
public enum BLASSettings {
  /// Sets how many threads OpenBLAS may use for one call: the LAPACK factorisations, and
  /// the matrix products on processors without AVX2 and FMA (elsewhere ``Matrix`` multiplies
  /// with the course's own kernel, on the calling thread).
  ///
  /// Small products (the 64-wide layers of the course) run fastest on one thread;
  /// the default is whatever OpenBLAS chose at start-up (all cores).
  ///
  /// - Parameter count: number of threads (≥ 1).
  public static func setThreadCount(_ count: Int) {
    precondition(count >= 1, "BLASSettings: thread count must be at least 1, got \(count)")
    openblas_set_num_threads(Int32(count))
  }
}
