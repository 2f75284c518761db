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

/// What one minibatch's objective measured, once its gradient has been added to the
/// parameters'.
public struct MinibatchValues: Sendable {
  /// The objective.
  public let loss: Double
  /// Its data-fit part: mean negative log-likelihood per example.
  public let negativeLogLikelihood: Double
  /// Its regulariser.
  public let regulariser: Double

  /// Bundles the objective with its parts.
  ///
  /// - Parameters:
  ///   - loss: the objective.
  ///   - negativeLogLikelihood: its data-fit part.
  ///   - regulariser: its regularising part.
  public init(loss: Double, negativeLogLikelihood: Double, regulariser: Double) {
    self.loss = loss
    self.negativeLogLikelihood = negativeLogLikelihood
    self.regulariser = regulariser
  }
}

/// Evaluates an objective on one minibatch and adds its gradient to the parameters'
/// ``Parameter/gradient``: given the minibatch, the generator for any draws and the step
/// (1-based, for error messages), it returns what the objective measured.
///
/// It throws ``NonFiniteError`` if the objective is not finite, before touching any
/// gradient.
public typealias MinibatchGradientStep = (_ batch: Dataset, _ rng: inout Generator, _ step: Int)
  throws -> MinibatchValues

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
  /// Runs `epochs` passes over `data`, back-propagating through each minibatch's tape.
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
    try run(
      on: data, epochs: epochs, batchSize: batchSize, optimiser: &optimiser, clipNorm: clipNorm,
      using: &rng, onEpoch: onEpoch
    ) { batch, rng, step in try backPropagate(objective(batch, &rng), step: step) }
  }

  /// Runs `epochs` passes over `data`, with a given way of computing each minibatch's
  /// gradient.
  ///
  /// - Parameters:
  ///   - data: the training set.
  ///   - epochs: passes over the data (≥ 0).
  ///   - batchSize: examples per step.
  ///   - optimiser: updates the parameters the objective depends on.
  ///   - clipNorm: if set, the largest global gradient norm allowed.
  ///   - rng: the generator for shuffling (and passed to `gradientStep`).
  ///   - onEpoch: called after each epoch.
  ///   - gradientStep: evaluates one minibatch and adds its gradient to the parameters'.
  /// - Returns: one record per epoch.
  /// - Throws: ``NonFiniteError`` at the first non-finite loss or gradient, naming the step.
  public static func run<O: Optimiser>(
    on data: Dataset, epochs: Int, batchSize: Int, optimiser: inout O, clipNorm: Double? = nil,
    using rng: inout Generator, onEpoch: (EpochRecord) -> Void = { _ in },
    gradientStep: MinibatchGradientStep
  ) throws -> [EpochRecord] {
    precondition(epochs >= 0, "TrainingLoop: epochs must not be negative")
    var records = [EpochRecord]()
    var step = 0
    for epoch in stride(from: 1, through: epochs, by: 1) {
      var sums = (loss: 0.0, nll: 0.0, regulariser: 0.0)
      let batches = Splits.minibatches(count: data.count, batchSize: batchSize, using: &rng)
      for indices in batches {
        step += 1
        let values = try gradientStep(data.subset(indices), &rng, step)
        try TrainingGuard.checkGradients(of: optimiser.parameters, step: step)
        if let clipNorm { optimiser.clipGradientNorm(clipNorm) }
        optimiser.step()
        sums.loss += values.loss
        sums.nll += values.negativeLogLikelihood
        sums.regulariser += values.regulariser
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

  /// Checks a minibatch's objective and runs its tape backwards, adding the gradients
  /// to the parameters'.
  ///
  /// The loss, and with it the tape whose pullbacks hold the parameters' values, is
  /// released when this returns, before the optimiser writes the parameters: they are then
  /// updated in place instead of copied on write at every step.
  ///
  /// - Parameters:
  ///   - loss: the objective, recorded on a tape.
  ///   - step: the step, for the error message.
  /// - Returns: what the objective measured.
  /// - Throws: ``NonFiniteError`` if the objective is not finite (nothing is
  ///   back-propagated then).
  public static func backPropagate(_ loss: MinibatchLoss, step: Int) throws -> MinibatchValues {
    let value = loss.total.value.scalarValue
    try TrainingGuard.check(value, "loss", step: step)
    loss.total.tape.backward(from: loss.total)
    return MinibatchValues(
      loss: value, negativeLogLikelihood: loss.negativeLogLikelihood,
      regulariser: loss.regulariser)
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

  /// How a training run on `datasetSize` examples evaluates each minibatch and its
  /// gradient. The default is ``tapeGradientStep(datasetSize:)``; an objective may return
  /// a faster way to the same numbers.
  ///
  /// - Parameter datasetSize: $N$, the size of the full training set.
  func gradientStep(datasetSize: Int) -> MinibatchGradientStep
}

extension MinibatchObjective {
  /// The gradient step through a tape: ``loss(on:datasetSize:using:)`` recorded, checked
  /// and run backwards (``TrainingLoop/backPropagate(_:step:)``).
  ///
  /// - Parameter datasetSize: $N$, the size of the full training set.
  public func tapeGradientStep(datasetSize: Int) -> MinibatchGradientStep {
    { batch, rng, step in
      try TrainingLoop.backPropagate(
        loss(on: batch, datasetSize: datasetSize, using: &rng), step: step)
    }
  }

  /// ``tapeGradientStep(datasetSize:)``.
  ///
  /// - Parameter datasetSize: $N$, the size of the full training set.
  public func gradientStep(datasetSize: Int) -> MinibatchGradientStep {
    tapeGradientStep(datasetSize: datasetSize)
  }

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
      using: &rng, onEpoch: onEpoch, gradientStep: gradientStep(datasetSize: data.count))
  }
}
