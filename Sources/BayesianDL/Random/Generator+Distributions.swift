import Foundation

/// Draws from the basic distributions, all through a seeded ``Generator``.
extension Generator {
  /// A uniform draw from $[0, 1)$ with 53 random bits.
  public mutating func uniform() -> Double {
    Double(Int64(next() >> 11)) * 0x1.0p-53  // signed: one conversion instruction
  }

  /// A uniform draw from $[a, b)$.
  ///
  /// - Parameters:
  ///   - a: the lower end.
  ///   - b: the upper end.
  public mutating func uniform(_ a: Double, _ b: Double) -> Double {
    a + (b - a) * uniform()
  }

  /// A standard normal draw $\varepsilon \sim \mathcal N(0, 1)$ by the ziggurat method
  /// (see ``Ziggurat``).
  @inline(__always)
  public mutating func normal() -> Double {
    Ziggurat.normal(using: &self)
  }

  /// A normal draw $\mathcal N(\mu, \sigma^2)$.
  ///
  /// - Parameters:
  ///   - mean: $\mu$.
  ///   - standardDeviation: $\sigma \ge 0$.
  public mutating func normal(mean: Double, standardDeviation: Double) -> Double {
    mean + standardDeviation * normal()
  }

  /// Fills `buffer` with independent standard normals (the same stream as repeated
  /// ``normal()`` calls).
  ///
  /// - Parameter buffer: the array to overwrite.
  public mutating func fillNormal(_ buffer: inout [Double]) {
    Ziggurat.fill(&buffer, using: &self)
  }

  /// A `[rows, columns]` matrix of independent $\mathcal N(\mu, \sigma^2)$ draws.
  ///
  /// - Parameters:
  ///   - rows: number of rows.
  ///   - columns: number of columns.
  ///   - mean: $\mu$ (default 0).
  ///   - standardDeviation: $\sigma$ (default 1).
  public mutating func normalMatrix(
    rows: Int, columns: Int, mean: Double = 0, standardDeviation: Double = 1
  ) -> Matrix {
    var values = [Double](repeating: 0, count: rows * columns)
    fillNormal(&values)
    if mean != 0 || standardDeviation != 1 {
      for k in values.indices { values[k] = mean + standardDeviation * values[k] }
    }
    return Matrix(rows: rows, columns: columns, storage: values)
  }

  /// A `[rows, columns]` matrix of independent $\mathcal U[a, b)$ draws.
  ///
  /// - Parameters:
  ///   - rows: number of rows.
  ///   - columns: number of columns.
  ///   - a: lower end.
  ///   - b: upper end.
  public mutating func uniformMatrix(rows: Int, columns: Int, _ a: Double, _ b: Double) -> Matrix {
    var values = [Double](repeating: 0, count: rows * columns)
    for k in values.indices { values[k] = uniform(a, b) }
    return Matrix(rows: rows, columns: columns, storage: values)
  }

  /// A Bernoulli draw: `true` with probability `p`.
  ///
  /// - Parameter p: the success probability in $[0, 1]$.
  public mutating func bernoulli(_ p: Double) -> Bool {
    precondition(p >= 0 && p <= 1, "bernoulli: probability \(p) outside [0, 1]")
    return uniform() < p
  }

  /// A categorical draw: index $k$ with probability `probabilities[k]`.
  ///
  /// - Parameter probabilities: non-negative weights summing to 1 (within 1e-9).
  public mutating func categorical(_ probabilities: [Double]) -> Int {
    precondition(!probabilities.isEmpty, "categorical: no categories")
    precondition(probabilities.allSatisfy { $0 >= 0 }, "categorical: negative probability")
    let total = probabilities.reduce(0, +)
    precondition(abs(total - 1) < 1e-9, "categorical: probabilities sum to \(total), not 1")
    let u = uniform() * total
    var cumulative = 0.0
    for (k, p) in probabilities.enumerated() {
      cumulative += p
      if u < cumulative { return k }
    }
    return probabilities.lastIndex { $0 > 0 } ?? probabilities.count - 1
  }

  /// A uniformly random permutation of `0..<n` (Fisher–Yates).
  ///
  /// - Parameter n: the number of items.
  public mutating func permutation(_ n: Int) -> [Int] {
    var items = Array(0..<n)
    if n < 2 { return items }
    for i in stride(from: n - 1, to: 0, by: -1) {
      let j = Int(next() % UInt64(i + 1))
      items.swapAt(i, j)
    }
    return items
  }
}
