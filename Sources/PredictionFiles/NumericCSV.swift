import BayesianDL
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A table of numbers read from a comma-separated file, fast enough for millions of rows.
///
/// ``CSVTable`` is general (headers, quotes) and goes through `String`; this reader is for
/// the large, plain files that a practitioner exports from a model — a row of class
/// probabilities or logits per example, a label per line — and reads the bytes directly.
///
/// **Format.** No header. Every line is a row of decimal numbers separated by commas,
/// with the same number of fields on every line. A number is an optional sign, digits
/// with an optional decimal point (at least one digit: `1`, `-0.5`, `.5`, `5.`), and an
/// optional exponent (`1e-3`, `1.5E+2`); spaces and tabs around it are ignored. Lines end
/// in `\n` or `\r\n`, and the last line end may be missing. A UTF-8 byte-order mark at the
/// start is skipped.
///
/// **What is rejected**, each with the file, line and column (the 1-based field number):
/// empty fields and anything else that is not such a number (`1.2.3`, `0x1p3`, `abc`:
/// ``CSVError/notANumber(path:line:column:field:)``); `nan`, `inf` and numbers too large
/// for a `Double` (``CSVError/notFinite(path:line:column:field:)``); a row with another
/// number of fields than the first (``CSVError/wrongFieldCount(path:line:expected:found:)``);
/// a file with no rows (``CSVError/empty(path:)``). Blank lines at the end of the file are
/// ignored, but a blank line between rows is an error
/// (``CSVError/blankLine(path:line:)``): skipping it would silently shift every later row
/// against a second file that pairs with this one line by line. So row `r` (0-based)
/// is always on line `r + 1`.
///
/// **Rounding.** Every number is the `Double` nearest to the decimal written (ties to
/// even), as `strtod` gives, by the first of three paths that applies to its significant
/// digits $w$ and decimal exponent $e$ (value $w \cdot 10^e$):
/// 1. *Clinger's fast path*: $w \le 2^{53}$ and $|e| \le 22$. Both $w$ and $10^{|e|}$ are
///    exact doubles, so one correctly rounded multiplication or division gives the answer.
/// 2. *Exact integer path*: $w < 2^{64}$ (up to 19 digits, as `%.17g` or numpy's `%.18e`
///    print) and $|e| \le 27$. With $10^e = 5^e 2^e$ and $5^{27} < 2^{64}$, the product
///    $w \cdot 5^e$ or the quotient $w / 5^{|e|}$ is formed exactly in 128-bit integer
///    arithmetic — quotient and remainder — and rounded to 53 bits once; the $2^e$ only
///    moves the exponent.
/// 3. Otherwise `strtod` (in the C locale) on a NUL-terminated copy of the field.
public struct NumericCSV: Equatable, Sendable {
  /// The number of rows (data lines).
  public let rows: Int
  /// The number of fields on every line.
  public let columns: Int
  /// The numbers, row by row: the field in column `j` of row `i` is `values[i * columns + j]`.
  public let values: [Double]
  /// The names in the header row, one per column, or nil for a file without one.
  public var header: [String]? = nil

  /// A table of `rows` × `columns` numbers, row by row, without a header.
  ///
  /// - Parameters:
  ///   - rows: the number of rows.
  ///   - columns: the number of columns.
  ///   - values: `rows * columns` numbers, row by row.
  public init(rows: Int, columns: Int, values: [Double]) {
    precondition(
      values.count == rows * columns, "NumericCSV: \(values.count) values for \(rows) × \(columns)")
    self.rows = rows
    self.columns = columns
    self.values = values
  }

  /// How a file is laid out: what separates the fields, whether the first line names the
  /// columns, and whether the first column is an index to leave out.
  public struct Format: Equatable, Sendable {
    /// Whether the first line is a header row.
    public enum Header: Equatable, Sendable {
      /// Every line is data.
      case absent
      /// The first line names the columns.
      case present
      /// The first line is a header if one of its fields is not a number.
      case detect
    }

