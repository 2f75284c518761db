import Foundation
import Weaving

/// Collects one run's measurements: prints each as it is taken, and at the end writes them
/// as a ``BenchmarkRecord`` (`Benchmarks/results.json`) and rewrites the README's table from
/// it, so that no measured number is typed by hand.
final class Recorder {
  /// `--only NAME`: only the benchmarks whose console name contains NAME run.
  let only: String?
  /// The measurements so far, in the order they ran.
  private(set) var measurements = [BenchmarkMeasurement]()
  private let started = Date()
  private let loadAtStart = Recorder.loadAverage()

  init(only: String?) { self.only = only }

  /// Whether the benchmark called `name` on the console is to run.
  func wants(_ name: String) -> Bool { only.map { name.contains($0) } ?? true }

  /// Records one benchmark from its runs' values (already in `unit`) and prints it.
  ///
  /// - Parameters:
  ///   - id: its stable name (references and the table use it).
  ///   - name: its name on the console (what `--only` matches).
  ///   - description: what the README's table says it measures.
  ///   - unit: the unit of `values` and `target`.
  ///   - target: its target, if any.
  ///   - values: one value a run (warm-up excluded).
  func record(
    _ id: String, name: String, description: String, unit: String, target: BenchmarkTarget?,
    values: [Double]
  ) {
    let sorted = values.sorted()
    let measurement = BenchmarkMeasurement(
      id: id, description: description, unit: unit, target: target,
      median: Self.rounded(sorted[sorted.count / 2]), minimum: Self.rounded(sorted.first!),
      maximum: Self.rounded(sorted.last!), runs: values.count)
    measurements.append(measurement)
    let verdict =
      target.map { target in
        "target \(target.bound == .atMost ? "≤" : "≥") \(String(format: "%g", target.value)) \(unit)   "
          + (measurement.meetsTarget! ? "ok" : "MISSED")
      } ?? "(no target)"
    // The NUTS line keeps the form issue 21 asks for: `NUTS … min ESS/s <number>`.
    let what = unit == "ESS/s" ? "min ESS/s" : "median"
    let shown = BenchmarkTable.shown
    print(
      "\(name.padding(toLength: 62, withPad: " ", startingAt: 0)) \(what) \(shown(measurement.median))\(unit == "ESS/s" ? "" : " " + unit) (\(shown(measurement.minimum))–\(shown(measurement.maximum)), \(values.count) runs)   \(verdict)"
    )
  }

  /// Runs `body` once to warm up, then `count` times; the times in seconds.
  func times(_ count: Int, _ body: () -> Void) -> [Double] {
    body()
    return (0..<count).map { _ in Self.seconds(ContinuousClock().measure(body)) }
  }

  /// Writes the record to `url` and, if `readme` is given, rewrites its table from the
  /// record and the reference files in `references`.
  ///
  /// - Parameters:
  ///   - url: the record's file.
  ///   - readme: the page whose table to rewrite.
  ///   - references: the folder of the reference scripts' JSON files.
  func write(to url: URL, readme: URL?, references: URL) throws {
    let record = BenchmarkRecord(
      date: Self.day(started),
      machine: BenchmarkMachine(
        cores: ProcessInfo.processInfo.activeProcessorCount, processor: Self.processor(),
        loadAtStart: loadAtStart, loadAtEnd: Self.loadAverage()),
      command: "make bench", seconds: Self.rounded(Date().timeIntervalSince(started)),
      measurements: measurements)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    try (encoder.encode(record) + Data("\n".utf8)).write(to: url, options: .atomic)
    if let readme { try Self.fillTable(readme, from: record, references: references) }
  }

  /// Rewrites the table of `readme` from `record` and every `*.json` in `references`.
  static func fillTable(_ readme: URL, from record: BenchmarkRecord, references: URL) throws {
    let files =
      ((try? FileManager.default.contentsOfDirectory(atPath: references.path)) ?? [])
      .filter { $0.hasSuffix(".json") && !$0.hasPrefix("chapter") }.sorted()
    let decoded = try files.map {
      try JSONDecoder().decode(
        BenchmarkReference.self, from: Data(contentsOf: references.appendingPathComponent($0)))
    }
    let text = try String(contentsOf: readme, encoding: .utf8)
    let filled = try BenchmarkTable.filling(
      text, with: BenchmarkTable.markdown(record, references: decoded))
    if filled != text { try Data(filled.utf8).write(to: readme, options: .atomic) }
  }

  /// A duration in seconds.
  static func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
  }

  /// Four significant digits: the runs' spread is wider than that, and the file stays short.
  static func rounded(_ value: Double) -> Double {
    guard value != 0, value.isFinite else { return value }
    let scale = pow(10, 3 - (log10(abs(value))).rounded(.down))
    return (value * scale).rounded() / scale
  }

  static func day(_ date: Date) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "yyyy-MM-dd"
    return formatter.string(from: date)
  }

  /// The one-minute load average (`/proc/loadavg`), or −1 where there is none.
  static func loadAverage() -> Double {
    guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8),
      let first = text.split(separator: " ").first, let value = Double(first)
    else { return -1 }
    return value
  }

  /// The processor's model name (`/proc/cpuinfo`), or empty.
  static func processor() -> String {
    guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
      let line = text.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
      let colon = line.firstIndex(of: ":")
    else { return "" }
    return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
  }
}
