import Foundation
import TestSupport
import Testing

@testable import BayesianDL

/// Note 001's formulas (``Errata``) against hand computations: its KL is not the KL, its
/// `elbo` is what the note writes, each defect does what the chapter says, and its
/// uncertainty decomposition has no epistemic term.
@Suite struct Note001ErrataTests {
  @Test func notesKLIsItsFormulaAndNotTheKL() {
    var rng = Generator(seed: 51)
    for _ in 0..<200 {
      let (mu, tau, alpha) = (rng.normal(), exp(rng.uniform(-3, 3)), exp(rng.uniform(-2, 2)))
      let notes = Errata.note001KLToPrior(
        mean: [mu], logPrecision: [log(tau)], priorPrecision: alpha)
      expectClose(notes, 0.5 * (1 + tau * mu * mu - log(tau) + log(alpha)), tolerance: 1e-12)
      // The KL itself, ½(α/τ + αμ² − 1 + log τ − log α), is TestSupport's hand formula.
      let kl = handKL(
        meanQ: mu, sdQ: 1 / tau.squareRoot(), meanP: 0, sdP: 1 / alpha.squareRoot())
      expectClose(
        kl, 0.5 * (alpha / tau + alpha * mu * mu - 1 + log(tau) - log(alpha)), tolerance: 1e-12)
      #expect(kl >= 0)
    }
    // Sums over weights.
    expectClose(
      Errata.note001KLToPrior(mean: [0.5, -1], logPrecision: [0, log(4)], priorPrecision: 2),
      0.5 * (1 + 0.25 + log(2)) + 0.5 * (1 + 4 - log(4) + log(2)), tolerance: 1e-12)
  }

  @Test func notesKLIsAHalfAtThePriorGoesNegativeAndHasTheWrongMinimiser() {
    #expect(Errata.note001KLToPrior(mean: [0], logPrecision: [0], priorPrecision: 1) == 0.5)
    #expect(Errata.note001KLToPrior(mean: [0], logPrecision: [log(100)], priorPrecision: 1) < 0)
    // No lower bound: along μ = 0 it falls like −½ log τ.
    let far = Errata.note001KLToPrior(mean: [0], logPrecision: [log(1e8)], priorPrecision: 1)
    expectClose(far, 0.5 - 0.5 * log(1e8), tolerance: 1e-12)
    // ∂/∂τ of ½(1 + τμ² − log τ) vanishes at τ = 1/μ²; the KL's ∂/∂τ at τ = α.
    let (mu, alpha, h) = (0.3, 2.0, 1e-6)
    func notes(_ tau: Double) -> Double {
      Errata.note001KLToPrior(mean: [mu], logPrecision: [log(tau)], priorPrecision: alpha)
    }
    func kl(_ tau: Double) -> Double {
      handKL(meanQ: mu, sdQ: 1 / tau.squareRoot(), meanP: 0, sdP: 1 / alpha.squareRoot())
    }
    let notesMinimum = 1 / (mu * mu)
    #expect(abs((notes(notesMinimum + h) - notes(notesMinimum - h)) / (2 * h)) < 1e-8)
    #expect(abs((kl(alpha + h) - kl(alpha - h)) / (2 * h)) < 1e-8)
    #expect(notes(notesMinimum) < notes(alpha))
  }

  /// A log-variance last layer, its features and labels.
  static func layerAndBatch(seed: UInt64) -> (layer: BayesianDense, batch: Dataset) {
    var rng = Generator(seed: seed)
    let layer = BayesianDense(
      inputs: 4, outputs: 3, priorStandardDeviation: 0.7, initialStandardDeviation: 0.4,
      name: "last", using: &rng)
    layer.biasMean.value = rng.normalMatrix(rows: 1, columns: 3)
    layer.weightScale.value = layer.weightScale.value + rng.normalMatrix(rows: 4, columns: 3) * 0.2
    let batch = Dataset(
      inputs: rng.normalMatrix(rows: 6, columns: 4), targets: .classes([0, 2, 1, 1, 0, 2]))
    return (layer, batch)
  }

