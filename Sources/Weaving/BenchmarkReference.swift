import Foundation

/// Another library's numbers for some of the course's benchmarks, as a reference script in
/// `Benchmarks/reference/` writes them (PyTorch's Bayes by Backprop, NumPyro's NUTS).
///
/// The scripts need PyTorch or JAX, which neither the course nor CI installs: they are run
/// by hand and their JSON committed, with the versions, the date and the machine, so that
/// the README's table can show where each reference number came from.
public struct BenchmarkReference: Codable, Equatable, Sendable {
  /// The library measured, e.g. `PyTorch`.
  public var tool: String
  /// The versions that matter, e.g. `["torch": "2.9.1", "python": "3.11.7"]`.
  public var versions: [String: String]
  /// The script that measured it, relative to the repository's root.
  public var script: String
  /// The day of the measurement, `yyyy-MM-dd` (UTC).
  public var date: String
  /// The machine it ran on.
  public var machine: BenchmarkMachine
  /// The numbers, each naming the course benchmark it stands beside.
  public var measurements: [ReferenceMeasurement]

  /// A reference record.
  ///
  /// - Parameters:
  ///   - tool: the library measured.
  ///   - versions: the versions that matter.
  ///   - script: the script's path.
  ///   - date: the day.
  ///   - machine: the machine.
  ///   - measurements: the numbers.
  public init(
    tool: String, versions: [String: String], script: String, date: String,
    machine: BenchmarkMachine, measurements: [ReferenceMeasurement]
  ) {
    self.tool = tool
    self.versions = versions
    self.script = script
    self.date = date
    self.machine = machine
    self.measurements = measurements
  }
}

/// One reference number: the median and spread of another library's runs of the job a
/// course benchmark measures.
public struct ReferenceMeasurement: Codable, Equatable, Sendable {
  /// The ``BenchmarkMeasurement/id`` of the course benchmark it compares with.
  public var benchmark: String
  /// How it was run, as the table shows it, e.g. `float32, DataLoader, 2 threads`.
  public var label: String
  /// The unit, which must be the course benchmark's.
  public var unit: String
  /// The median over the runs.
  public var median: Double
  /// The smallest value over the runs.
  public var minimum: Double
  /// The largest value over the runs.
  public var maximum: Double
  /// How many runs.
  public var runs: Int

  /// A reference number.
  ///
  /// - Parameters:
  ///   - benchmark: the course benchmark's id.
  ///   - label: how it was run.
  ///   - unit: the unit.
  ///   - median: the median.
  ///   - minimum: the smallest value.
  ///   - maximum: the largest value.
  ///   - runs: the number of runs.
  public init(
    benchmark: String, label: String, unit: String, median: Double, minimum: Double,
    maximum: Double, runs: Int
  ) {
    self.benchmark = benchmark
    self.label = label
    self.unit = unit
    self.median = median
    self.minimum = minimum
    self.maximum = maximum
    self.runs = runs
  }
}
