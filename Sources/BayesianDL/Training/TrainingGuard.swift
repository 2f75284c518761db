/// Training stopped because a number stopped being finite.
public struct NonFiniteError: Error, Equatable, CustomStringConvertible {
  /// The optimisation step (1-based) at which it happened.
  public let step: Int
  /// What was not finite, e.g. `"loss"` or `"gradient of layer2.weightScale"`.
  public let quantity: String
  /// The offending value (NaN or ±∞).
  public let value: Double

  /// A sentence for the learner.
  public var description: String {
    "training stopped at step \(step): \(quantity) is \(value) — try a smaller learning rate or gradient clipping"
  }
}

/// Checks that stop training at the first non-finite loss or gradient, naming the step
/// and the quantity, instead of letting NaN spread silently through the weights.
public enum TrainingGuard {
  /// Throws if `value` is NaN or infinite.
  ///
  /// - Parameters:
  ///   - value: the number to check.
  ///   - quantity: its name for the message.
  ///   - step: the current step.
  public static func check(_ value: Double, _ quantity: String, step: Int) throws {
    if !value.isFinite { throw NonFiniteError(step: step, quantity: quantity, value: value) }
  }

  /// Throws at the first parameter whose gradient has a non-finite entry.
  ///
  /// - Parameters:
  ///   - parameters: the parameters after a backward pass.
  ///   - step: the current step.
  public static func checkGradients(of parameters: [Parameter], step: Int) throws {
    for p in parameters {
      // NaN and ±∞ survive a sum, so one vectorised pass decides; only a bad sum pays
      // for the search that names the entry.
      let total = p.gradient.sum()
      if total.isFinite { continue }
      if let bad = p.gradient.storage.first(where: { !$0.isFinite }) {
        throw NonFiniteError(step: step, quantity: "gradient of \(p.name)", value: bad)
      }
    }
  }
}
