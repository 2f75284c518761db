import CVectorMath

/// $\tanh$ over a buffer, four lanes at a time, within 4 ulps of the C library's.
///
/// The kernel is C (`CVectorMath`): $\tanh|x| = -u/(2 + u)$ with $u = \operatorname{expm1}(-2|x|)$,
/// one polynomial and one division per value, compiled both for AVX2 and for the target's
/// baseline and picked at run time. The two copies give bit-identical results, so a run is
/// the same on every machine.
enum VectorisedTanh {
  /// Which compiled copy of the C kernels runs: ``automatic`` (AVX2 where available) or
  /// ``portable`` (tests force it to check that both agree bit for bit).
  enum Path {
    case automatic, portable

    var c: CVMPath { self == .automatic ? CVMPathAutomatic : CVMPathPortable }
  }

  /// Whether ``Path/automatic`` runs the AVX2 copy on this machine.
  static var usesAVX2: Bool { cvm_uses_avx2() != 0 }

  /// Replaces every entry of `buffer` by its $\tanh$.
  ///
  /// - Parameters:
  ///   - buffer: the values, in place.
  ///   - path: the compiled copy to run.
  static func apply(_ buffer: UnsafeMutableBufferPointer<Double>, path: Path = .automatic) {
    guard let base = buffer.baseAddress else { return }
    cvm_tanh(base, buffer.count, path.c)
  }
}
