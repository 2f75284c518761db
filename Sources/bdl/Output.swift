import BayesianDL
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

/// The files `bdl` writes.
enum Output {
  /// The path to print for a figure: the one the user asked for (relative if given so),
  /// or beside it the gnuplot script, when only that was written (`saved` ends in `.gp`).
  static func shownPath(requested: String, saved: String) -> String {
    guard saved.hasSuffix(".gp") else { return requested }
    return String(requested.dropLast(URL(fileURLWithPath: requested).pathExtension.count)) + "gp"
  }

  /// Writes the rows of `probabilities` as CSV, atomically (a reader never sees half a
  /// file); exits with a message if it cannot.
  static func writeProbabilities(_ probabilities: Matrix, to path: String) {
    var bytes = [UInt8]()
    bytes.reserveCapacity(probabilities.count * 20)
    let c = probabilities.columns
    for (index, value) in probabilities.storage.enumerated() {
      // `description` is the shortest decimal that reads back to the same double.
      bytes.append(contentsOf: value.description.utf8)
      bytes.append(index % c == c - 1 ? UInt8(ascii: "\n") : UInt8(ascii: ","))
    }
    do {
      try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
    } catch {
      Diagnostics.fail("\(path): cannot write the file (\(error.localizedDescription))")
    }
  }
}