  /// The `samples` draws of logits a `.sharedWeights` layer makes from `seed`, by hand:
  /// for each, a weight noise `[inputs, outputs]` then a bias noise `[1, outputs]`.
  static func handLogits(_ layer: BayesianDense, _ h: Matrix, samples: Int, seed: UInt64)
    -> [Matrix]
  {
    var rng = Generator(seed: seed)
    let sigmaW = layer.weightScale.value.map { exp(0.5 * $0) }
    let sigmaB = layer.biasScale.value.map { exp(0.5 * $0) }
    return (0..<samples).map { _ in
      let w = layer.weightMean.value + sigmaW * rng.normalMatrix(rows: 4, columns: 3)
      let b = layer.biasMean.value + sigmaB * rng.normalMatrix(rows: 1, columns: 3)
      return naiveProduct(h, w) + b
    }
  }

  /// The mean cross-entropy of logits over a batch, by hand.
  static func meanCrossEntropy(_ logits: Matrix, _ labels: [Int]) -> Double {
    labels.indices.reduce(0) { $0 + handCrossEntropy(logits.row($1).storage, label: labels[$1]) }
      / Double(labels.count)
  }

  @Test func theNotesElboAsWrittenAndTheCorrectObjectiveMatchHandComputations() {
    let (layer, batch) = Self.layerAndBatch(seed: 52)
    let labels = batch.targets.labels
    let (s, n) = (4, 50)
    let logits = Self.handLogits(layer, batch.inputs, samples: s, seed: 53)
    let means = layer.weightMean.value.storage + layer.biasMean.value.storage
    let logVariances = layer.weightScale.value.storage + layer.biasScale.value.storage
    let alpha = 1 / (0.7 * 0.7)
    // As written: −CE(mean logits) + note's KL / B.
    var rng = Generator(seed: 53)
    let written = Errata.Note001Objective(layer: layer, defects: .all, samples: s).loss(
      on: batch, datasetSize: n, using: &rng)
    let averaged = logits.dropFirst().reduce(logits[0], +) / Double(s)
    let notesKL = Errata.note001KLToPrior(
      mean: means, logPrecision: logVariances.map { -$0 }, priorPrecision: alpha)
    expectClose(
      written.total.value.scalarValue,
      -Self.meanCrossEntropy(averaged, labels) + notesKL / Double(batch.count), tolerance: 1e-12)
    // Correct: mean over draws of CE, plus KL/N.
    rng = Generator(seed: 53)
    let correct = Errata.Note001Objective(layer: layer, defects: [], samples: s).loss(
      on: batch, datasetSize: n, using: &rng)
    let expectedCE = logits.reduce(0) { $0 + Self.meanCrossEntropy($1, labels) } / Double(s)
    let kl = KLDivergence.toZeroMeanPrior(
      mean: means, logVariance: logVariances, priorStandardDeviation: 0.7)
    expectClose(correct.total.value.scalarValue, expectedCE + kl / Double(n), tolerance: 1e-12)
  }

  @Test func withoutDefectsItIsTheVariationalLastLayerObjective() {
    let (layer, batch) = Self.layerAndBatch(seed: 54)
    var (a, b) = (Generator(seed: 55), Generator(seed: 55))
    let notes = Errata.Note001Objective(layer: layer, defects: [], samples: 3).loss(
      on: batch, datasetSize: 30, using: &a)
    let ours = VariationalLastLayer(
      model: MLP(layers: [layer], activation: .identity), likelihood: .categorical,
      backbonePriorStandardDeviation: nil, samples: 3
    ).loss(on: batch, datasetSize: 30, using: &b)
    expectClose(notes.total.value.scalarValue, ours.total.value.scalarValue, tolerance: 1e-12)
  }

