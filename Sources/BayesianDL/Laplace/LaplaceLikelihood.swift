import Foundation

/// What a Laplace approximation needs from the likelihood, in output space: the
/// gradient and a square root of the Hessian of $-\log p(y \mid f)$ with respect to the
/// network's outputs $f$, and the log-likelihood of the training data.
///
/// For the Gaussian both are given without the noise factor $s = 1/\sigma^2$ (see
/// ``CurvatureEstimation``): the gradient is $f - y$ and the Hessian is $I$. For the
/// categorical likelihood with $p = \operatorname{softmax} f$, the gradient is $p - e_y$ and the
/// Hessian is $\operatorname{diag}(p) - pp^\top$, whose square root
/// $L = \operatorname{diag}(\sqrt p) - p\sqrt p^\top$ satisfies $LL^\top = \operatorname{diag}(p) - pp^\top$
/// because $\sum_k p_k = 1$.
public enum LaplaceLikelihood {
  /// Whether the likelihood is the Gaussian (else the categorical).
  ///
  /// - Parameter likelihood: the observation model.
  /// - Throws: ``LaplaceError/unsupportedLikelihood(_:)`` for a heteroscedastic one.
  public static func isGaussian(_ likelihood: Likelihood) throws(LaplaceError) -> Bool {
    switch likelihood {
    case .gaussian: return true
    case .categorical: return false
    case .heteroscedastic: throw .unsupportedLikelihood("heteroscedastic")
    }
  }

  /// The columns of a square root $L_n$ of the output-space Hessian, as $K$ seed matrices
  /// `[N, K]` whose row $n$ is column $c$ of $L_n$.
  ///
  /// - Parameters:
  ///   - outputs: $f$ `[N, K]`.
  ///   - likelihood: Gaussian or categorical.
  public static func hessianSquareRootColumns(_ outputs: Matrix, likelihood: Likelihood)
    -> [Matrix]
  {
    let (n, k) = (outputs.rows, outputs.columns)
    if case .gaussian = likelihood {
      return (0..<k).map { c in Matrix(rows: n, columns: k) { _, j in j == c ? 1 : 0 } }
    }
    let p = outputs.softmaxRows()
    return (0..<k).map { c in
      Matrix(rows: n, columns: k) { i, j in
        let root = p[i, c].squareRoot()
        return (j == c ? root : 0) - p[i, j] * root
      }
    }
  }

  /// $\nabla_f[-\log p(y_n \mid f_n)]$ per example (without $s$ for the Gaussian), `[N, K]`.
  ///
  /// - Parameters:
  ///   - outputs: $f$ `[N, K]`.
  ///   - likelihood: Gaussian or categorical.
  ///   - targets: values `[N, K]` or labels.
  public static func outputGradient(_ outputs: Matrix, likelihood: Likelihood, targets: Targets)
    -> Matrix
  {
    if case .gaussian = likelihood { return outputs - targets.values }
    var g = outputs.softmaxRows()
    for (i, label) in targets.labels.enumerated() { g[i, label] -= 1 }
    return g
  }

  /// The noise-free data misfit: $\frac12\sum_n\lVert y_n - f_n\rVert^2$ for the Gaussian,
  /// $-\sum_n\log\operatorname{softmax}(f_n)_{y_n}$ for the categorical.
  ///
  /// - Parameters:
  ///   - outputs: $f$ `[N, K]`.
  ///   - likelihood: Gaussian or categorical.
  ///   - targets: values or labels.
  public static func misfit(_ outputs: Matrix, likelihood: Likelihood, targets: Targets) -> Double {
    if case .gaussian = likelihood {
      return 0.5 * (outputs - targets.values).storage.reduce(0) { $0 + $1 * $1 }
    }
    let logp = outputs.logSoftmaxRows()
    return -targets.labels.enumerated().reduce(0) { $0 + logp[$1.offset, $1.element] }
  }
}
