import Foundation

/// The softplus $\log(1 + e^x)$, computed as $\max(x, 0) + \log(1 + e^{-|x|})$ so that
/// it neither overflows for large $x$ nor loses precision for very negative $x$.
///
/// - Parameter x: any real number.
public func softplus(_ x: Double) -> Double {
  Swift.max(x, 0) + log1p(exp(-abs(x)))
}

/// The inverse of ``softplus(_:)-(Double)``: $\rho = \log(e^\sigma - 1)$ for $\sigma > 0$, written
/// $\sigma + \log(1 - e^{-\sigma})$ to stay finite for large $\sigma$.
///
/// - Parameter sigma: a positive number.
public func inverseSoftplus(_ sigma: Double) -> Double {
  precondition(sigma > 0, "inverseSoftplus: argument must be positive, got \(sigma)")
  return sigma + log(-expm1(-sigma))
}

/// The logistic sigmoid $1/(1 + e^{-x})$, evaluated without overflow for either sign.
///
/// - Parameter x: any real number.
public func sigmoid(_ x: Double) -> Double {
  if x >= 0 { return 1 / (1 + exp(-x)) }
  let e = exp(x)
  return e / (1 + e)
}

/// $\log\sum_k e^{x_k}$, shifted by the maximum so that no term overflows.
///
/// - Parameter values: the terms; $-\infty$ for an empty list.
public func logSumExp(_ values: [Double]) -> Double {
  guard let m = values.max(), m.isFinite else { return values.max() ?? -.infinity }
  return m + log(values.reduce(0) { $0 + exp($1 - m) })
}
