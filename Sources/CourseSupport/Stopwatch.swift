/// Wall-clock time, for the cost columns of the chapters' tables (benchmarks measure
/// medians of repeated runs instead).
public enum Stopwatch {
  /// Runs `body` once and returns its result and the seconds it took.
  ///
  /// - Parameter body: the work to time.
  public static func time<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> (
    value: T, seconds: Double
  ) {
    let start = ContinuousClock.now
    let value = try body()
    return (value, seconds(since: start))
  }

  /// Seconds elapsed since `start`.
  ///
  /// - Parameter start: an instant of the continuous clock.
  public static func seconds(since start: ContinuousClock.Instant) -> Double {
    let d = ContinuousClock.now - start
    return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
  }
}
