import Foundation

/// MultiSWAG (Wilson & Izmailov 2020): an equal-weight mixture of several ``SWAG``
/// Gaussians, each fitted by its own SGD run from its own trained network — a deep
/// ensemble whose members are Gaussians instead of points, so that it covers several
/// modes and some of the spread around each.
public struct MultiSWAG: Sendable {
  /// The mixture's components.
  public let members: [SWAG]

  /// Wraps fitted SWAG Gaussians.
  ///
  /// - Parameter members: at least one, all over the same weights.
  public init(members: [SWAG]) {
    precondition(!members.isEmpty, "MultiSWAG: no members")
    precondition(
      members.allSatisfy { $0.dimension == members[0].dimension },
      "MultiSWAG: members over different numbers of weights")
    self.members = members
  }

  /// How many of `count` draws member `m` gives: the draws are shared out as evenly as
  /// they go, the first `count % M` members giving one more (a stratified draw from the
  /// equal-weight mixture).
  ///
  /// - Parameters:
  ///   - count: the draws in all.
  ///   - m: the member.
  public func drawCount(of count: Int, member m: Int) -> Int {
    count / members.count + (m < count % members.count ? 1 : 0)
  }

  /// `count` draws from the mixture, member by member (see ``drawCount(of:member:)``),
  /// each member with its own generator forked from `rng`.
  ///
  /// - Parameters:
  ///   - count: the draws in all.
  ///   - rng: the parent generator; it advances once per member.
  public func samples(_ count: Int, using rng: inout Generator) -> [[Double]] {
    let generators = rng.forks(members.count)
    return members.indices.flatMap { m -> [[Double]] in
      var own = generators[m]
      return members[m].samples(drawCount(of: count, member: m), using: &own)
    }
  }

  /// Fits one SWAG per start on a network posterior, several at a time on the machine's
  /// cores (see ``Parallel``), each with its own generator forked from `rng`.
  ///
  /// - Parameters:
  ///   - posterior: the network, data and prior.
  ///   - schedule: every member's SGD run and rank.
  ///   - batchSize: examples per step.
  ///   - starts: one trained network's weights per member (e.g. a deep ensemble's).
  ///   - rng: the parent generator; it advances once per member.
  /// - Throws: the error of the lowest-numbered member that failed (``NonFiniteError``).
  public static func fit(
    _ posterior: NetworkPosterior, _ schedule: SWAG.Schedule, batchSize: Int,
    from starts: [[Double]], using rng: inout Generator
  ) throws(NonFiniteError) -> MultiSWAG {
    precondition(!starts.isEmpty, "MultiSWAG: no starts")
    let generators = rng.forks(starts.count)
    let members = try Parallel.map(starts.count) { m throws(NonFiniteError) -> SWAG in
      var own = generators[m]
      return try SWAG.fit(posterior, schedule, batchSize: batchSize, from: starts[m], using: &own)
    }
    return MultiSWAG(members: members)
  }
}
