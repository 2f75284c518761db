import Foundation
import TestSupport
import Testing

@testable import BayesianDL

/// The data files shipped in `Data/` read cleanly and have the documented shapes.
@Suite struct ShippedDataTests {
  /// The repository's `Data/` folder, found from this source file's location.
  static let dataDirectory = Repository.url("Data")

  @Test func motorcycleDataHas133RowsOfTimeAndAcceleration() throws {
    let table = try CSVTable.read(
      path: Self.dataDirectory.appendingPathComponent("mcycle.csv").path, hasHeader: true)
    #expect(table.header == ["times", "accel"])
    #expect(table.values.rows == 133 && table.values.columns == 2)
    let times = table.values.column(0).storage
    #expect(zip(times, times.dropFirst()).allSatisfy { $0 <= $1 }, "times are sorted")
  }

  @Test func digitsHave1797ImagesOf64PixelsAndTenLabels() throws {
    let table = try CSVTable.read(
      path: Self.dataDirectory.appendingPathComponent("digits.csv").path, hasHeader: false)
    #expect(table.values.rows == 1797 && table.values.columns == 65)
    let pixels = table.values.columns(0..<64)
    #expect(pixels.min() >= 0 && pixels.max() <= 16)
    let labels = Set(table.values.column(64).storage)
    #expect(labels == Set((0...9).map(Double.init)))
  }

  @Test func loadersGiveTheDocumentedDatasets() throws {
    let directory = Self.dataDirectory.path
    let motorcycle = try ShippedData.motorcycle(directory: directory)
    #expect(motorcycle.count == 133 && motorcycle.inputs.columns == 1)
    #expect(motorcycle.targets.values.rows == 133)
    let digits = try ShippedData.digits(directory: directory)
    #expect(digits.count == 1797 && digits.inputs.columns == 64)
    #expect(digits.inputs.min() >= 0 && digits.inputs.max() <= 1)
    #expect(Set(digits.targets.labels) == Set(0...9))
  }

  @Test func loadersNameTheFileThatIsMissingOrWrong() throws {
    let scratch = FileManager.default.temporaryDirectory
      .appendingPathComponent("shipped-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    #expect(throws: CSVError.self) { try ShippedData.digits(directory: scratch.path) }
    try "1,2,3\n4,5,6\n".write(
      to: scratch.appendingPathComponent("mcycle.csv"), atomically: true, encoding: .utf8)
    #expect(
      throws: CSVError.wrongFieldCount(
        path: "\(scratch.path)/mcycle.csv", line: 1, expected: 2, found: 3)
    ) { try ShippedData.motorcycle(directory: scratch.path) }
    let badLabel = (0..<64).map { _ in "0" }.joined(separator: ",") + ",12\n"
    try badLabel.write(
      to: scratch.appendingPathComponent("digits.csv"), atomically: true, encoding: .utf8)
    #expect(
      throws: CSVError.invalidValue(
        path: "\(scratch.path)/digits.csv", line: 1, column: 65, field: "12.0",
        expected: "a label 0–9")
    ) { try ShippedData.digits(directory: scratch.path) }
  }
}
