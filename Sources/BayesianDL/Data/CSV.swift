import Foundation

/// Why a CSV file could not be read; every case names the file and, where there is
/// one, the line (1-based) and column (1-based) at fault.
public enum CSVError: Error, Equatable, CustomStringConvertible {
  /// The file does not exist or cannot be read.
  case unreadable(path: String, reason: String)
  /// The file has no data rows.
  case empty(path: String)
  /// A field is not a number.
  case notANumber(path: String, line: Int, column: Int, field: String)
  /// A row has a different number of fields from the first row (or than the data set
  /// the file should hold).
  case wrongFieldCount(path: String, line: Int, expected: Int, found: Int)
  /// A number that is not allowed where it stands, e.g. a class label out of range.
  case invalidValue(path: String, line: Int, column: Int, field: String, expected: String)
  /// A field is a number that is not finite: `nan`, `inf`, or one too large for a
  /// `Double` (`NumericCSV` (in `bdl`) tells these apart from fields that are not numbers at all).
  case notFinite(path: String, line: Int, column: Int, field: String)
  /// A blank line between data rows (`NumericCSV` (in `bdl`) rejects it, because it would shift
  /// every later row against a file that should pair with this one line by line).
  case blankLine(path: String, line: Int)

  /// A sentence for the learner.
  public var description: String {
    switch self {
    case .unreadable(let path, let reason): return "\(path): cannot read the file (\(reason))"
    case .empty(let path): return "\(path): no data rows"
    case .notANumber(let path, let line, let column, let field):
      return "\(path):\(line): column \(column) is not a number: \"\(field)\""
    case .wrongFieldCount(let path, let line, let expected, let found):
      return "\(path):\(line): expected \(expected) fields, found \(found)"
    case .invalidValue(let path, let line, let column, let field, let expected):
      return "\(path):\(line): column \(column) is \(field), expected \(expected)"
    case .notFinite(let path, let line, let column, let field):
      return "\(path):\(line): column \(column) is not a finite number: \"\(field)\""
    case .blankLine(let path, let line):
      return "\(path):\(line): blank line between data rows (remove it)"
    }
  }
}

/// A numeric table read from a comma-separated file.
public struct CSVTable: Equatable, Sendable {
  /// The column names, if the file had a header line.
  public var header: [String]?
  /// The values, one row per data line, `[rows, columns]`.
  public var values: Matrix

  /// Reads a CSV file of numbers.
  ///
  /// Fields are separated by commas; surrounding spaces and double quotes around a
  /// field are ignored (a quoted field cannot hold a comma: the files are numeric);
  /// blank lines are skipped; Unix and Windows line ends are both read. The first line is taken as a header
  /// when `hasHeader` is true.
  ///
  /// - Parameters:
  ///   - path: the file.
  ///   - hasHeader: whether the first non-blank line names the columns.
  /// - Throws: ``CSVError`` naming the file, line and column of the first problem.
  public static func read(path: String, hasHeader: Bool) throws -> CSVTable {
    let text: String
    do {
      text = try String(contentsOfFile: path, encoding: .utf8)
    } catch {
      let reason =
        FileManager.default.fileExists(atPath: path)
        ? "not UTF-8 text or not readable" : "no such file"
      throw CSVError.unreadable(path: path, reason: reason)
    }
    return try parse(text, path: path, hasHeader: hasHeader)
  }

  /// Parses CSV text (see ``read(path:hasHeader:)``).
  ///
  /// - Parameters:
  ///   - text: the file's contents.
  ///   - path: the name to use in error messages.
  ///   - hasHeader: whether the first non-blank line names the columns.
  /// - Throws: ``CSVError``.
  public static func parse(_ text: String, path: String, hasHeader: Bool) throws -> CSVTable {
    var header: [String]?
    var storage = [Double]()
    var width: Int?
    var rows = 0
    // "\r\n" is one Character in Swift, so Windows line ends need their own separator.
    let lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
    for (index, line) in lines.enumerated() {
      if line.allSatisfy(\.isWhitespace) { continue }
      let fields = line.split(separator: ",", omittingEmptySubsequences: false).map {
        $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(
          in: CharacterSet(charactersIn: "\""))
      }
      if let expected = width, fields.count != expected {
        throw CSVError.wrongFieldCount(
          path: path, line: index + 1, expected: expected, found: fields.count)
      }
      width = fields.count
      if hasHeader && header == nil {
        header = fields
        continue
      }
      for (column, field) in fields.enumerated() {
        guard let value = Double(field), value.isFinite else {
          throw CSVError.notANumber(path: path, line: index + 1, column: column + 1, field: field)
        }
        storage.append(value)
      }
      rows += 1
    }
    guard rows > 0, let columns = width else { throw CSVError.empty(path: path) }
    return CSVTable(header: header, values: Matrix(rows: rows, columns: columns, storage: storage))
  }
}
