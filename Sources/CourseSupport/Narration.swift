import BayesianDL
import Foundation
import Weaving

/// Printing helpers that give every chapter's output the same shape: section
/// headings, `key = value` results and aligned tables.
///
/// Each printing function takes its call site (`file` and `line`, filled in by the
/// compiler; callers never pass them). With `BDL_WEAVE_MARKERS=1` in the environment it
/// first prints a ``Weaver/Marker`` naming that site, so that the weaver can put the
/// output under the code that printed it; without the variable the output is unchanged.
public enum Narration {
  /// Prints a section heading, e.g. `== 2. An exact posterior ==`.
  ///
  /// - Parameters:
  ///   - title: the section's title, numbered as in the source.
  ///   - file: the call site's file (for the weave marker).
  ///   - line: the call site's line (for the weave marker).
  public static func section(_ title: String, file: String = #fileID, line: Int = #line) {
    Weaver.Marker.emit(file: file, line: line)
    print("\n== \(title) ==")
  }

  /// Prints a line of text as it is, e.g. a remark between results or where the figures
  /// went.
  ///
  /// - Parameters:
  ///   - text: the line (or lines) to print.
  ///   - file: the call site's file (for the weave marker).
  ///   - line: the call site's line (for the weave marker).
  public static func note(_ text: String, file: String = #fileID, line: Int = #line) {
    Weaver.Marker.emit(file: file, line: line)
    print(text)
  }

  /// Prints one result as `name = value`, aligned at a fixed column.
  ///
  /// - Parameters:
  ///   - name: what was measured.
  ///   - value: the number.
  ///   - digits: significant digits (default 4).
  ///   - unit: an optional unit, printed after the value.
  ///   - file: the call site's file (for the weave marker).
  ///   - line: the call site's line (for the weave marker).
  public static func result(
    _ name: String, _ value: Double, digits: Int = 4, unit: String = "", file: String = #fileID,
    line: Int = #line
  ) {
    Weaver.Marker.emit(file: file, line: line)
    print("  \(padded(name)) = \(format(value, digits: digits))\(unit.isEmpty ? "" : " " + unit)")
  }

  /// Prints one textual result as `name = text`.
  ///
  /// - Parameters:
  ///   - name: what was measured.
  ///   - text: the value as text.
  ///   - file: the call site's file (for the weave marker).
  ///   - line: the call site's line (for the weave marker).
  public static func result(
    _ name: String, _ text: String, file: String = #fileID, line: Int = #line
  ) {
    Weaver.Marker.emit(file: file, line: line)
    print("  \(padded(name)) = \(text)")
  }

  /// `name` padded with spaces to 44 characters, counting what the reader sees
  /// (Swift `Character`s): Foundation's `padding(toLength:)` counts UTF-16 units and
  /// cut off names with combining marks such as "p̄".
  ///
  /// - Parameter name: the text to pad; never shortened.
  static func padded(_ name: String) -> String {
    name + String(repeating: " ", count: Swift.max(0, 44 - name.count))
  }

  /// Prints a table with a header row, columns padded to their widest cell; numbers
  /// are right-aligned, text left-aligned.
  ///
  /// - Parameters:
  ///   - headers: the column titles.
  ///   - rows: the cells, one array per row, as many as `headers`.
  ///   - file: the call site's file (for the weave marker).
  ///   - line: the call site's line (for the weave marker).
  public static func table(
    _ headers: [String], _ rows: [[String]], file: String = #fileID, line: Int = #line
  ) {
    precondition(
      rows.allSatisfy { $0.count == headers.count },
      "Narration.table: a row has the wrong number of cells")
    let widths = headers.indices.map { j in
      ([headers[j]] + rows.map { $0[j] }).map(\.count).max() ?? 0
    }
    func aligned(_ cells: [String]) -> String {
      cells.enumerated().map { j, cell in
        let pad = String(repeating: " ", count: widths[j] - cell.count)
        return Double(cell.replacingOccurrences(of: ",", with: "")) != nil ? pad + cell : cell + pad
      }.joined(separator: "  ")
    }
    Weaver.Marker.emit(file: file, line: line)
    print("  " + aligned(headers))
    print("  " + widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
    for row in rows { print("  " + aligned(row)) }
  }

  /// A number with `digits` significant digits (plain or scientific, whichever is
  /// shorter).
  ///
  /// - Parameters:
  ///   - value: the number.
  ///   - digits: significant digits.
  public static func format(_ value: Double, digits: Int = 4) -> String {
    String(format: "%.\(digits)g", value)
  }

  /// "value ± spread", e.g. a mean over seeds and its standard deviation.
  ///
  /// - Parameters:
  ///   - value: the central value.
  ///   - spread: the ± part.
  ///   - digits: significant digits of the value.
  ///   - spreadDigits: significant digits of the spread.
  public static func format(
    _ value: Double, plusMinus spread: Double, digits: Int = 3, spreadDigits: Int = 2
  ) -> String {
    "\(format(value, digits: digits)) ± \(format(spread, digits: spreadDigits))"
  }

  /// "mean ± standard error".
  ///
  /// - Parameters:
  ///   - estimate: the estimate.
  ///   - digits: significant digits of the mean.
  ///   - errorDigits: significant digits of the standard error.
  public static func format(_ estimate: MeanEstimate, digits: Int = 3, errorDigits: Int = 2)
    -> String
  {
    format(
      estimate.mean, plusMinus: estimate.standardError, digits: digits, spreadDigits: errorDigits)
  }
}
