import CBLAS
import Foundation

/// Process-wide settings under which the library's numbers run fast on a small machine.
///
/// Nothing calls ``apply()`` for you: a program (a chapter, a tool, a benchmark) calls it
/// once at start-up, before any work. The library gives the same results without it,
/// only slower.
public enum ProcessTuning {
  /// Applies the settings:
  /// - **BLAS on one thread** (unless `OPENBLAS_NUM_THREADS` is set). The products in the
  ///   course are small (64-wide layers); OpenBLAS's worker threads cost more in
  ///   hand-over (measured: most of the time in `sched_yield`) than they gain.
  /// - **Keep freed memory** (glibc only). A training step or a block of predictions
  ///   allocates and frees the same few megabytes again and again; by default glibc
  ///   returns them to the kernel and every reuse faults the pages in afresh, which
  ///   measured as a third of the run time. Raising the mmap and trim thresholds keeps
  ///   them in the heap.
  public static func apply() {
    // An explicit OPENBLAS_NUM_THREADS from the user wins.
    if ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"] == nil {
      BLASSettings.setThreadCount(1)
    }
    #if os(Linux)
      _ = mallopt(M_MMAP_THRESHOLD, 64 << 20)
      _ = mallopt(M_TRIM_THRESHOLD, 256 << 20)
    #endif
  }
}
