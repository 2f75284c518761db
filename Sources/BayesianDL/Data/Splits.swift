/// Index-level helpers for dividing a data set.
public enum Splits {
  /// A random train/test split of `0..<count`.
  ///
  /// - Parameters:
  ///   - count: the number of examples.
  ///   - testFraction: the share held out, in $(0, 1)$; the test set gets
  ///     `round(count * testFraction)` examples.
  ///   - rng: the generator for the shuffle.
  /// - Returns: disjoint index lists covering `0..<count`.
  public static func trainTest(count: Int, testFraction: Double, using rng: inout Generator)
    -> (train: [Int], test: [Int])
  {
    precondition(testFraction > 0 && testFraction < 1, "trainTest: testFraction must be in (0, 1)")
    let order = rng.permutation(count)
    let testCount = Int((Double(count) * testFraction).rounded())
    return (Array(order[testCount...]), Array(order[..<testCount]))
  }

  /// One epoch of shuffled minibatches: a permutation of `0..<count` cut into batches of
  /// `batchSize` (the last one smaller if `count` is not a multiple).
  ///
  /// - Parameters:
  ///   - count: the number of examples.
  ///   - batchSize: examples per batch (≥ 1).
  ///   - rng: the generator for the shuffle.
  public static func minibatches(count: Int, batchSize: Int, using rng: inout Generator) -> [[Int]]
  {
    precondition(batchSize >= 1, "minibatches: batch size must be at least 1")
    let order = rng.permutation(count)
    return stride(from: 0, to: count, by: batchSize).map {
      Array(order[$0..<Swift.min($0 + batchSize, count)])
    }
  }

  /// The number of minibatches ``minibatches(count:batchSize:using:)`` makes per epoch,
  /// $\lceil \text{count}/\text{batchSize} \rceil$ — to turn a budget of optimiser steps
  /// into epochs.
  ///
  /// - Parameters:
  ///   - count: the number of examples.
  ///   - batchSize: examples per batch (≥ 1).
  public static func batchesPerEpoch(count: Int, batchSize: Int) -> Int {
    precondition(batchSize >= 1, "batchesPerEpoch: batch size must be positive")
    return (count + batchSize - 1) / batchSize
  }

  /// A bootstrap resample: `count` indices drawn uniformly from `0..<count` with
  /// replacement (each example appears Binomial(count, 1/count) times; about 63 % of
  /// them at least once).
  ///
  /// - Parameters:
  ///   - count: the number of examples.
  ///   - rng: the generator.
  public static func bootstrap(count: Int, using rng: inout Generator) -> [Int] {
    (0..<count).map { _ in Swift.min(Int(rng.uniform() * Double(count)), count - 1) }
  }
}
