import Foundation
import Weaving

/// A one-line progress display for long loops, redrawn in place on a terminal and
/// silent when the output is piped or the chapter runs for the weaver (so logs and woven
/// pages stay clean).
public struct ProgressLine {
  /// What is being done, e.g. `"training"`.
  public let label: String
  /// The number of steps in all.
  public let total: Int
  private let enabled: Bool

  /// Creates a progress line; it shows only if standard output is a terminal and weave
  /// markers (``Weaver/Marker/isEnabled``) are off.
  ///
  /// - Parameters:
  ///   - label: the activity.
  ///   - total: the number of steps.
  public init(_ label: String, total: Int) {
    self.label = label
    self.total = total
    self.enabled = isatty(STDOUT_FILENO) == 1 && !Weaver.Marker.isEnabled
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
    print("\r  \(label) [\(bar)] \(done)/\(total) \(status)\u{1B}[K", terminator: "")
    fflush(nil)  // nil flushes every stream, stdout included
  }

  /// Clears the line so that the next output starts on a clean line.
  public func finish() {
    guard enabled else { return }
    print("\r\u{1B}[K", terminator: "")
    fflush(nil)  // nil flushes every stream, stdout included
  }
}