    /// The byte between fields: `,` or a tab.
    public var delimiter: UInt8
    /// Whether the first line names the columns.
    public var header: Header
    /// Whether the first column is an index (a row number or id) to leave out.
    public var indexColumn: Bool

    /// Creates a format.
    ///
    /// - Parameters:
    ///   - delimiter: the byte between fields.
    ///   - header: whether the first line names the columns.
    ///   - indexColumn: whether to leave out the first column.
    public init(
      delimiter: UInt8 = UInt8(ascii: ","), header: Header = .absent, indexColumn: Bool = false
    ) {
      self.delimiter = delimiter
      self.header = header
      self.indexColumn = indexColumn
    }

    /// The plain format: commas, no header, no index column.
    public static let plain = Format()
  }

  /// The table as a `[rows, columns]` matrix (sharing the storage).
  public var matrix: Matrix { Matrix(rows: rows, columns: columns, storage: values) }

  /// Reads a file of comma-separated numbers (see the format above).
  ///
  /// - Parameter path: the file.
  /// - Throws: ``CSVError/unreadable(path:reason:)`` if it cannot be read, and the other
  ///   cases of ``CSVError`` for the first problem in it.
  public static func read(path: String, format: Format = .plain) throws -> NumericCSV {
    if path == "-" {
      // Standard input, read to its end.
      let data = FileHandle.standardInput.readDataToEndOfFile()
      return try data.withUnsafeBytes { try parse($0, path: "<standard input>", format: format) }
    }
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw CSVError.unreadable(path: path, reason: "no such file")
    }
    if isDirectory.boolValue { throw CSVError.unreadable(path: path, reason: "it is a directory") }
    let data: Data
    do {
      // Mapped rather than copied: a 200 MB file is read once, straight from the page cache.
      data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
    } catch {
      let reason =
        FileManager.default.isReadableFile(atPath: path)
        ? error.localizedDescription : "permission denied"
      throw CSVError.unreadable(path: path, reason: reason)
    }
    return try data.withUnsafeBytes { try parse($0, path: path, format: format) }
  }

  /// Parses the text of a file of comma-separated numbers.
  ///
  /// - Parameters:
  ///   - text: the contents.
  ///   - path: the name to use in error messages.
  /// - Throws: ``CSVError``.
  public static func parse(_ text: String, path: String, format: Format = .plain) throws
    -> NumericCSV
  {
    var text = text
    return try text.withUTF8 { try parse(UnsafeRawBufferPointer($0), path: path, format: format) }
  }

  /// Parses the bytes of a file of comma-separated numbers.
  ///
  /// A large file is cut at line ends into one piece per core and the pieces are parsed
  /// side by side (after the first line, which fixes the number of columns); the result
  /// and the first error, in file order, are those of one pass from the top.
  ///
  /// - Parameters:
  ///   - bytes: the contents (UTF-8 or ASCII).
  ///   - path: the name to use in error messages.
  /// - Throws: ``CSVError``.
  public static func parse(
    _ bytes: UnsafeRawBufferPointer, path: String, format: Format = .plain
  ) throws -> NumericCSV {
    let b = bytes.bindMemory(to: UInt8.self)
    var start = 0
    if b.count >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF { start = 3 }
    var header: [String]?
    if format.header != .absent, start < b.count {
      var end = start
      while end < b.count && b[end] != newline { end += 1 }
      let names = String(decoding: b[start..<end], as: UTF8.self)
        .split(
          separator: Character(UnicodeScalar(format.delimiter)), omittingEmptySubsequences: false
        )
        .map {
          $0.trimmingCharacters(in: .whitespacesAndNewlines).trimmingCharacters(
            in: CharacterSet(charactersIn: "\""))
        }
      // Detected: a header is a first line with a field that is not a number.
      let isHeader =
        format.header == .present
        || names.contains { Double($0) == nil || $0.isEmpty }
      if isHeader {
        header = names
        start = Swift.min(end + 1, b.count)
      }
    }
    var table: NumericCSV
    do {
      table = try parseRows(b, from: start, path: path, delimiter: format.delimiter)
    } catch let error as CSVError {
      // Line numbers count from the first data line; the header is line 1.
      throw header == nil ? error : error.shifted(by: 1)
    }
    if let names = header, names.count != table.columns {
      throw CSVError.wrongFieldCount(
        path: path, line: 1, expected: table.columns, found: names.count)
    }
    table.header = header
    return format.indexColumn ? try table.droppingFirstColumn(path: path) : table
  }

  /// The table without its first column (an index), and its header without the first name.
  public func droppingFirstColumn(path: String) throws -> NumericCSV {
    guard columns >= 2 else {
      throw CSVError.wrongFieldCount(path: path, line: header == nil ? 1 : 2, expected: 2, found: 1)
    }
    var kept = [Double]()
    kept.reserveCapacity(rows * (columns - 1))
    for i in 0..<rows { kept += values[(i * columns + 1)..<((i + 1) * columns)] }
    var table = NumericCSV(rows: rows, columns: columns - 1, values: kept)
    table.header = header.map { Array($0.dropFirst()) }
    return table
  }

  /// The data rows from `start` on (the byte-order mark and any header already skipped).
  private static func parseRows(
    _ b: UnsafeBufferPointer<UInt8>, from start: Int, path: String, delimiter: UInt8
  ) throws -> NumericCSV {
    let n = b.count
    let cLocale = CLocale()

    // The first row fixes the number of columns.
    var first = Piece()
    var columns = 0
    try first.parse(
      b, start..<n, columns: &columns, rowLimit: 1, path: path, locale: cLocale,
      delimiter: delimiter)
    if first.rows == 0 { throw CSVError.empty(path: path) }

    // The rest, in pieces that start and end at line starts.
    let rest = first.end
    let pieces = Swift.min(
      ProcessInfo.processInfo.activeProcessorCount, 8, (n - rest) / minimumBytesPerPiece)
    var cuts = [rest]
    if pieces >= 2 {
      for k in 1..<pieces {
        var cut = Swift.max(rest + (n - rest) * k / pieces, cuts.last!)
        while cut < n && b[cut - 1] != newline { cut += 1 }
        cuts.append(cut)
      }
    }
    cuts.append(n)
    let firstBytes = rest - start
    let pieceBounds = cuts
    nonisolated(unsafe) let buffer = b
    let expected = columns
    let results = Parallel.map(pieceBounds.count - 1) { k -> Result<Piece, CSVError> in
      let range = pieceBounds[k]..<pieceBounds[k + 1]
      var piece = Piece()
      var width = expected
      // Room for the rows that the first line's length suggests, with some slack.
      piece.values.reserveCapacity(width * (range.count / Swift.max(firstBytes, 1) * 9 / 8 + 16))
      return Result { () throws(CSVError) in
        try piece.parse(
          buffer, range, columns: &width, path: path, locale: cLocale, delimiter: delimiter)
        return piece
      }
    }

    var total = first.rows
    for (k, result) in results.enumerated() {
      switch result {
      case .success(let piece): total += piece.rows
      case .failure(let error):
        // Pieces count lines from 1; the first error in file order is in the first
        // piece that failed, after all the lines before it.
        let before = b[0..<cuts[k]].reduce(0) { $0 + ($1 == newline ? 1 : 0) }
        throw error.shifted(by: before)
      }
    }
    var values = [Double]()
    values.reserveCapacity(total * columns)
    values += first.values
    for case .success(let piece) in results { values += piece.values }
    return NumericCSV(rows: total, columns: columns, values: values)
  }

  /// The smallest piece worth a thread of its own (a file under two of them is parsed in
  /// one piece).
  private static let minimumBytesPerPiece = 1 << 20

  /// The C locale, for `strtod` to read a decimal point whatever the program's locale is.
  private final class CLocale: @unchecked Sendable {
    /// The locale, or nil if it could not be made (then the program's locale is used).
    let locale = newlocale(LC_NUMERIC_MASK, "C", nil)

    deinit { if let locale { freelocale(locale) } }

    /// Runs `body` on this thread with the C locale (`uselocale` is per thread).
    func use<T>(_ body: () throws(CSVError) -> T) throws(CSVError) -> T {
      guard let locale else { return try body() }
      let previous = uselocale(locale)
      defer { uselocale(previous) }
      return try body()
    }
  }

  /// The rows of one piece of a file.
  private struct Piece {
    /// The numbers, row by row.
    var values = [Double]()
    /// The number of rows.
    var rows = 0
    /// The index after the last line read.
    var end = 0

    /// Parses the lines in `range` (which starts at a line start and ends at one or at the
    /// end of the file), numbering them from 1.
    ///
    /// - Parameters:
    ///   - columns: the number of fields each row must have; 0 to take it from the first.
    ///   - rowLimit: stop after this many rows.
    mutating func parse(
      _ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, columns: inout Int,
      rowLimit: Int = .max, path: String, locale: CLocale, delimiter: UInt8
    ) throws(CSVError) {
      // A tab separates fields in a tab-separated file; elsewhere it is white space.
      let tabIsSpace = delimiter != tab
      let n = b.count
      var i = range.lowerBound
      var line = 1
      var parser = DecimalParser()
      defer { end = i }
      try locale.use { () throws(CSVError) in
        while i < range.upperBound && rows < rowLimit {
          if isBlankLine(b, from: i) {
            // Blank lines may only end the file.
            if restIsBlank(b, from: i) {
              i = n
              break
            }
            throw CSVError.blankLine(path: path, line: line)
          }
          let lineStart = i
          var field = 0
          while true {
            let fieldStart = i
            while i < n && (b[i] == space || (tabIsSpace && b[i] == tab)) { i += 1 }
            guard let (value, next) = parser.parse(b, from: i) else {
              throw fieldError(
                b, from: fieldStart, path: path, line: line, column: field + 1,
                delimiter: delimiter)
            }
            guard value.isFinite else {
              throw CSVError.notFinite(
                path: path, line: line, column: field + 1,
                field: fieldText(b, from: fieldStart, delimiter: delimiter))
            }
            i = next
            while i < n && (b[i] == space || (tabIsSpace && b[i] == tab)) { i += 1 }
            field += 1
            if columns > 0 && field > columns {
              throw CSVError.wrongFieldCount(
                path: path, line: line, expected: columns,
                found: fieldCount(b, from: lineStart, delimiter: delimiter))
            }
            values.append(value)
            if i == n { break }
            let c = b[i]
            if c == delimiter {
              i += 1
              continue
            }
            if c == newline {
              i += 1
              break
            }
            if c == carriageReturn && (i + 1 == n || b[i + 1] == newline) {
              i = Swift.min(i + 2, n)
              break
            }
            throw fieldError(
              b, from: fieldStart, path: path, line: line, column: field, delimiter: delimiter)
          }
          if columns == 0 {
            columns = field
          } else if field != columns {
            throw CSVError.wrongFieldCount(path: path, line: line, expected: columns, found: field)
          }
          rows += 1
          line += 1
        }
      }
    }
  }

  // MARK: Lines and fields

  fileprivate static let space = UInt8(ascii: " ")
  fileprivate static let tab = UInt8(ascii: "\t")
  fileprivate static let comma = UInt8(ascii: ",")
  fileprivate static let newline = UInt8(ascii: "\n")
  fileprivate static let carriageReturn = UInt8(ascii: "\r")

  /// Whether the line starting at `start` holds only spaces, tabs and a line end.
  fileprivate static func isBlankLine(_ b: UnsafeBufferPointer<UInt8>, from start: Int) -> Bool {
    var i = start
    while i < b.count && b[i] != newline {
      if b[i] != space && b[i] != tab && b[i] != carriageReturn { return false }
      i += 1
    }
    return true
  }

  /// Whether everything from `start` to the end of the file is white space.
  fileprivate static func restIsBlank(_ b: UnsafeBufferPointer<UInt8>, from start: Int) -> Bool {
    b[start...].allSatisfy { $0 == space || $0 == tab || $0 == carriageReturn || $0 == newline }
  }

  /// The field starting at `start`, up to the next comma or line end, without the white
  /// space around it.
  fileprivate static func fieldText(
    _ b: UnsafeBufferPointer<UInt8>, from start: Int, delimiter: UInt8
  ) -> String {
    var end = start
    while end < b.count && b[end] != delimiter && b[end] != newline { end += 1 }
    let bytes = b[start..<end].drop { $0 == space || $0 == tab }
    let trimmed = bytes.reversed().drop { $0 == space || $0 == tab || $0 == carriageReturn }
    return String(decoding: trimmed.reversed(), as: UTF8.self)
  }

  /// The number of fields on the line starting at `start`.
  fileprivate static func fieldCount(
    _ b: UnsafeBufferPointer<UInt8>, from start: Int, delimiter: UInt8
  ) -> Int {
    var count = 1
    var i = start
    while i < b.count && b[i] != newline {
      if b[i] == delimiter { count += 1 }
      i += 1
    }
    return count
  }

  /// The error for a field that did not parse as a finite decimal number.
  fileprivate static func fieldError(
    _ b: UnsafeBufferPointer<UInt8>, from start: Int, path: String, line: Int, column: Int,
    delimiter: UInt8
  ) -> CSVError {
    let text = fieldText(b, from: start, delimiter: delimiter)
    var word = text.lowercased()
    if word.hasPrefix("+") || word.hasPrefix("-") { word.removeFirst() }
    if ["nan", "inf", "infinity"].contains(word) {
      return .notFinite(path: path, line: line, column: column, field: text)
    }
    return .notANumber(path: path, line: line, column: column, field: text)
  }
}

