/// The one source of randomness in the course: xoshiro256** (Blackman & Vigna, 2018),
/// seeded through SplitMix64.
///
/// Every random draw in a chapter comes from a `Generator` passed explicitly as
/// `inout`, so the same seed gives the same bytes on every run and machine. The
/// state is 256 bits; the period is $2^{256} - 1$.
public struct Generator: RandomNumberGenerator, Sendable {
  private var state: (UInt64, UInt64, UInt64, UInt64)

  /// Creates a generator whose whole state is derived from `seed` by SplitMix64.
  ///
  /// - Parameter seed: any 64-bit value; equal seeds give equal streams.
  public init(seed: UInt64) {
    var s = seed
    func splitMix() -> UInt64 {
      s &+= 0x9E37_79B9_7F4A_7C15
      var z = s
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    state = (splitMix(), splitMix(), splitMix(), splitMix())
  }

  /// The next 64 random bits.
  public mutating func next() -> UInt64 {
    let result = rotateLeft(state.1 &* 5, 7) &* 9
    let t = state.1 << 17
    state.2 ^= state.0
    state.3 ^= state.1
    state.1 ^= state.2
    state.0 ^= state.3
    state.2 ^= t
    state.3 = rotateLeft(state.3, 45)
    return result
  }

  /// A new generator for an independent stream, e.g. one per ensemble member.
  ///
  /// Seeds the child from this generator's next output, so the parent advances and
  /// the same parent seed always yields the same children.
  public mutating func fork() -> Generator {
    Generator(seed: next())
  }

  /// `count` generators for independent streams, forked in turn (the same as calling
  /// ``fork()`` `count` times), e.g. one per seed or split that runs in parallel.
  ///
  /// - Parameter count: how many, at least 0.
  public mutating func forks(_ count: Int) -> [Generator] {
    precondition(count >= 0, "Generator.forks: a negative count")
    var children = [Generator]()
    children.reserveCapacity(count)
    for _ in 0..<count { children.append(fork()) }
    return children
  }

  @inline(__always)
  private func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 {
    (x << k) | (x >> (64 - k))
  }
}
