import Foundation
import Testing
import Weaving

/// The README's benchmark table: written from a record and references, with targets met and
/// missed shown as such, and filled in between its comments only.
@Suite struct BenchmarkTableTests {
  static let machine = BenchmarkMachine(
    cores: 2, processor: "AMD EPYC", loadAtStart: 6.04, loadAtEnd: 7.96)

  static let record = BenchmarkRecord(
    date: "2026-12-05", machine: machine, command: "make bench", seconds: 150,
    measurements: [
      BenchmarkMeasurement(
        id: "fast", description: "A fast job", unit: "s", target: .atMost(0.25), median: 0.2,
        minimum: 0.1875, maximum: 0.31, runs: 7),
      BenchmarkMeasurement(
        id: "slow", description: "A slow job", unit: "ms", target: .atMost(25), median: 29.6,
        minimum: 28, maximum: 40.04, runs: 7),
      BenchmarkMeasurement(
        id: "rate", description: "A rate", unit: "ESS/s", target: .atLeast(150), median: 153,
        minimum: 140, maximum: 1234.5, runs: 3),
      BenchmarkMeasurement(
        id: "free", description: "No target", unit: "µs", target: nil, median: 0.00456,
        minimum: 0.004, maximum: 0.005, runs: 7),
    ])

  static let reference = BenchmarkReference(
    tool: "PyTorch", versions: ["torch": "2.15.0", "python": "3.11.7"],
    script: "Benchmarks/reference/x.py", date: "2026-12-04",
    machine: BenchmarkMachine(cores: 2, processor: "", loadAtStart: 3, loadAtEnd: 3.01),
    measurements: [
      ReferenceMeasurement(
        benchmark: "fast", label: "float32", unit: "s", median: 3.1, minimum: 2.9, maximum: 3.3,
        runs: 7),
      ReferenceMeasurement(
        benchmark: "fast", label: "float64", unit: "s", median: 2.5, minimum: 2.4, maximum: 2.6,
        runs: 7),
    ])

  @Test func rowsShowTargetsMedianSpreadVerdictAndReferences() throws {
    let table = try BenchmarkTable.markdown(Self.record, references: [Self.reference])
    let rows = table.split(separator: "\n").filter { $0.hasPrefix("| A") || $0.hasPrefix("| No") }
    #expect(
      rows == [
        "| A fast job | ≤ 0.25 s | 0.200 s (0.188–0.310, 7) | yes | PyTorch, float32: 3.10 s "
          + "(2.90–3.30, 7)<br>PyTorch, float64: 2.50 s (2.40–2.60, 7) |",
        "| A slow job | ≤ 25 ms | 29.6 ms (28.0–40.0, 7) | **missed** | — |",
        "| A rate | ≥ 150 ESS/s | 153 ESS/s (140–1234, 3) | yes | — |",
        "| No target | — | 0.00456 µs (0.00400–0.00500, 7) | — | — |",
      ])
    #expect(
      table.hasPrefix(
        "Measured by `make bench` on 2026-12-05 on 2 cores (AMD EPYC), load average 6.0–8.0; the run took 2.5 min."
      ))
    #expect(
      table.hasSuffix(
        "- [`Benchmarks/reference/x.py`](Benchmarks/reference/x.py): PyTorch (python 3.11.7, "
          + "torch 2.15.0), 2026-12-04, 2 cores, load average 3.0."))
  }

  @Test func aReferenceToAnUnknownBenchmarkOrInAnotherUnitIsAnError() {
    var renamed = Self.reference
    renamed.measurements[0].benchmark = "gone"
    #expect(throws: BenchmarkTable.Failure.unknownBenchmark("gone", script: renamed.script)) {
      try BenchmarkTable.markdown(Self.record, references: [renamed])
    }
    var otherUnit = Self.reference
    otherUnit.measurements[1].unit = "ms"
    #expect(
      throws: BenchmarkTable.Failure.unitMismatch(benchmark: "fast", unit: "s", referenceUnit: "ms")
    ) { try BenchmarkTable.markdown(Self.record, references: [otherUnit]) }
  }

  @Test func fillsBetweenTheCommentsOnly() throws {
    let page = "# T\n\n<!-- benchmarks -->\nold\nrows\n<!-- /benchmarks -->\n\n## Next\n"
    let filled = try BenchmarkTable.filling(page, with: "new")
    #expect(filled == "# T\n\n<!-- benchmarks -->\nnew\n<!-- /benchmarks -->\n\n## Next\n")
    #expect(try BenchmarkTable.filling(filled, with: "new") == filled)
    #expect(throws: BenchmarkTable.Failure.noTable) { try BenchmarkTable.filling("x", with: "") }
    #expect(throws: BenchmarkTable.Failure.unclosed(line: 2)) {
      try BenchmarkTable.filling("x\n<!-- benchmarks -->\n", with: "")
    }
  }

  @Test func theRecordRoundTripsThroughJSON() throws {
    let data = try JSONEncoder().encode(Self.record)
    #expect(try JSONDecoder().decode(BenchmarkRecord.self, from: data) == Self.record)
    #expect(Self.record.measurements.map(\.meetsTarget) == [true, false, true, nil])
  }
}
