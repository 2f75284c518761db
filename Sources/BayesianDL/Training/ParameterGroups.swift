/// Several optimisers over disjoint groups of parameters, stepped together: one learning
/// rate (or one method) per group, as PyTorch's parameter groups.
///
/// Each group keeps its own state (Adam's moments, its step count), so a group moves
/// exactly as it would under its own optimiser. Gradient clipping through the
/// ``Optimiser`` extension acts on the global norm over all groups, like a single
/// optimiser's.
///
/// ```swift
/// var optimiser = ParameterGroups([
///   Adam(parameters: backbone, learningRate: 1e-3),
///   Adam(parameters: lastLayer, learningRate: 1e-2),
/// ])
/// ```
public struct ParameterGroups<Group: Optimiser>: Optimiser {
  /// The optimisers, one per group.
  public private(set) var groups: [Group]

  /// Combines optimisers whose parameter lists are disjoint.
  ///
  /// - Parameter groups: one optimiser per group; no parameter may appear in two (it would
  ///   be stepped twice per update).
  public init(_ groups: [Group]) {
    precondition(!groups.isEmpty, "ParameterGroups: no groups")
    var seen = Set<ObjectIdentifier>()
    for group in groups {
      for p in group.parameters {
        precondition(
          seen.insert(ObjectIdentifier(p)).inserted,
          "ParameterGroups: parameter \(p.name) is in more than one group")
      }
    }
    self.groups = groups
  }

  /// Every group's parameters, group by group.
  public var parameters: [Parameter] { groups.flatMap(\.parameters) }

  /// One step of every group's optimiser; each zeroes its own gradients.
  public mutating func step() {
    for k in groups.indices { groups[k].step() }
  }
}
