/// A classification data set divided for out-of-distribution detection: some classes
/// are seen in training (and split into training and held-out test examples), the
/// others are never seen and serve as the unusual inputs.
public struct OpenSetSplit: Sendable {
  /// Examples of the known classes to train on.
  public let train: Dataset
  /// Held-out examples of the known classes.
  public let test: Dataset
  /// Every example of the other classes.
  public let unknown: Dataset

  /// Splits `data` (class-labelled) by class, then the known classes' examples at random.
  ///
  /// - Parameters:
  ///   - data: a data set with class targets.
  ///   - knownClasses: the labels seen in training.
  ///   - testFraction: the share of the known examples held out, in $(0, 1)$.
  ///   - rng: the generator for the train/test shuffle.
  public init(
    _ data: Dataset, knownClasses: ClosedRange<Int>, testFraction: Double,
    using rng: inout Generator
  ) {
    let labels = data.targets.labels
    let known = data.subset(labels.indices.filter { knownClasses.contains(labels[$0]) })
    unknown = data.subset(labels.indices.filter { !knownClasses.contains(labels[$0]) })
    let split = Splits.trainTest(count: known.count, testFraction: testFraction, using: &rng)
    train = known.subset(split.train)
    test = known.subset(split.test)
  }
}
