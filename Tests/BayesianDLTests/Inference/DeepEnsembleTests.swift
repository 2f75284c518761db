import Foundation
import TestSupport
import Testing

@testable import BayesianDL

/// Deep ensembles: independent members from forked generators, the mixture predictive
/// against the members' own predictions, and epistemic uncertainty that grows away from
/// the data.
@Suite struct DeepEnsembleTests {
  static func ensemble(count: Int, data: Dataset, seed: UInt64) throws -> DeepEnsemble {
    var rng = Generator(seed: seed)
    return try DeepEnsemble.train(count: count, using: &rng) { own in
      MLP(sizes: [2, 16, 16, 2], using: &own)
    } train: { member, own in
      var adam = Adam(parameters: member.parameters, learningRate: 0.01)
      try MAPEstimation(model: member, likelihood: .categorical, priorStandardDeviation: 1)
        .train(on: data, epochs: 20, batchSize: 50, optimiser: &adam, using: &own)
    }
  }

  static let moons: Dataset = {
    var rng = Generator(seed: 91)
    return SyntheticData.twoMoons(count: 300, noise: 0.1, using: &rng)
  }()

  @Test func membersDoNotDependOnHowManyFollowThem() throws {
    let two = try Self.ensemble(count: 2, data: Self.moons, seed: 92)
    let three = try Self.ensemble(count: 3, data: Self.moons, seed: 92)
    for (a, b) in zip(two.members, three.members) {
      for (p, q) in zip(a.parameters, b.parameters) { #expect(p.value == q.value) }
    }
    #expect(three.members[1].parameters[0].value != three.members[2].parameters[0].value)
  }

  @Test func mixtureIsTheAverageOfTheMembersSoftmaxAndItsSplitIsConsistent() throws {
    let ensemble = try Self.ensemble(count: 3, data: Self.moons, seed: 93)
    let x = Matrix([[0.5, 0.25], [3, 3], [-1, 1]])
    let (mean, members) = ensemble.probabilities(at: x)
    var unused = Generator(seed: 1)
    let byHand = ensemble.members.map { $0.predict(x, using: &unused).softmaxRows() }
    expectClose(mean, (byHand[0] + byHand[1] + byHand[2]) / 3, tolerance: 1e-15)
    #expect(members.count == 3)
    let split = UncertaintyDecomposition(classProbabilities: members)
    for i in 0..<3 {
      #expect(abs(split.total[i] - split.aleatoric[i] - split.epistemic[i]) < 1e-12)
    }
  }

  @Test func ensembleFitsTheMoonsAndDisagreesMostFarFromThem() throws {
    let ensemble = try Self.ensemble(count: 5, data: Self.moons, seed: 94)
    let (mean, _) = ensemble.probabilities(at: Self.moons.inputs)
    #expect(ClassificationMetrics.accuracy(mean, labels: Self.moons.targets.labels) > 0.95)
    let onData = UncertaintyDecomposition(
      classProbabilities: ensemble.probabilities(at: Self.moons.inputs).members)
    let far = Matrix([[6, 6], [-5, 5], [6, -5], [-6, -6]])
    let offData = UncertaintyDecomposition(
      classProbabilities: ensemble.probabilities(at: far).members)
    let meanOn = onData.epistemic.reduce(0, +) / Double(onData.epistemic.count)
    let meanOff = offData.epistemic.reduce(0, +) / Double(offData.epistemic.count)
    #expect(meanOff > 3 * meanOn, "epistemic far \(meanOff) vs on the data \(meanOn)")
  }

  @Test func heteroscedasticComponentsFeedTheLawOfTotalVariance() throws {
    var rng = Generator(seed: 95)
    let data = SyntheticData.heteroscedastic(count: 200, using: &rng)
    let ensemble = try DeepEnsemble.train(count: 3, using: &rng) { own in
      MLP(sizes: [1, 16, 2], activation: .tanh, using: &own)
    } train: { member, own in
      var adam = Adam(parameters: member.parameters, learningRate: 0.01)
      try MAPEstimation(model: member, likelihood: .heteroscedastic, priorStandardDeviation: nil)
        .train(on: data, epochs: 5, batchSize: 50, optimiser: &adam, using: &own)
    }
    let x = Matrix.column([-2, 0, 2])
    let (means, variances) = ensemble.gaussianComponents(at: x)
    var unused = Generator(seed: 1)
    let raw = ensemble.members[1].predict(x, using: &unused)
    expectClose(variances[1], raw.columns(1..<2).map(Foundation.exp), tolerance: 1e-15)
    let split = UncertaintyDecomposition(means: means, variances: variances)
    for i in 0..<3 {
      #expect(abs(split.total[i] - split.aleatoric[i] - split.epistemic[i]) < 1e-12)
    }
  }

  /// Members train concurrently; the result must be what training them one after
  /// another, each with its own forked generator, gives.
  @Test func concurrentTrainingEqualsTrainingTheMembersInTurn() throws {
    let together = try Self.ensemble(count: 3, data: Self.moons, seed: 93)
    var rng = Generator(seed: 93)
    let generators = (0..<3).map { _ in rng.fork() }
    for (k, var own) in generators.enumerated() {
      let member = MLP(sizes: [2, 16, 16, 2], using: &own)
      var adam = Adam(parameters: member.parameters, learningRate: 0.01)
      try MAPEstimation(model: member, likelihood: .categorical, priorStandardDeviation: 1)
        .train(on: Self.moons, epochs: 20, batchSize: 50, optimiser: &adam, using: &own)
      for (p, q) in zip(member.parameters, together.members[k].parameters) {
        #expect(p.value == q.value)
      }
    }
  }

  @Test func trainMAPIsTheGeneralTrainerWithTheMAPRecipe() throws {
    let general = try Self.ensemble(count: 2, data: Self.moons, seed: 94)
    var rng = Generator(seed: 94)
    let recipe = try DeepEnsemble.trainMAP(
      count: 2, sizes: [2, 16, 16, 2], likelihood: .categorical, priorStandardDeviation: 1,
      on: Self.moons, epochs: 20, batchSize: 50, learningRate: 0.01, using: &rng)
    for (a, b) in zip(general.members, recipe.members) {
      for (p, q) in zip(a.parameters, b.parameters) { #expect(p.value == q.value) }
    }
  }

  @Test func bootstrapMembersSeeDifferentResamplesAndDisagreeMore() throws {
    var rng = Generator(seed: 95)
    let data = SyntheticData.heteroscedastic(count: 60, using: &rng)
    func spread(bootstrap: Bool) throws -> Double {
      var own = Generator(seed: 96)
      let ensemble = try DeepEnsemble.trainMAP(
        count: 4, sizes: [1, 16, 16, 2], likelihood: .heteroscedastic, priorStandardDeviation: 1,
        on: data, epochs: 150, batchSize: 60, learningRate: 0.01, clipNorm: 10,
        bootstrap: bootstrap, using: &own)
      let p = ensemble.regressionPredictive(at: SyntheticData.linspace(-3, 3, count: 31))
      #expect(p.mean.count == 31 && p.total.count == 31)
      return p.epistemic.reduce(0, +)
    }
    #expect(try spread(bootstrap: true) > spread(bootstrap: false))
  }

  @Test func meanPredictionIsTheAverageOfTheMembersOutputs() {
    var rng = Generator(seed: 97)
    let members = (0..<3).map { _ in MLP(sizes: [2, 5, 1], using: &rng) }
    let x = rng.normalMatrix(rows: 4, columns: 2)
    var unused = Generator(seed: 0)
    let outputs = members.map { $0.predict(x, using: &unused) }
    let expected = (outputs[0] + outputs[1] + outputs[2]) / 3
    expectClose(DeepEnsemble(members: members).meanPrediction(at: x), expected, tolerance: 1e-15)
  }
}
