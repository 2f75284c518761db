import CVectorMath

/// $\tanh$ over a buffer, four lanes at a time, within 4 ulps of the C library's.
///
/// The kernel is C (`CVectorMath`): $\tanh|x| = -u/(2 + u)$ with $u = \operatorname{expm1}(-2|x|)$,
/// one polynomial and one division per value, compiled for AVX-512, for AVX2 and for the
/// target's baseline and picked at run time. The copies give bit-identical results, so a
/// run is the same on every machine.
enum VectorisedTanh {
  /// Which compiled copy of the C kernels runs: ``automatic`` (the widest available),
  /// ``avx2`` (AVX2 where available, never AVX-512) or ``portable`` (tests force the last
  /// two to check that every copy gives the same bits).
  enum Path {
    case automatic, avx2, portable

    var c: CVMPath {
      switch self {
      case .automatic: CVMPathAutomatic
      case .avx2: CVMPathAVX2
      case .portable: CVMPathPortable
      }
    }
  }

  /// Whether ``Path/automatic`` and ``Path/avx2`` can run the AVX2 copy on this machine.
  static var usesAVX2: Bool { cvm_uses_avx2() != 0 }

  /// Whether ``Path/automatic`` runs the AVX-512 copy on this machine.
  static var usesAVX512: Bool { cvm_uses_avx512() != 0 }

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
