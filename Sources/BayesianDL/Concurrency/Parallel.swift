import Dispatch

/// Independent jobs spread over the machine's cores, with results in job order.
///
/// Training an ensemble member, or a model for one point of a sweep, depends only on its
/// own generator; run side by side, such jobs give the same bytes as run one after
/// another, only sooner. Each job writes only its own result slot, and the results come
/// back in job order, so the outcome depends on the inputs alone, not on scheduling.
public enum Parallel {
  /// `body(0), body(1), …, body(count − 1)`, run concurrently.
  ///
  /// The jobs run at the same time on different threads, so `body` is `@Sendable`: the
  /// compiler checks that it captures only values that are safe to share, and it is not
  /// tied to the caller's actor (a closure formed in a chapter's top-level code would
  /// otherwise belong to the main actor and trap when run on a worker thread). Give
  /// each job its own generator, e.g. forked before the call.
  ///
  /// - Parameters:
  ///   - count: the number of jobs (0 gives an empty array).
  ///   - body: job $k$ given its index.
  /// - Returns: the jobs' results, in index order.
  /// - Throws: the error of the lowest-numbered job that failed (all jobs run to the end).
  public static func map<T, E: Error>(
    _ count: Int, _ body: @Sendable (Int) throws(E) -> T
  ) throws(E) -> [T] {
    precondition(count >= 0, "Parallel.map: negative job count")
    if count <= 1 { return try (0..<count).map { k throws(E) in try body(k) } }
    let slots = UnsafeMutableBufferPointer<Result<T, E>?>.allocate(capacity: count)
    slots.initialize(repeating: nil)
    defer {
      _ = slots.deinitialize()
      slots.deallocate()
    }
    // Each job writes only its own slot.
    nonisolated(unsafe) let results = slots
    DispatchQueue.concurrentPerform(iterations: count) { k in
      results[k] = Result { () throws(E) -> T in try body(k) }
    }
    return try slots.map { slot throws(E) in try slot!.get() }
  }
}
