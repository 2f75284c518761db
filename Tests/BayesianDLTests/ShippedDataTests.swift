import Foundation
import Testing

@testable import BayesianDL

/// The data files shipped in `Data/` read cleanly and have the documented shapes.
@Suite struct ShippedDataTests {
  /// The repository's `Data/` folder, found from this source file's location.
  static let dataDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Data")

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
}
