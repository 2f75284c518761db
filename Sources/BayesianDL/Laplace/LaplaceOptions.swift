/// Which weights a Laplace approximation treats as uncertain; the others stay at their
/// point estimates.
public enum WeightSubset: String, Sendable, CaseIterable {
  /// Every weight and bias of the network.
  case all
  /// The last dense layer only (`subset_of_weights='last_layer'` in laplace-torch): the
  /// layers below it act as a fixed feature map.
  case lastLayer = "last layer"
}

/// How the curvature matrix is stored and inverted.
public enum HessianStructure: String, Sendable, CaseIterable {
  /// The whole $P \times P$ matrix.
  case full
  /// Its diagonal only: every weight independent.
  case diagonal
  /// One Kronecker product $A_\ell \otimes G_\ell$ per layer (K-FAC; Martens & Grosse
  /// 2015, Ritter et al. 2018): layers independent, within a layer an input factor
  /// times an output factor.
  case kronecker = "K-FAC"
}

/// Which second-order quantity stands in for the Hessian of the negative
/// log-likelihood $-\sum_n \log p(y_n \mid f(x_n; \theta))$ at the MAP.
public enum CurvatureKind: String, Sendable, CaseIterable {
  /// The exact Hessian, here by central differences of exact gradients (small
  /// networks only: it costs $2P$ gradient evaluations and $P^2$ memory).
  case hessian = "Hessian"
  /// The generalised Gauss–Newton matrix $\sum_n J_n^\top \Lambda_n J_n$, with $J_n$ the
  /// Jacobian of the outputs and $\Lambda_n$ the likelihood's Hessian in output space:
  /// the Hessian without its second-derivative-of-the-network term; always positive
  /// semi-definite.
  case ggn = "GGN"
  /// The empirical Fisher $\sum_n g_n g_n^\top$ with $g_n = \nabla_\theta[-\log p(y_n \mid f(x_n;\theta))]$:
  /// per-example gradient outer products (Kunstner et al. 2019 show how it can mislead).
  case empiricalFisher = "empirical Fisher"
}

/// Why a Laplace approximation cannot be formed.
public enum LaplaceError: Error, CustomStringConvertible, Equatable {
  /// The network has a layer the linearisation does not know (only dense layers are
  /// supported).
  case unsupportedLayer(index: Int, type: String)
  /// The likelihood has no Laplace treatment here (only Gaussian and categorical).
  case unsupportedLikelihood(String)
  /// The combination of structure and curvature is not defined (K-FAC of the exact Hessian).
  case unsupportedCombination(String)
  /// The posterior precision $s^k C + \delta I$ is not positive definite: the curvature
  /// has eigenvalue `eigenvalue` (after scaling) and the prior precision does not lift it.
  case notPositiveDefinite(eigenvalue: Double, priorPrecision: Double)
  /// An eigendecomposition failed to converge.
  case noConvergence

  /// A one-line explanation.
  public var description: String {
    switch self {
    case .unsupportedLayer(let index, let type):
      return "Laplace: layer \(index + 1) is a \(type); only dense layers can be linearised"
    case .unsupportedLikelihood(let name):
      return "Laplace: the \(name) likelihood is not supported (use Gaussian or categorical)"
    case .unsupportedCombination(let what):
      return "Laplace: \(what)"
    case .notPositiveDefinite(let eigenvalue, let delta):
      return
        "Laplace: the curvature has eigenvalue \(eigenvalue), so the posterior precision "
        + "with prior precision \(delta) is not positive definite (the prior precision must "
        + "exceed \(-eigenvalue))"
    case .noConvergence:
      return "Laplace: an eigendecomposition did not converge"
    }
  }
}
