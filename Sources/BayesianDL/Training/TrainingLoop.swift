/// A minibatch objective: the value to minimise (on a tape) and its two parts, for
/// reporting.
public struct MinibatchLoss {
  /// The scalar to minimise, `[1, 1]`; call `backward` on its tape.
  public let total: Variable
  /// The data-fit part: mean negative log-likelihood per example.
  public let negativeLogLikelihood: Double
  /// The regulariser as it stands in the objective (a KL or a log prior, per datum).
  public let regulariser: Double

  /// Bundles an objective with its parts.
  ///
  /// - Parameters:
  ///   - total: the scalar to minimise.
  ///   - negativeLogLikelihood: its data-fit part.
  ///   - regulariser: its regularising part.
  public init(total: Variable, negativeLogLikelihood: Double, regulariser: Double) {
    self.total = total
    self.negativeLogLikelihood = negativeLogLikelihood
    self.regulariser = regulariser
  }
}

/// What one epoch of training measured (means over the epoch's minibatches).
public struct EpochRecord: Sendable {
  /// The epoch (1-based).
  public let epoch: Int
  /// The mean objective.
  public let loss: Double
  /// The mean negative log-likelihood per example.
  public let negativeLogLikelihood: Double
  /// The mean regulariser term.
  public let regulariser: Double
}

/// The minibatch loop every trainer in the course shares: shuffle, evaluate the
/// objective, back-propagate, check for non-finite numbers, clip, step.
public enum TrainingLoop {
  /// Runs `epochs` passes over `data`.
  ///
  /// - Parameters:
  ///   - data: the training set.
  ///   - epochs: passes over the data (≥ 0).
  ///   - batchSize: examples per step.
  ///   - optimiser: updates the parameters the objective depends on.
  ///   - clipNorm: if set, the largest global gradient norm allowed.
  ///   - rng: the generator for shuffling (and passed to `objective`).
  ///   - onEpoch: called after each epoch.
  ///   - objective: the loss of one minibatch, recorded on a fresh tape.
  /// - Returns: one record per epoch.
  /// - Throws: ``NonFiniteError`` at the first non-finite loss or gradient, naming the step.
  public static func run<O: Optimiser>(
    on data: Dataset, epochs: Int, batchSize: Int, optimiser: inout O, clipNorm: Double? = nil,
    using rng: inout Generator, onEpoch: (EpochRecord) -> Void = { _ in },
    objective: (Dataset, inout Generator) -> MinibatchLoss
  ) throws -> [EpochRecord] {
    precondition(epochs >= 0, "TrainingLoop: epochs must not be negative")
    var records = [EpochRecord]()
    var step = 0
    for epoch in stride(from: 1, through: epochs, by: 1) {
      var sums = (loss: 0.0, nll: 0.0, regulariser: 0.0)
      let batches = Splits.minibatches(count: data.count, batchSize: batchSize, using: &rng)
      for indices in batches {
        step += 1
        // The loss (and with it the tape, whose pullbacks hold the parameters' values) is
        // released before the optimiser writes the parameters, so that they are updated in
        // place instead of copied on write at every step.
        let (value, nll, regulariser) = try { () throws -> (Double, Double, Double) in
          let loss = objective(data.subset(indices), &rng)
          let value = loss.total.value.scalarValue
          try TrainingGuard.check(value, "loss", step: step)
          loss.total.tape.backward(from: loss.total)
          return (value, loss.negativeLogLikelihood, loss.regulariser)
        }()
        try TrainingGuard.checkGradients(of: optimiser.parameters, step: step)
        if let clipNorm { optimiser.clipGradientNorm(clipNorm) }
        optimiser.step()
        sums.loss += value
        sums.nll += nll
        sums.regulariser += regulariser
      }
      let n = Double(batches.count)
      let record = EpochRecord(
        epoch: epoch, loss: sums.loss / n, negativeLogLikelihood: sums.nll / n,
        regulariser: sums.regulariser / n)
      records.append(record)
      onEpoch(record)
    }
    return records
  }
}

/// A training objective that can be evaluated on one minibatch: what ``BayesByBackprop``
/// and ``MAPEstimation`` have in common, and all ``train(on:epochs:batchSize:optimiser:clipNorm:using:onEpoch:)``
/// needs.
public protocol MinibatchObjective {
  /// The objective on one minibatch, per datum, on a new tape.
  ///
  /// - Parameters:
  ///   - batch: the minibatch.
  ///   - datasetSize: $N$, the size of the full training set.
  ///   - rng: the generator for any draws.
  func loss(on batch: Dataset, datasetSize: Int, using rng: inout Generator) -> MinibatchLoss
}

extension MinibatchObjective {
  /// Trains for `epochs` passes over `data` with shuffled minibatches (see
  /// ``TrainingLoop/run(on:epochs:batchSize:optimiser:clipNorm:using:onEpoch:objective:)``).
  ///
  /// - Parameters:
  ///   - data: the training set.
  ///   - epochs: passes over the data.
  ///   - batchSize: examples per step.
  ///   - optimiser: the optimiser over the model's parameters.
  ///   - clipNorm: if set, the largest global gradient norm allowed.
  ///   - rng: the generator for shuffling and any draws.
  ///   - onEpoch: called after each epoch.
  /// - Returns: one record per epoch.
  /// - Throws: ``NonFiniteError`` at the first non-finite loss or gradient.
  @discardableResult
  public func train<O: Optimiser>(
    on data: Dataset, epochs: Int, batchSize: Int, optimiser: inout O, clipNorm: Double? = nil,
    using rng: inout Generator, onEpoch: (EpochRecord) -> Void = { _ in }
  ) throws -> [EpochRecord] {
    try TrainingLoop.run(
      on: data, epochs: epochs, batchSize: batchSize, optimiser: &optimiser, clipNorm: clipNorm,
      using: &rng, onEpoch: onEpoch
    ) { batch, rng in loss(on: batch, datasetSize: data.count, using: &rng) }
  }
}
