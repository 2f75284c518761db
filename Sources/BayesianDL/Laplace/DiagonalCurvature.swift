import Foundation

/// A curvature kept as its diagonal $d$: $\Lambda = \operatorname{diag}(sd + \delta)$, every
/// parameter independent (`hessian_structure='diag'` in laplace-torch).
public struct DiagonalCurvature: StructuredCurvature {
  /// The diagonal $d$ of $C$.
  public let values: [Double]

  /// Wraps a diagonal.
  ///
  /// - Parameter values: $d$, one entry per parameter.
  public init(values: [Double]) { self.values = values }

  /// $P$.
  public var parameterCount: Int { values.count }
  /// The diagonal is its own spectrum.
  public var eigenvalues: [Double] { values }
  /// $\operatorname{diag}(d)$.
  public func dense() -> Matrix { Matrix.diagonal(values) }

  /// $L = R = J\operatorname{diag}(sd + \delta)^{-1/2}$.
  ///
  /// - Parameters:
  ///   - jacobian: $J$ `[m, P]`.
  ///   - scale: $s$.
  ///   - priorPrecision: $\delta$.
  public func whitened(_ jacobian: Matrix, scale: Double, priorPrecision: Double) -> (
    left: Matrix, right: Matrix
  ) {
    let w = scalingColumns(
      jacobian, by: values.map { 1 / (scale * $0 + priorPrecision).squareRoot() })
    return (w, w)
  }

  /// $z_i/\sqrt{sd_i + \delta}$ with $z \sim \mathcal N(0, I)$.
  ///
  /// - Parameters:
  ///   - scale: $s$.
  ///   - priorPrecision: $\delta$.
  ///   - rng: the generator.
  public func sampleDeviation(scale: Double, priorPrecision: Double, using rng: inout Generator)
    -> [Double]
  {
    values.map { rng.normal() / (scale * $0 + priorPrecision).squareRoot() }
  }
}
