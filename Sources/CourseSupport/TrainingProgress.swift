import BayesianDL

/// Runs a training loop under a progress line showing each epoch's loss, and stops the
/// chapter with one clear line if training fails (a non-finite loss, say).
///
/// ```swift
/// let history = training("MC dropout classifier", epochs: epochs) { onEpoch in
///   try MAPEstimation(model: model, likelihood: .categorical).train(
///     on: data, epochs: epochs, batchSize: 32, optimiser: &adam, using: &rng,
///     onEpoch: onEpoch)
/// }
/// ```
///
/// - Parameters:
///   - label: what is trained, e.g. `"MC dropout classifier"`.
///   - epochs: the number of epochs, the progress line's total.
///   - reportEvery: redraw the line every this many epochs.
///   - body: the training; it passes `onEpoch` to the trainer.
/// - Returns: what `body` returns, e.g. the epoch records.
@discardableResult
public func training<T>(
  _ label: String, epochs: Int, reportEvery: Int = 1,
  _ body: (_ onEpoch: (EpochRecord) -> Void) throws -> T
) -> T {
  let progress = ProgressLine(label, total: epochs)
  defer { progress.finish() }
  return orExit("training \(label)") {
    try body { record in
      guard record.epoch % reportEvery == 0 else { return }
      progress.update(record.epoch, "loss \(Narration.format(record.loss))")
    }
  }
}
