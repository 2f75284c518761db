import Foundation

/// A one-line progress display for long loops, redrawn in place on standard error when
/// that is a terminal (also under `make`, whose weaver passes the chapter's standard error
/// through), and silent when it is piped or redirected (so logs stay clean). It never
/// reaches a woven page, which is made from standard output.
public struct ProgressLine {
  /// What is being done, e.g. `"training"`.
  public let label: String
  /// The number of steps in all.
  public let total: Int
  private let enabled: Bool

  /// Creates a progress line; it shows only if standard error is a terminal.
  ///
  /// - Parameters:
  ///   - label: the activity.
  ///   - total: the number of steps.
  public init(_ label: String, total: Int) {
    self.label = label
    self.total = total
    // On standard error, so that it is never part of the output a page shows (the weaver
    // reads standard output), and only on a terminal, so that logs stay clean.
    self.enabled = isatty(STDERR_FILENO) == 1
  }

  /// Redraws the line at step `done` with an optional status.
  ///
  /// - Parameters:
  ///   - done: steps finished so far.
  ///   - status: e.g. `"loss 0.231"`.
  public func update(_ done: Int, _ status: String = "") {
    guard enabled else { return }
    let width = 24
    let filled = total > 0 ? width * Swift.min(done, total) / total : width
    let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
    FileHandle.standardError.write(Data("\r  \(label) [\(bar)] \(done)/\(total) \(status)\u{1B}[K".utf8))
  }

  /// Clears the line so that the next output starts on a clean line.
  public func finish() {
    guard enabled else { return }
    FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
  }
}