  @Test func eachDefectChangesOnlyItsOwnTerm() {
    let (layer, batch) = Self.layerAndBatch(seed: 56)
    func loss(_ defects: Note001Defects) -> MinibatchLoss {
      var rng = Generator(seed: 57)  // the same draws for every variant
      return Errata.Note001Objective(layer: layer, defects: defects, samples: 5).loss(
        on: batch, datasetSize: 60, using: &rng)
    }
    let correct = loss([])
    let flipped = loss([.signFlipped])
    #expect(flipped.negativeLogLikelihood == -correct.negativeLogLikelihood)
    #expect(flipped.regulariser == correct.regulariser)
    let perBatch = loss([.klOverBatchSize])
    expectClose(perBatch.regulariser, correct.regulariser * 60 / 6, tolerance: 1e-12)
    #expect(perBatch.negativeLogLikelihood == correct.negativeLogLikelihood)
    let wrongKL = loss([.wrongKL])
    #expect(wrongKL.negativeLogLikelihood == correct.negativeLogLikelihood)
    #expect(wrongKL.regulariser != correct.regulariser)
  }

  @Test func averagingLogitsNeverExceedsTheExpectedCrossEntropy() {
    // −log softmax(z)_y is convex in z, so by Jensen CE(mean z) ≤ mean CE(z).
    for seed in UInt64(60)..<UInt64(100) {
      let (layer, batch) = Self.layerAndBatch(seed: seed)
      var (a, b) = (Generator(seed: seed), Generator(seed: seed))
      let averaged = Errata.Note001Objective(layer: layer, defects: [.logitsAveraged], samples: 8)
        .loss(on: batch, datasetSize: 20, using: &a)
      let expected = Errata.Note001Objective(layer: layer, defects: [], samples: 8).loss(
        on: batch, datasetSize: 20, using: &b)
      #expect(averaged.negativeLogLikelihood <= expected.negativeLogLikelihood + 1e-12)
    }
  }

  @Test func notesKLOnTheTapeIsItsFormulaWithItsGradient() {
    let (layer, _) = Self.layerAndBatch(seed: 58)
    let objective = Errata.Note001Objective(layer: layer, defects: .all, samples: 1)
    let value = objective.notesKL(on: Tape()).value.scalarValue
    expectClose(
      value,
      Errata.note001KLToPrior(
        mean: layer.weightMean.value.storage + layer.biasMean.value.storage,
        logPrecision: (layer.weightScale.value.storage + layer.biasScale.value.storage).map { -$0 },
        priorPrecision: 1 / (0.7 * 0.7)), tolerance: 1e-12)
    expectParameterGradientsMatchFiniteDifferences(layer.parameters) { tape in
      objective.notesKL(on: tape)
    }
  }

  @Test func unsampledDecompositionHasNoEpistemicTerm() {
    let (layer, batch) = Self.layerAndBatch(seed: 59)
    let notes = Errata.note001UnsampledDecomposition(
      layer: layer, features: batch.inputs, samples: 50)
    #expect(notes.epistemic.allSatisfy { $0 < 1e-12 })
    // Its total is the entropy of the mean-weight prediction.
    let p = (naiveProduct(batch.inputs, layer.weightMean.value) + layer.biasMean.value)
      .softmaxRows()
    let entropy = ClassificationMetrics.entropy(p)
    for i in entropy.indices { expectClose(notes.total[i], entropy[i], tolerance: 1e-12) }
    // Sampling the weights, as it should, gives a positive term at every input.
    var rng = Generator(seed: 60)
    let sampled = UncertaintyDecomposition(
      classProbabilities: MonteCarloPredictive.probabilitySamples(
        of: MLP(layers: [layer], activation: .identity), at: batch.inputs, samples: 50,
        using: &rng))
    #expect(sampled.epistemic.allSatisfy { $0 > 1e-4 })
  }
}
