import Foundation

/// The README's benchmark table, written from `make bench`'s record and the reference
/// scripts' numbers instead of typed by hand.
///
/// The table stands between two HTML comments, which GitHub does not show:
/// `<!-- benchmarks -->` and `<!-- /benchmarks -->`. Filling rewrites everything between
/// them: a sentence on when, where and under what load the numbers were taken, one row a
/// benchmark (target, median with the range of the runs, whether the target was met, and
/// the reference tools' numbers for the same job), and where each reference came from.
public enum BenchmarkTable {
  /// The comment that opens the table.
  public static let opening = "<!-- benchmarks -->"
  /// The comment that closes the table.
  public static let closing = "<!-- /benchmarks -->"

  /// Why a table cannot be written or filled in.
  public enum Failure: Error, Equatable, CustomStringConvertible {
    /// The page has no `<!-- benchmarks -->` comment.
    case noTable
    /// The opening comment on this line has no closing comment after it.
    case unclosed(line: Int)
    /// A reference names a benchmark the record does not have (renamed or removed).
    case unknownBenchmark(String, script: String)
    /// A reference's unit is not the benchmark's.
    case unitMismatch(benchmark: String, unit: String, referenceUnit: String)

    /// A sentence for the reader.
    public var description: String {
      switch self {
      case .noTable:
        return "no \"\(BenchmarkTable.opening)\" comment: the page has no place for the table"
      case .unclosed(let line):
        return
          "line \(line): \"\(BenchmarkTable.opening)\" is not closed by \"\(BenchmarkTable.closing)\""
      case .unknownBenchmark(let id, let script):
        return "\(script) measured \"\(id)\", which make bench no longer records"
      case .unitMismatch(let id, let unit, let referenceUnit):
        return "\(id): the reference is in \(referenceUnit), the benchmark in \(unit)"
      }
    }
  }

  /// The table's Markdown: a sentence on the run, the table, the references' provenance.
  ///
  /// - Parameters:
  ///   - record: what `make bench` measured.
  ///   - references: other libraries' numbers for some of the same benchmarks.
  /// - Throws: ``Failure`` when a reference names an unknown benchmark or another unit.
  public static func markdown(_ record: BenchmarkRecord, references: [BenchmarkReference])
    throws(Failure) -> String
  {
    let units = Dictionary(
      record.measurements.map { ($0.id, $0.unit) }, uniquingKeysWith: { first, _ in first })
    for reference in references {
      for number in reference.measurements {
        guard let unit = units[number.benchmark] else {
          throw .unknownBenchmark(number.benchmark, script: reference.script)
        }
        guard unit == number.unit else {
          throw .unitMismatch(benchmark: number.benchmark, unit: unit, referenceUnit: number.unit)
        }
      }
    }
    let machine = record.machine
    var lines = [
      "Measured by `\(record.command)` on \(record.date) on \(describe(machine)); the run took "
        + "\(String(format: "%.1f", record.seconds / 60)) min. "
        + "Each value is the median of its runs (after a warm-up run), with the fastest "
        + "and the slowest in brackets. The cores are shared with other jobs, so a load "
        + "average above \(machine.cores) makes every time longer than on an idle machine.",
      "",
      "| benchmark | target | measured: median (range, runs) | target met | reference |",
      "|---|---|---|---|---|",
    ]
    for m in record.measurements {
      let target = m.target.map { target in
        // Targets are round numbers: shown as set (0.25, not 0.250).
        "\(target.bound == .atMost ? "≤" : "≥") \(String(format: "%g", target.value)) \(m.unit)"
      }
      let verdict = m.meetsTarget.map { $0 ? "yes" : "**missed**" }
      let others = references.flatMap { reference in
        reference.measurements.filter { $0.benchmark == m.id }.map { number in
          "\(reference.tool), \(number.label): \(shown(number.median)) \(number.unit) "
            + "(\(range(number.minimum, number.maximum)), \(number.runs))"
        }
      }
      lines.append(
        "| \(m.description) | \(target ?? "—") | \(shown(m.median)) \(m.unit) "
          + "(\(range(m.minimum, m.maximum)), \(m.runs)) | \(verdict ?? "—") | "
          + "\(others.isEmpty ? "—" : others.joined(separator: "<br>")) |")
    }
    if !references.isEmpty {
      lines.append("")
      lines.append(
        "The reference numbers come from scripts run by hand (they need PyTorch or JAX, "
          + "which the course does not install); each wrote the JSON beside it, which this "
          + "table reads:")
      lines.append("")
      for reference in references {
        let versions = reference.versions.sorted { $0.key < $1.key }
          .map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        lines.append(
          "- [`\(reference.script)`](\(reference.script)): \(reference.tool) (\(versions)), "
            + "\(reference.date), \(describe(reference.machine)).")
      }
    }
    return lines.joined(separator: "\n")
  }

  /// `text` with everything between the table's comments replaced by `table`.
  ///
  /// - Parameters:
  ///   - text: the page.
  ///   - table: the Markdown to put between the comments (``markdown(_:references:)``).
  /// - Returns: the page, unchanged outside the comments.
  /// - Throws: ``Failure/noTable`` or ``Failure/unclosed(line:)``.
  public static func filling(_ text: String, with table: String) throws(Failure) -> String {
    guard let start = text.range(of: opening) else { throw .noTable }
    guard let end = text.range(of: closing, range: start.upperBound..<text.endIndex) else {
      throw .unclosed(
        line: text[..<start.lowerBound].split(separator: "\n", omittingEmptySubsequences: false)
          .count)
    }
    return text[..<start.upperBound] + "\n" + table + "\n" + text[end.lowerBound...]
  }

  /// A value to three significant digits without an exponent: `0.0234`, `6.21`, `48.7`,
  /// `153` (and whole numbers above 1000 in full).
  ///
  /// - Parameter value: the value.
  public static func shown(_ value: Double) -> String {
    guard value.isFinite, value != 0 else { return value == 0 ? "0" : "\(value)" }
    let decimals = max(0, 2 - Int((log10(abs(value))).rounded(.down)))
    return String(format: "%.\(decimals)f", value)
  }

  /// `a–b` with both ends as ``shown(_:)`` gives them.
  static func range(_ low: Double, _ high: Double) -> String {
    "\(shown(low))–\(shown(high))"
  }

  /// The machine in a few words: `2 cores (AMD EPYC 7B13), load average 6.1–7.9`.
  static func describe(_ machine: BenchmarkMachine) -> String {
    let processor = machine.processor.isEmpty ? "" : " (\(machine.processor))"
    let (low, high) = (
      min(machine.loadAtStart, machine.loadAtEnd), max(machine.loadAtStart, machine.loadAtEnd)
    )
    return "\(machine.cores) cores\(processor), load average "
      + (String(format: "%.1f", low) == String(format: "%.1f", high)
        ? String(format: "%.1f", low) : String(format: "%.1f–%.1f", low, high))
  }
}
