import Foundation

/// What one run of `make bench` measured, as `Benchmarks/results.json` keeps it: each
/// benchmark's median and spread beside its target, with the date and the machine.
///
/// These are timings: they change from run to run and machine to machine, so they live
/// in a file of their own, apart from the chapters' reproducible `results.json`. The
/// README's benchmark table is written from this record (``BenchmarkTable``), never by hand.
public struct BenchmarkRecord: Codable, Equatable, Sendable {
  /// The day of the run, `yyyy-MM-dd` (UTC).
  public var date: String
  /// The machine it ran on.
  public var machine: BenchmarkMachine
  /// The command that made the record, e.g. `make bench`.
  public var command: String
  /// The wall-clock time of the whole run, in seconds.
  public var seconds: Double
  /// The measurements, in the order they ran.
  public var measurements: [BenchmarkMeasurement]

  /// A record of a run.
  ///
  /// - Parameters:
  ///   - date: the day, `yyyy-MM-dd`.
  ///   - machine: the machine.
  ///   - command: the command that made it.
  ///   - seconds: the run's wall-clock time.
  ///   - measurements: the measurements.
  public init(
    date: String, machine: BenchmarkMachine, command: String, seconds: Double,
    measurements: [BenchmarkMeasurement]
  ) {
    self.date = date
    self.machine = machine
    self.command = command
    self.seconds = seconds
    self.measurements = measurements
  }
}

/// The machine a measurement was taken on. Its load matters as much as its processor: the
/// course machine has two cores that other jobs share, so a median taken under a load
/// average of 8 is slower than one taken on an idle machine.
public struct BenchmarkMachine: Codable, Equatable, Sendable {
  /// The number of cores the process could use.
  public var cores: Int
  /// The processor's model name, from `/proc/cpuinfo` (empty where it is not known).
  public var processor: String
  /// The one-minute load average when the run started.
  public var loadAtStart: Double
  /// The one-minute load average when the run ended.
  public var loadAtEnd: Double

  /// A machine.
  ///
  /// - Parameters:
  ///   - cores: its core count.
  ///   - processor: its processor's model name.
  ///   - loadAtStart: the one-minute load average at the start.
  ///   - loadAtEnd: the one-minute load average at the end.
  public init(cores: Int, processor: String, loadAtStart: Double, loadAtEnd: Double) {
    self.cores = cores
    self.processor = processor
    self.loadAtStart = loadAtStart
    self.loadAtEnd = loadAtEnd
  }
}

/// One benchmark's result: the median of several runs, the fastest and slowest run, and
/// the target it is held to.
public struct BenchmarkMeasurement: Codable, Equatable, Sendable {
  /// A stable name that references and the table use, e.g. `bbb-100-epochs`.
  public var id: String
  /// What was measured, as the table's first column says it.
  public var description: String
  /// The unit of ``median``, ``minimum``, ``maximum`` and the target, e.g. `s`, `ms`,
  /// `µs`, `ESS/s`.
  public var unit: String
  /// The target, if the benchmark has one.
  public var target: BenchmarkTarget?
  /// The median over the runs.
  public var median: Double
  /// The smallest value over the runs.
  public var minimum: Double
  /// The largest value over the runs.
  public var maximum: Double
  /// How many runs the median is over (after a warm-up run where there is one).
  public var runs: Int

  /// A measurement.
  ///
  /// - Parameters:
  ///   - id: its stable name.
  ///   - description: what was measured.
  ///   - unit: the unit of the values and the target.
  ///   - target: the target, if any.
  ///   - median: the median.
  ///   - minimum: the smallest value.
  ///   - maximum: the largest value.
  ///   - runs: the number of runs.
  public init(
    id: String, description: String, unit: String, target: BenchmarkTarget?, median: Double,
    minimum: Double, maximum: Double, runs: Int
  ) {
    self.id = id
    self.description = description
    self.unit = unit
    self.target = target
    self.median = median
    self.minimum = minimum
    self.maximum = maximum
    self.runs = runs
  }

  /// Whether the median meets the target; `nil` without a target.
  public var meetsTarget: Bool? { target.map { $0.isMet(by: median) } }
}

/// A benchmark's target: a bound on its median, from above (a time) or from below (a rate).
public struct BenchmarkTarget: Codable, Equatable, Sendable {
  /// Which side the bound is on.
  public enum Bound: String, Codable, Sendable {
    /// The median must be at most the value (times).
    case atMost
    /// The median must be at least the value (rates).
    case atLeast
  }

  /// Which side the bound is on.
  public var bound: Bound
  /// The bound, in the measurement's unit.
  public var value: Double

  /// The median must be at most `value`.
  ///
  /// - Parameter value: the bound.
  public static func atMost(_ value: Double) -> BenchmarkTarget {
    BenchmarkTarget(bound: .atMost, value: value)
  }

  /// The median must be at least `value`.
  ///
  /// - Parameter value: the bound.
  public static func atLeast(_ value: Double) -> BenchmarkTarget {
    BenchmarkTarget(bound: .atLeast, value: value)
  }

  /// Whether `median` meets the bound.
  ///
  /// - Parameter median: the measured median.
  public func isMet(by median: Double) -> Bool {
    switch bound {
    case .atMost: return median <= value
    case .atLeast: return median >= value
    }
  }
}
