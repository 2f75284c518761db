import Foundation
import TestSupport
import Testing

@testable import BayesianDL

/// ``ParameterGroups`` against separate optimisers and a hand-computed clipping step.
@Suite struct ParameterGroupsTests {
  /// Sets a gradient on every parameter that depends on the step and the parameter's
  /// value, so that the trajectories are not trivial.
  static func setGradients(_ parameters: [Parameter], step: Int) {
    for (k, p) in parameters.enumerated() {
      p.gradient = p.value.map { $0 * 0.3 + sin(Double(step + k) + $0) }
    }
  }

  @Test func eachGroupMovesExactlyAsUnderItsOwnOptimiser() {
    var rng = Generator(seed: 41)
    let start = (0..<3).map { _ in rng.normalMatrix(rows: 2, columns: 3) }
    let grouped = start.enumerated().map { Parameter("g\($0.offset)", $0.element) }
    let separate = start.enumerated().map { Parameter("s\($0.offset)", $0.element) }
    var groups = ParameterGroups([
      Adam(parameters: Array(grouped[0..<2]), learningRate: 1e-3),
      Adam(parameters: [grouped[2]], learningRate: 1e-1),
    ])
    var first = Adam(parameters: Array(separate[0..<2]), learningRate: 1e-3)
    var second = Adam(parameters: [separate[2]], learningRate: 1e-1)
    for step in 0..<25 {
      Self.setGradients(grouped, step: step)
      Self.setGradients(separate, step: step)
      groups.step()
      first.step()
      second.step()
    }
    for (a, b) in zip(grouped, separate) { #expect(a.value == b.value) }
    #expect(groups.parameters.map(\.name) == ["g0", "g1", "g2"])
    #expect(grouped.allSatisfy { $0.gradient.storage.allSatisfy { $0 == 0 } })
    // The two rates really differ: the fast group moved much further.
    let moved = zip(grouped, start).map { $0.value.maxAbsDifference($1) }
    #expect(moved[2] > 20 * max(moved[0], moved[1]))
  }

  @Test func clippingScalesEveryGroupByTheSameFactor() {
    let a = Parameter("a", Matrix.row([3, 0]))
    let b = Parameter("b", Matrix.row([4]))
    let groups = ParameterGroups([
      SGD(parameters: [a], learningRate: 1), SGD(parameters: [b], learningRate: 1),
    ])
    a.gradient = Matrix.row([3, 0])
    b.gradient = Matrix.row([4])
    #expect(groups.gradientNorm == 5)
    let before = groups.clipGradientNorm(1)
    #expect(before == 5)
    expectClose(a.gradient, Matrix.row([0.6, 0]), tolerance: 1e-15)
    expectClose(b.gradient, Matrix.row([0.8]), tolerance: 1e-15)
  }
}