/// The correctly rounded decimal-to-binary conversion behind ``NumericCSV`` (see its
/// "Rounding" paragraph for the three paths).
struct DecimalParser {
  /// Which path produced a number (the tests check that each one is taken).
  enum Method: Equatable {
    /// One floating-point operation with an exact power of ten.
    case clinger
    /// 128-bit integer arithmetic with a power of five.
    case exactInteger
    /// The C library.
    case strtod
  }

  /// The path of the last successful ``parse(_:from:)``.
  private(set) var lastMethod = Method.clinger
  /// A NUL-terminated copy of a field for `strtod`.
  private var scratch = [CChar](repeating: 0, count: 64)

  /// $10^k$ for $k = 0 … 22$, all exact doubles.
  private static let powersOfTen: [Double] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
  ]

  /// $5^k$ for $k = 0 … 27$, the largest power of five below $2^{64}$.
  private static let powersOfFive: [UInt64] = {
    var powers: [UInt64] = [1]
    for _ in 1...27 { powers.append(powers.last! * 5) }
    return powers
  }()

  /// Parses the number that starts at `start` and ends at the first byte that cannot
  /// continue it.
  ///
  /// - Returns: the value (infinite if it overflows) and the index after the number, or
  ///   nil if no number starts there.
  @inline(__always)
  mutating func parse(_ b: UnsafeBufferPointer<UInt8>, from start: Int) -> (Double, Int)? {
    let n = b.count
    var i = start
    var negative = false
    if i < n && (b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+")) {
      negative = b[i] == UInt8(ascii: "-")
      i += 1
    }
    // Up to 19 significant digits go into `mantissa`; later ones only move the exponent,
    // and a non-zero one among them sends the number to strtod.
    var mantissa: UInt64 = 0
    var digits = 0
    var exponent = 0
    var truncated = false
    var sawDigit = false
    while i < n {
      let d = b[i] &- UInt8(ascii: "0")
      if d >= 10 { break }
      sawDigit = true
      if digits < 19 {
        if mantissa != 0 || d != 0 {
          mantissa = mantissa &* 10 &+ UInt64(d)
          digits += 1
        }
      } else {
        exponent += 1
        if d != 0 { truncated = true }
      }
      i += 1
    }
    if i < n && b[i] == UInt8(ascii: ".") {
      i += 1
      while i < n {
        // Eight digits at a time once the leading zeros are behind (they do not count)
        // and while all eight still fit the 19 kept: most of a long fraction.
        if mantissa != 0 && digits <= 11 && i + 8 <= n {
          let chunk = UInt64(
            littleEndian: UnsafeRawPointer(b.baseAddress! + i).loadUnaligned(as: UInt64.self))
          if Self.isEightDigits(chunk) {
            mantissa = mantissa &* 100_000_000 &+ Self.eightDigits(chunk)
            digits += 8
            exponent -= 8
            i += 8
            continue
          }
        }
        let d = b[i] &- UInt8(ascii: "0")
        if d >= 10 { break }
        sawDigit = true
        if digits < 19 {
          if mantissa != 0 || d != 0 {
            mantissa = mantissa &* 10 &+ UInt64(d)
            digits += 1
          }
          exponent -= 1
        } else if d != 0 {
          truncated = true
        }
        i += 1
      }
    }
    guard sawDigit else { return nil }
    if i < n && (b[i] | 0x20) == UInt8(ascii: "e") {
      i += 1
      var exponentNegative = false
      if i < n && (b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+")) {
        exponentNegative = b[i] == UInt8(ascii: "-")
        i += 1
      }
      guard i < n && b[i] &- UInt8(ascii: "0") < 10 else { return nil }
      var written = 0
      while i < n {
        let d = b[i] &- UInt8(ascii: "0")
        if d >= 10 { break }
        // Beyond 10⁶ every double has long over- or underflowed; stop growing.
        if written < 1_000_000 { written = written * 10 + Int(d) }
        i += 1
      }
      exponent += exponentNegative ? -written : written
    }
    if mantissa == 0 {
      lastMethod = .clinger
      return (negative ? -0.0 : 0.0, i)
    }
    var value: Double
    if !truncated && mantissa <= 1 << 53 && exponent >= -22 && exponent <= 22 {
      lastMethod = .clinger
      value =
        exponent >= 0
        ? Double(mantissa) * Self.powersOfTen[exponent]
        : Double(mantissa) / Self.powersOfTen[-exponent]
    } else if !truncated && exponent >= -27 && exponent <= 27 {
      lastMethod = .exactInteger
      value = Self.exact(mantissa, exponent)
    } else {
      lastMethod = .strtod
      value = libraryStrtod(b, start..<i)
    }
    return (negative ? -value : value, i)
  }

  /// Whether all eight bytes of `chunk` are ASCII digits: each byte's high nibble is 3
  /// (0x30…0x3F), and stays 3 after adding 6, which pushes 0x3A…0x3F into 0x4_. No byte
  /// of 0x3F or less carries into the next when 6 is added.
  @inline(__always)
  private static func isEightDigits(_ chunk: UInt64) -> Bool {
    let high: UInt64 = 0xF0F0_F0F0_F0F0_F0F0
    let threes: UInt64 = 0x3030_3030_3030_3030
    return chunk & high == threes && (chunk &+ 0x0606_0606_0606_0606) & high == threes
  }

  /// The number written by eight ASCII digits, the first in the lowest byte: digits are
  /// combined into pairs, the pairs into fours, the fours into the whole, each step on all
  /// lanes of the word at once.
  @inline(__always)
  private static func eightDigits(_ chunk: UInt64) -> UInt64 {
    let d = chunk &- 0x3030_3030_3030_3030
    let pairs = (d & 0x00FF_00FF_00FF_00FF) &* 10 &+ ((d >> 8) & 0x00FF_00FF_00FF_00FF)
    let fours =
      (pairs & 0x0000_FFFF_0000_FFFF) &* 100 &+ ((pairs >> 16) & 0x0000_FFFF_0000_FFFF)
    return (fours & 0xFFFF_FFFF) &* 10_000 &+ (fours >> 32)
  }

  /// `strtod` of the bytes in `range` (already checked to be a decimal number).
  private mutating func libraryStrtod(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>)
    -> Double
  {
    if scratch.count <= range.count { scratch = [CChar](repeating: 0, count: range.count + 1) }
    return scratch.withUnsafeMutableBufferPointer { s in
      for (k, byte) in b[range].enumerated() { s[k] = CChar(bitPattern: byte) }
      s[range.count] = 0
      // The sign is applied by the caller.
      let value = Foundation.strtod(s.baseAddress!, nil)
      return abs(value)
    }
  }

  /// $w \cdot 10^e$ correctly rounded, for $0 < w < 2^{64}$ and $|e| \le 27$.
  static func exact(_ w: UInt64, _ e: Int) -> Double {
    if e >= 0 {
      // w·10^e = (w·5^e)·2^e, and w·5^e < 2^128 is exact.
      let (high, low) = w.multipliedFullWidth(by: powersOfFive[e])
      if high == 0 { return rounded(low, sticky: false, binaryExponent: e) }
      let shift = 64 - high.leadingZeroBitCount  // bits of the high word
      let top = (high << (64 - shift)) | (low >> shift)
      let dropped = shift == 64 ? low : low & ((1 << shift) - 1)
      return rounded(top, sticky: dropped != 0, binaryExponent: e + shift)
    }
    // w·10^e = (w / 5^|e|)·2^e. Scale w by 2^s so that the quotient has 63 or 64 bits:
    // with w < 2^bw and d < 2^bd, s = 63 − bw + bd puts it in [2^62, 2^64), and then
    // w·2^s < d·2^64, so the 128-by-64-bit division cannot overflow.
    let d = powersOfFive[-e]
    let s = 63 - (64 - w.leadingZeroBitCount) + (64 - d.leadingZeroBitCount)
    let numerator: (high: UInt64, low: UInt64) =
      s >= 64 ? (w << (s - 64), 0) : (w >> (64 - s), w << s)
    let (q, r) = d.dividingFullWidth(numerator)
    return rounded(q, sticky: r != 0, binaryExponent: e - s)
  }

  /// $(q + \epsilon) \cdot 2^k$ rounded to the nearest double (ties to even), where $\epsilon$ is
  /// a non-negative remainder below one unit of $q$ that is non-zero exactly when `sticky`.
  /// The result must be a normal double (it is, for the inputs of ``exact(_:_:)``).
  private static func rounded(_ q: UInt64, sticky: Bool, binaryExponent k: Int) -> Double {
    let bits = 64 - q.leadingZeroBitCount
    if bits <= 53 {
      // Exact. (A remainder only comes with a quotient of 62 bits or more.)
      assert(!sticky, "DecimalParser.rounded: a remainder needs a quotient of more than 53 bits")
      return Double(sign: .plus, exponent: k, significand: Double(q))
    }
    let drop = bits - 53
    var m = q >> drop
    let rest = q & ((1 << drop) - 1)
    let half: UInt64 = 1 << (drop - 1)
    if rest > half || (rest == half && (sticky || m & 1 == 1)) { m += 1 }
    // m ≤ 2^53 is exact as a double; the power of two only moves the exponent.
    return Double(sign: .plus, exponent: k + drop, significand: Double(m))
  }
}

extension CSVError {
  /// The same error, `lines` lines further down the file.
  fileprivate func shifted(by lines: Int) -> CSVError {
    switch self {
    case .notANumber(let path, let line, let column, let field):
      return .notANumber(path: path, line: line + lines, column: column, field: field)
    case .notFinite(let path, let line, let column, let field):
      return .notFinite(path: path, line: line + lines, column: column, field: field)
    case .wrongFieldCount(let path, let line, let expected, let found):
      return .wrongFieldCount(path: path, line: line + lines, expected: expected, found: found)
    case .invalidValue(let path, let line, let column, let field, let expected):
      return .invalidValue(
        path: path, line: line + lines, column: column, field: field, expected: expected)
    case .blankLine(let path, let line): return .blankLine(path: path, line: line + lines)
    case .unreadable, .empty: return self
    }
  }
}

extension DecimalParser {
  /// Parses a whole string as one number (for tests): nil unless all of it is a number.
  mutating func parse(_ text: String) -> Double? {
    let bytes = Array(text.utf8)
    return bytes.withUnsafeBufferPointer { b in
      guard let (value, end) = parse(b, from: 0), end == b.count else { return nil }
      return value
    }
  }
}
