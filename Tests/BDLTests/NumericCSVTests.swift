import BayesianDL
import Foundation
import TestSupport
import Testing

@testable import PredictionFiles

/// The fast numeric CSV reader: correctly rounded numbers on each of its three paths, the
/// accepted forms, line ends, and errors that name the line and column.
@Suite struct NumericCSVTests {
  /// Parses one number with the reader's decimal parser and says which path it took.
  private func parse(_ text: String) -> (value: Double?, method: DecimalParser.Method) {
    var parser = DecimalParser()
    let value = parser.parse(text)
    return (value, parser.lastMethod)
  }

  /// Expects the reader to give exactly the double Swift's own (correctly rounded)
  /// conversion gives, bit for bit.
  private func expectSameAsSwift(
    _ text: String, sourceLocation: SourceLocation = #_sourceLocation
  ) {
    let expected = Double(text)
    let actual = parse(text).value
    #expect(
      actual?.bitPattern == expected?.bitPattern, "\(text): \(String(describing: actual))",
      sourceLocation: sourceLocation)
  }

  @Test func randomDoublesPrintedWith17DigitsReadBackBitForBit() throws {
    var rng = Generator(seed: 11)
    var texts = [String]()
    for _ in 0..<20_000 {
      // Any finite double (random bits), and the probabilities and logits of real files.
      let anyDouble = Double(bitPattern: rng.next() & 0x7FEF_FFFF_FFFF_FFFF)
      let probability = rng.uniform()
      let logit = -20 + 40 * rng.uniform()
      for value in [anyDouble, -anyDouble, probability, logit] {
        let text = String(format: "%.17g", value)
        texts.append(text)
        #expect(parse(text).value?.bitPattern == value.bitPattern, "\(text)")
      }
    }
    // The same numbers through the file reader, eight to a row.
    let rows = stride(from: 0, to: texts.count, by: 8).map {
      texts[$0..<($0 + 8)].joined(separator: ",")
    }
    let table = try NumericCSV.parse(rows.joined(separator: "\n"), path: "r.csv")
    #expect(table.rows == texts.count / 8 && table.columns == 8)
    #expect(zip(table.values, texts).allSatisfy { $0.bitPattern == Double($1)!.bitPattern })
  }

  @Test func shortestAndNumpyFormsAndRandomDigitStringsMatchSwift() {
    var rng = Generator(seed: 12)
    for _ in 0..<5_000 {
      let value = rng.uniform() * pow(10, Double(Int(rng.next() % 40)) - 30)
      expectSameAsSwift(value.description)  // shortest round trip
      expectSameAsSwift(String(format: "%.18e", value))  // numpy's savetxt default
      expectSameAsSwift(String(format: "%.6g", value))
      // Random digits with a point somewhere, leading zeros and an exponent.
      let digits = (0..<(1 + Int(rng.next() % 28))).map { _ in String(rng.next() % 10) }.joined()
      let point = Int(rng.next() % UInt64(digits.count + 1))
      let text =
        "0.00" + digits.prefix(point) + "." + digits.dropFirst(point) + "e"
        + String(Int(rng.next() % 60) - 30)
      expectSameAsSwift(text)
    }
  }

  @Test func eachConversionPathIsTakenAndExact() {
    // Clinger: ≤ 2^53 and |e| ≤ 22.
    #expect(parse("0.5").method == .clinger && parse("0.5").value == 0.5)
    #expect(parse("1.5E+2").method == .clinger && parse("1.5E+2").value == 150)
    // 17 significant digits: above 2^53, exact in 128-bit integers.
    let seventeen = parse("0.12345678901234567")
    #expect(seventeen.method == .exactInteger)
    #expect(seventeen.value?.bitPattern == Double("0.12345678901234567")!.bitPattern)
    // numpy's 19 digits, 10^-19.
    let nineteen = parse("1.234567890123456789e-01")
    #expect(nineteen.method == .exactInteger)
    #expect(nineteen.value?.bitPattern == Double("1.234567890123456789e-01")!.bitPattern)
    // An exponent beyond the tables, and more than 19 significant digits: strtod.
    let tiny = parse("1.2345678901234567e-200")
    #expect(tiny.method == .strtod && tiny.value == Double("1.2345678901234567e-200"))
    let long = parse("0.1234567890123456789012345")
    #expect(long.method == .strtod && long.value == Double("0.1234567890123456789012345"))
    // Zeros beyond the 19th digit change nothing and stay off strtod.
    #expect(parse("0.50000000000000000000000000").method == .exactInteger)
    #expect(parse("0.50000000000000000000000000").value == 0.5)
  }

  @Test func halfwayCasesRoundToEven() {
    // 2^53 + 1 and 2^53 + 3 lie halfway between two doubles (spacing 2 above 2^53).
    #expect(parse("9007199254740993").value == 9_007_199_254_740_992)
    #expect(parse("9007199254740995").value == 9_007_199_254_740_996)
    // The same through a division by 5 (the quotient is exact, the tie remains).
    #expect(parse("9007199254740993.0").value == 9_007_199_254_740_992)
    #expect(parse("9007199254740995.00").value == 9_007_199_254_740_996)
    // Just above the tie rounds up.
    #expect(parse("9007199254740993.0000001").value == 9_007_199_254_740_994)
  }

  @Test func acceptedFormsReadAsWritten() throws {
    let table = try NumericCSV.parse(
      "1,-0.5,.5,5.,1e-3,1.5E+2, 2 ,+3,\t-0,0.000123\n", path: "f.csv")
    #expect(table.values == [1, -0.5, 0.5, 5, 0.001, 150, 2, 3, 0, 0.000123])
    #expect(table.values[8].sign == .minus)
  }

  @Test func windowsLineEndsAndAMissingFinalNewlineAreRead() throws {
    let expected = [1.0, 2, 3, 4]
    #expect(try NumericCSV.parse("1,2\r\n3,4\r\n", path: "w.csv").values == expected)
    #expect(try NumericCSV.parse("1,2\r\n3,4", path: "w.csv").values == expected)
    #expect(try NumericCSV.parse("1,2\n3,4", path: "w.csv").values == expected)
    #expect(try NumericCSV.parse("\u{FEFF}1,2\n3,4\n", path: "bom.csv").values == expected)
  }

  @Test func trailingBlankLinesAreIgnoredAndBlankLinesBetweenRowsAreErrors() throws {
    let table = try NumericCSV.parse("1,2\n3,4\n\n  \r\n\n", path: "t.csv")
    #expect(table.rows == 2)
    #expect(throws: CSVError.blankLine(path: "t.csv", line: 2)) {
      try NumericCSV.parse("1,2\n\n3,4\n", path: "t.csv")
    }
    #expect(throws: CSVError.blankLine(path: "t.csv", line: 1)) {
      try NumericCSV.parse("\n1,2\n", path: "t.csv")
    }
  }

  @Test func badFieldsAreReportedWithLineAndColumn() {
    let cases: [(String, CSVError)] = [
      ("1,2\n3,1.2.3\n", .notANumber(path: "e.csv", line: 2, column: 2, field: "1.2.3")),
      ("1,2\n3,\n", .notANumber(path: "e.csv", line: 2, column: 2, field: "")),
      ("1,2\n,4\n", .notANumber(path: "e.csv", line: 2, column: 1, field: "")),
      ("abc,2\n", .notANumber(path: "e.csv", line: 1, column: 1, field: "abc")),
      ("1,2\n3,1e\n", .notANumber(path: "e.csv", line: 2, column: 2, field: "1e")),
      ("1,2\n0x10,4\n", .notANumber(path: "e.csv", line: 2, column: 1, field: "0x10")),
      ("1,2\n3,4 5\n", .notANumber(path: "e.csv", line: 2, column: 2, field: "4 5")),
      ("1,nan\n", .notFinite(path: "e.csv", line: 1, column: 2, field: "nan")),
      ("1,2\n3,4\n-inf,1\n", .notFinite(path: "e.csv", line: 3, column: 1, field: "-inf")),
      ("1,2\n1e400,1\n", .notFinite(path: "e.csv", line: 2, column: 1, field: "1e400")),
      ("1,2\n3\n", .wrongFieldCount(path: "e.csv", line: 2, expected: 2, found: 1)),
      ("1,2\n3,4,5,6\n", .wrongFieldCount(path: "e.csv", line: 2, expected: 2, found: 4)),
      ("", .empty(path: "e.csv")),
      (" \n\n", .empty(path: "e.csv")),
    ]
    for (text, error) in cases {
      #expect(throws: error, "\(text.debugDescription)") {
        try NumericCSV.parse(text, path: "e.csv")
      }
    }
    let message = CSVError.notANumber(path: "e.csv", line: 2, column: 2, field: "1.2.3").description
    #expect(message == "e.csv:2: column 2 is not a number: \"1.2.3\"")
  }

  @Test func aLargeFileReadInPiecesGivesTheSameNumbersAndTheFirstErrorsLine() throws {
    // Over 2 MB, so that it is parsed in one piece per core.
    let lines = (0..<150_000).map { "\(Double($0) / 7),\($0),-\($0).25e-3" }
    let table = try NumericCSV.parse(lines.joined(separator: "\n") + "\n", path: "big.csv")
    #expect(table.rows == lines.count && table.columns == 3)
    #expect((0..<lines.count).allSatisfy { table.values[3 * $0] == Double($0) / 7 })
    var broken = lines
    broken[120_000] = "1,2"
    broken[140_000] = "x,1,2"
    #expect(throws: CSVError.wrongFieldCount(path: "big.csv", line: 120_001, expected: 3, found: 2))
    {
      try NumericCSV.parse(broken.joined(separator: "\n"), path: "big.csv")
    }
    broken[60_000] = ""
    #expect(throws: CSVError.blankLine(path: "big.csv", line: 60_001)) {
      try NumericCSV.parse(broken.joined(separator: "\n"), path: "big.csv")
    }
  }

  @Test func aMissingFileOrADirectoryIsUnreadable() throws {
    let missing = "/nonexistent-\(UUID().uuidString).csv"
    #expect(throws: CSVError.unreadable(path: missing, reason: "no such file")) {
      try NumericCSV.read(path: missing)
    }
    let directory = FileManager.default.temporaryDirectory.path
    #expect(throws: CSVError.unreadable(path: directory, reason: "it is a directory")) {
      try NumericCSV.read(path: directory)
    }
    let file = FileManager.default.temporaryDirectory.appendingPathComponent(
      "numeric-\(UUID().uuidString).csv")
    try Data("0.25,0.75\r\n1,0\r\n".utf8).write(to: file)
    defer { try? FileManager.default.removeItem(at: file) }
    let table = try NumericCSV.read(path: file.path)
    #expect(table.matrix == Matrix([[0.25, 0.75], [1, 0]]))
  }
}
