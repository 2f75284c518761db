import ArgumentParser
import Foundation

/// Numbers as the reports print them.
enum Format {
  /// `value` with `digits` decimals (`inf` for +∞).
  static func fixed(_ value: Double, _ digits: Int) -> String {
    String(format: "%.\(digits)f", value)
  }

  /// `text` right-aligned in `width` characters.
  static func pad(_ text: String, _ width: Int) -> String {
    String(repeating: " ", count: max(width - text.count, 0)) + text
  }
}

/// Messages on standard error, so that standard output holds only the report (which may
/// be JSON).
enum Diagnostics {
  /// Prints `error: message` and stops with exit status 1.
  static func fail(_ message: String) -> Never {
    write("error: \(message)")
    exit(ExitCode.failure.rawValue)
  }

  /// Prints `note: message`.
  static func note(_ message: String) { write("note: \(message)") }

  private static func write(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
  }
}
