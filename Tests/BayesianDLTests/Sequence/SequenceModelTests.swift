import Foundation
import TestSupport
import Testing

@testable import BayesianDL

/// The character-level language model and what is built on it — vocabulary, word list,
/// Transformer, nucleus sampler, agreement summaries and note 000's errata — checked
/// against hand computations, the chain rule of probability summed over every string,
/// central finite differences and Monte Carlo frequencies.
@Suite struct SequenceModelTests {
  // MARK: - Helpers

  /// The tiny model of these tests: tokens {boundary, a, b}, context 5, width 4, 2 heads,
  /// feed-forward width 6, 2 blocks.
  static func tinyModel(seed: UInt64, dropout: Double = 0.2) -> CharacterTransformer {
    var rng = Generator(seed: seed)
    return CharacterTransformer(
      vocabularySize: 3, contextLength: 5, width: 4, heads: 2, hiddenWidth: 6, blocks: 2,
      dropout: dropout, using: &rng)
  }

  /// Every string of `length` tokens drawn from {1, 2} (the letters 'a' and 'b').
  static func letterStrings(length: Int) -> [[Int]] {
    (0..<length).reduce([[Int]]([[]])) { strings, _ in
      strings.flatMap { [$0 + [1], $0 + [2]] }
    }
  }

  /// $\log p(z_1 \dots z_{L-1} \mid z_0)$ summed by hand from one `.mean` pass over
  /// $z_0 \dots z_{L-2}$: row $t$ holds the distribution of $z_{t+1}$.
  static func handLogProbability(_ tokens: [Int], model: CharacterTransformer) -> Double {
    var rng = Generator(seed: 1)
    let rows = model.nextTokenProbabilities([Array(tokens.dropLast())], mode: .mean, using: &rng)[0]
    var total = 0.0
    for t in 0..<(tokens.count - 1) { total += Foundation.log(rows[t, tokens[t + 1]]) }
    return total
  }

  /// A file with `text` in the temporary directory, under a name no other test uses.
  static func temporaryFile(_ text: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "SequenceModelTests-\(UUID().uuidString).txt")
    try text.write(to: url, atomically: true, encoding: .utf8)
    return url
  }

  // MARK: - Vocabulary

  @Test func framedTokensOfCabWithAlphabetAbcAreZeroThreeOneTwoZero() throws {
    let vocabulary = CharacterVocabulary(alphabet: "abc")
    #expect(vocabulary.count == 4)
    #expect(try vocabulary.framedTokens(of: "cab") == [0, 3, 1, 2, 0])
    #expect(try vocabulary.tokens(of: "cab") == [3, 1, 2])
    #expect(try vocabulary.framedTokens(of: "") == [0, 0])
  }

  @Test func textOfTokensRoundTripsAndShowsTheBoundaryAsADot() throws {
    let vocabulary = CharacterVocabulary(alphabet: "abc")
    for word in ["cab", "a", "bccab", ""] {
      #expect(vocabulary.text(of: try vocabulary.tokens(of: word)) == word)
      #expect(vocabulary.text(of: try vocabulary.framedTokens(of: word)) == ".\(word).")
    }
    #expect(try vocabulary.tokens(of: vocabulary.text(of: [2, 3, 1])) == [2, 3, 1])
  }

  @Test func unknownCharacterThrowsAndItsDescriptionNamesTheCharacter() {
    let vocabulary = CharacterVocabulary(alphabet: "abc")
    #expect(throws: VocabularyError.unknownCharacter("x", in: "cxb")) {
      try vocabulary.tokens(of: "cxb")
    }
    #expect(throws: VocabularyError.unknownCharacter("Z", in: "aZ")) {
      try vocabulary.framedTokens(of: "aZ")
    }
    let description = VocabularyError.unknownCharacter("x", in: "cxb").description
    #expect(description.contains("'x'"))
    #expect(description.contains("cxb"))
  }

  // MARK: - Word list

  @Test func wordListKeepsDistinctLowerCaseWordsOfAllowedLettersAndLengthsInFileOrder() throws {
    let lines = [
      "cab", "Cab", "ab", "a'b", "abc", "b", "cab", "abcab", "bad", "", "bca\r", "ab", "acb",
    ]
    let url = try Self.temporaryFile(lines.joined(separator: "\n") + "\n")
    defer { try? FileManager.default.removeItem(at: url) }
    let words = try WordList.read(path: url.path, alphabet: "abc", lengths: 2...3)
    #expect(words == ["cab", "ab", "abc", "bca", "acb"])
  }

  @Test func wordListMissingFileThrowsMissingAndTheSystemPathMessageGivesTheInstallCommand() {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent(
      "SequenceModelTests-missing-\(UUID().uuidString).txt"
    ).path
    #expect(throws: WordListError.missing(path: path)) {
      try WordList.read(path: path, alphabet: "abc", lengths: 1...5)
    }
    let system = WordListError.missing(path: WordList.systemPath).description
    #expect(system.contains("apt-get install -y wamerican"))
    #expect(system.contains(WordList.systemPath))
    #expect(!WordListError.missing(path: path).description.contains("apt-get"))
  }

  @Test func wordListWithNoAcceptableWordThrowsNoWords() throws {
    let url = try Self.temporaryFile("ABC\nxyz\na\nabcdef\n")
    defer { try? FileManager.default.removeItem(at: url) }
    #expect(throws: WordListError.noWords(path: url.path)) {
      try WordList.read(path: url.path, alphabet: "abc", lengths: 2...5)
    }
  }

  // MARK: - Character Transformer

  @Test func nextTokenProbabilityRowsSumToOne() {
    let model = Self.tinyModel(seed: 11)
    var rng = Generator(seed: 12)
    let sequences = [[0], [0, 1, 2], [0, 2, 2, 1, 0]]
    for mode in [WeightMode.mean, .sample] {
      let matrices = model.nextTokenProbabilities(sequences, mode: mode, using: &rng)
      #expect(matrices.map(\.rows) == [1, 3, 5])
      for m in matrices {
        #expect(m.columns == 3)
        for i in 0..<m.rows {
          #expect(abs((0..<3).reduce(0) { $0 + m[i, $1] } - 1) < 1e-14)
          #expect((0..<3).allSatisfy { m[i, $0] > 0 })
        }
      }
    }
  }

  @Test func probabilitiesOfAPrefixAloneEqualTheFirstRowsOfTheLongerSequence() {
    let model = Self.tinyModel(seed: 13)
    var rng = Generator(seed: 14)
    let long = [0, 1, 2, 2, 1]
    let whole = model.nextTokenProbabilities([long], mode: .mean, using: &rng)[0]
    for n in 1..<long.count {
      let prefix = model.nextTokenProbabilities([Array(long[..<n])], mode: .mean, using: &rng)[0]
      expectClose(prefix, whole.rows(0..<n), tolerance: 1e-14, "prefix of \(n):")
    }
    // The last row does depend on the last token: the check above is not vacuous.
    let other = model.nextTokenProbabilities([[0, 1, 2, 2, 2]], mode: .mean, using: &rng)[0]
    #expect(other.rows(4..<5).maxAbsDifference(whole.rows(4..<5)) > 1e-6)
  }

  @Test func paddingAShorterSequenceInABatchLeavesItsRowsUnchanged() {
    let model = Self.tinyModel(seed: 15)
    var rng = Generator(seed: 16)
    let short = [0, 2]
    let alone = model.nextTokenProbabilities([short], mode: .mean, using: &rng)[0]
    let batch = model.nextTokenProbabilities(
      [[0, 1, 1, 2], short, [0, 2, 2, 2, 1]], mode: .mean, using: &rng)
    expectClose(batch[1], alone, tolerance: 1e-14, "padded short sequence:")
    let longAlone = model.nextTokenProbabilities([[0, 2, 2, 2, 1]], mode: .mean, using: &rng)[0]
    expectClose(batch[2], longAlone, tolerance: 1e-14, "longest sequence:")
  }

  @Test func meanPassesAreDeterministicAndDropoutPassesDifferFromEachOtherAndFromTheMean() {
    let model = Self.tinyModel(seed: 17)
    let sequences = [[0, 1, 2, 1], [0, 2]]
    var first = Generator(seed: 18)
    var second = Generator(seed: 99)
    let mean1 = model.nextTokenProbabilities(sequences, mode: .mean, using: &first)
    let mean2 = model.nextTokenProbabilities(sequences, mode: .mean, using: &second)
    #expect(mean1 == mean2)
    let sample1 = model.nextTokenProbabilities(sequences, mode: .sample, using: &first)
    let sample2 = model.nextTokenProbabilities(sequences, mode: .sample, using: &first)
    for b in 0..<2 {
      #expect(sample1[b].maxAbsDifference(sample2[b]) > 1e-6)
      #expect(sample1[b].maxAbsDifference(mean1[b]) > 1e-6)
      #expect(sample2[b].maxAbsDifference(mean1[b]) > 1e-6)
    }
    // A dropout pass is a function of the generator's state.
    var again1 = Generator(seed: 5)
    var again2 = Generator(seed: 5)
    #expect(
      model.nextTokenProbabilities(sequences, mode: .sample, using: &again1)
        == model.nextTokenProbabilities(sequences, mode: .sample, using: &again2))
  }

  @Test func probabilitiesOfEveryEndedWordPlusTheUnendedMassSumToOne() {
    // Chain rule: Σ_{n ≤ L} Σ_{s ∈ {a,b}^n} p(s ⟨b⟩) + Σ_{s ∈ {a,b}^{L+1}} p(s) = 1.
    let model = Self.tinyModel(seed: 19)
    var rng = Generator(seed: 20)
    let depth = 3
    var total = 0.0
    for n in 0...depth {
      for s in Self.letterStrings(length: n) {
        total += Foundation.exp(model.logProbability(of: s + [0], after: [0], using: &rng))
      }
    }
    for s in Self.letterStrings(length: depth + 1) {
      total += Foundation.exp(model.logProbability(of: s, after: [0], using: &rng))
    }
    #expect(abs(total - 1) < 1e-12, "total mass \(total)")
  }

  @Test func logProbabilityIsTheSumOfLogNextTokenProbabilitiesFromSeparatePrefixPasses() {
    let model = Self.tinyModel(seed: 21)
    var rng = Generator(seed: 22)
    for (prompt, completion) in [
      ([0], [1, 2, 0]), ([0, 1], [2, 1, 0]), ([0, 2, 2], [1]), ([0], []),
    ] {
      // p(y_k | x, y_<k) read off the last row of a pass over x y_<k alone.
      var reference = 0.0
      var context = prompt
      for y in completion {
        let rows = model.nextTokenProbabilities([context], mode: .mean, using: &rng)[0]
        reference += Foundation.log(rows[context.count - 1, y])
        context.append(y)
      }
      let logP = model.logProbability(of: completion, after: prompt, using: &rng)
      expectClose(logP, reference, tolerance: 1e-13, "\(prompt) → \(completion):")
    }
  }

  @Test func trainingLossGradientMatchesCentralFiniteDifferences() throws {
    let model = Self.tinyModel(seed: 23, dropout: 0)
    let data = try CharacterTransformer.wordDataset(
      ["ab", "b", "abba", "aab"], vocabulary: CharacterVocabulary(alphabet: "ab"),
      contextLength: 5)
    func loss() -> MinibatchLoss {
      var rng = Generator(seed: 24)
      return model.loss(on: data, datasetSize: data.count, using: &rng)
    }
    let parameters = model.parameters
    for p in parameters { p.zeroGradient() }
    let objective = loss().total
    objective.tape.backward(from: objective)
    let h = 1e-5
    var checked = 0
    for p in parameters {
      for k in Set([0, p.count / 2, p.count - 1]).sorted() {
        let saved = p.value.storage[k]
        p.value.storage[k] = saved + h
        let plus = loss().total.value.scalarValue
        p.value.storage[k] = saved - h
        let minus = loss().total.value.scalarValue
        p.value.storage[k] = saved
        expectClose(
          p.gradient.storage[k], (plus - minus) / (2 * h), tolerance: 1e-7,
          "∂loss/∂\(p.name)[\(k)]:")
        checked += 1
      }
    }
    #expect(checked >= 3 * parameters.count - 2)
    // The gradient is not zero everywhere (the check would then be weak).
    #expect(parameters.contains { p in p.gradient.storage.contains { abs($0) > 1e-3 } })
  }

  @Test func trainingLossIsTheMeanNegativeLogProbabilityPerPredictedToken() throws {
    let model = Self.tinyModel(seed: 25, dropout: 0)
    let vocabulary = CharacterVocabulary(alphabet: "ab")
    let words = ["ab", "b", "abba", "aab", ""]
    let data = try CharacterTransformer.wordDataset(
      words, vocabulary: vocabulary, contextLength: 5)
    #expect(data.targets.labels == [3, 2, 5, 4, 1])
    var rng = Generator(seed: 26)
    let loss = model.loss(on: data, datasetSize: data.count, using: &rng)
    var sum = 0.0
    var tokens = 0
    for word in words {
      let framed = try vocabulary.framedTokens(of: word)
      sum -= model.logProbability(of: Array(framed.dropFirst()), after: [0], using: &rng)
      tokens += framed.count - 1
    }
    expectClose(loss.total.value.scalarValue, sum / Double(tokens), tolerance: 1e-13)
    expectClose(loss.negativeLogLikelihood, sum / Double(tokens), tolerance: 1e-13)
    #expect(loss.regulariser == 0)
  }

  @Test(arguments: [WeightMode.mean, .sample])
  func completionsEndWithTheBoundaryOrFillTheContext(mode: WeightMode) {
    let model = Self.tinyModel(seed: 27)
    for prompt in [[0], [0, 2, 1]] {
      var reachedBoundary = false
      for seed in 0..<30 {
        var rng = Generator(seed: UInt64(seed))
        let tokens = model.complete(prompt, sampler: .model, mode: mode, using: &rng)
        #expect(!tokens.isEmpty)
        #expect(tokens.allSatisfy { (0..<3).contains($0) })
        // Only the last token may be the boundary.
        #expect(!tokens.dropLast().contains(0), "\(tokens)")
        let full = prompt.count + tokens.count == model.contextLength + 1
        #expect(tokens.last == 0 || full, "\(prompt) → \(tokens)")
        #expect(prompt.count + tokens.count <= model.contextLength + 1)
        if tokens.last == 0 { reachedBoundary = true }
      }
      #expect(reachedBoundary)
    }
  }

  @Test func completionWithASamplerIsDeterministicForAFixedSeed() {
    let model = Self.tinyModel(seed: 28)
    let sampler = NucleusSampler(temperature: 0.8, topP: 0.9)
    var distinct = Set<[Int]>()
    for seed in 0..<20 {
      for mode in [WeightMode.mean, .sample] {
        var rng1 = Generator(seed: UInt64(seed))
        var rng2 = Generator(seed: UInt64(seed))
        let a = model.complete([0], sampler: sampler, mode: mode, using: &rng1)
        let b = model.complete([0], sampler: sampler, mode: mode, using: &rng2)
        #expect(a == b)
        distinct.insert(a)
      }
    }
    // Different seeds do give different completions: the sampler really samples.
    #expect(distinct.count > 1)
  }

  // MARK: - Nucleus sampler

  static let p = [0.5, 0.3, 0.15, 0.05]

  static func expectCloseArrays(
    _ actual: [Double], _ expected: [Double], tolerance: Double = 1e-14, _ what: String,
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    #expect(actual.count == expected.count, sourceLocation: sourceLocation)
    for (a, e) in zip(actual, expected) {
      #expect(
        abs(a - e) <= tolerance, "\(what): \(actual) differs from \(expected)",
        sourceLocation: sourceLocation)
    }
  }

  @Test func topPNinetyAtTemperatureOneKeepsTheFirstThreeRenormalisedByNinetyFive() {
    let q = NucleusSampler(temperature: 1, topP: 0.9).distribution(from: Self.p)
    Self.expectCloseArrays(q, [0.5 / 0.95, 0.3 / 0.95, 0.15 / 0.95, 0], "topP 0.9")
    #expect(q[3] == 0)
  }

  @Test func topPHalfKeepsOnlyTheMostProbableToken() {
    let q = NucleusSampler(temperature: 1, topP: 0.5).distribution(from: Self.p)
    #expect(q == [1, 0, 0, 0])
  }

  @Test func temperatureHalfWithoutTruncationGivesSquaredProbabilitiesRenormalised() {
    let q = NucleusSampler(temperature: 0.5, topP: 1).distribution(from: Self.p)
    let squares = Self.p.map { $0 * $0 }  // Σ = 0.365
    Self.expectCloseArrays(q, squares.map { $0 / 0.365 }, "temperature 0.5")
  }

  @Test func temperatureOneWithoutTruncationReturnsTheModelsProbabilities() {
    Self.expectCloseArrays(NucleusSampler.model.distribution(from: Self.p), Self.p, "model")
    Self.expectCloseArrays(
      NucleusSampler(temperature: 1, topP: 1).distribution(from: [0.2, 0, 0.8]), [0.2, 0, 0.8],
      "with a zero")
  }

  @Test func temperatureEightTenthsAndTopPNinetyDropTheLastTokenAndRenormaliseTheRest() {
    // p^1.25 normalised is 0.554, 0.292, 0.123, 0.031: the first three reach 0.969 ≥ 0.9.
    let powered = Self.p.map { Foundation.pow($0, 1.25) }
    let kept = powered[0] + powered[1] + powered[2]
    let q = NucleusSampler(temperature: 0.8, topP: 0.9).distribution(from: Self.p)
    Self.expectCloseArrays(
      q, [powered[0] / kept, powered[1] / kept, powered[2] / kept, 0], "τ 0.8")
  }

  @Test func sampledFrequenciesMatchTheSamplersDistributionAndNeverDrawTheTruncatedToken() {
    let sampler = NucleusSampler(temperature: 0.8, topP: 0.9)
    let q = sampler.distribution(from: Self.p)
    var rng = Generator(seed: 29)
    let n = 20_000
    var counts = [Int](repeating: 0, count: 4)
    for _ in 0..<n { counts[sampler.sample(from: Self.p, using: &rng)] += 1 }
    #expect(counts[3] == 0)
    for k in 0..<3 {
      let standardError = (q[k] * (1 - q[k]) / Double(n)).squareRoot()
      expectWithinStandardErrors(
        Double(counts[k]) / Double(n), q[k], standardError: standardError, standardErrors: 5,
        "token \(k):")
    }
  }

  // MARK: - Agreement

  @Test func agreementSummariesOfABABCDMatchHandComputation() {
    let agreement = GenerationAgreement(
      completions: ["ab", "ab", "c", "d"], logProbabilities: [-1, -1, -2, -3])
    #expect(agreement.distinctFraction == 0.75)
    #expect(agreement.modalShare == 0.5)
    #expect(agreement.modalCompletion == "ab")
    // Mean −1.75; deviations 0.75, 0.75, −0.25, −1.25; squares sum to 2.75; s² = 2.75/3.
    let (value, standardError) = agreement.entropyEstimate
    expectClose(value, 1.75, tolerance: 1e-15)
    expectClose(standardError, (2.75 / 3).squareRoot() / 2, tolerance: 1e-15)
  }

  @Test func modalCompletionAmongTiesIsTheFirstDrawn() {
    // "x" and "y" tie at two each; "x" was drawn first, "y" completed its pair last.
    let agreement = GenerationAgreement(
      completions: ["x", "y", "z", "x", "y"], logProbabilities: [-1, -2, -4, -1, -2])
    #expect(agreement.modalCompletion == "x")
    #expect(agreement.modalShare == 0.4)
    #expect(agreement.distinctFraction == 0.6)
  }

  // MARK: - Errata

  @Test func note000DisagreementIsOneMinusOneOverNWhenAllAgreeAndZeroWhenAllDiffer() {
    for n in [1, 2, 5, 8] {
      let same = Array(repeating: "ab", count: n)
      expectClose(Errata.note000Disagreement(of: same), 1 - 1 / Double(n), tolerance: 1e-15)
      let different = (0..<n).map { String(repeating: "a", count: $0 + 1) }
      #expect(Errata.note000Disagreement(of: different) == 0)
      // The opposite of the disagreement it means: distinctFraction is 1/N and 1.
      let agreeing = GenerationAgreement(
        completions: same, logProbabilities: Array(repeating: -1, count: n))
      let differing = GenerationAgreement(
        completions: different, logProbabilities: Array(repeating: -1, count: n))
      expectClose(agreeing.distinctFraction, 1 / Double(n), tolerance: 1e-15)
      #expect(differing.distinctFraction == 1)
    }
    let mixed = ["ab", "ab", "c", "d", "c", "e"]
    let summary = GenerationAgreement(
      completions: mixed, logProbabilities: Array(repeating: -1, count: mixed.count))
    expectClose(
      Errata.note000Disagreement(of: mixed), 1 - summary.distinctFraction, tolerance: 1e-15)
  }

  @Test func note000SequenceScoreIsTheMeanCrossEntropyOverPromptAndCompletion() {
    let model = Self.tinyModel(seed: 30)
    var rng = Generator(seed: 31)
    for (prompt, completion) in [([0, 1], [2, 1, 0]), ([0], [1, 0]), ([0, 2, 2], [1, 1, 0])] {
      let whole = prompt + completion
      let score = Errata.note000SequenceScore(of: completion, after: prompt, model: model)
      let reference = -Self.handLogProbability(whole, model: model) / Double(whole.count - 1)
      expectClose(score, reference, tolerance: 1e-13, "\(prompt) + \(completion):")
      let logP = model.logProbability(of: completion, after: prompt, using: &rng)
      #expect(score > 0 && logP < 0, "score \(score), log-probability \(logP)")
    }
  }

  @Test func note000SequenceScoreOrdersSomeCompletionsOppositeToTheirProbability() {
    let model = Self.tinyModel(seed: 32)
    var rng = Generator(seed: 33)
    let completions = (0...3).flatMap { n in Self.letterStrings(length: n).map { $0 + [0] } }
    let scored = completions.map { c in
      (
        completion: c, score: Errata.note000SequenceScore(of: c, after: [0], model: model),
        logP: model.logProbability(of: c, after: [0], using: &rng)
      )
    }
    // A pair the score calls a more probable (lower loss) while it is less probable.
    let reversed = scored.contains { a in
      scored.contains { b in a.score < b.score && a.logP < b.logP }
    }
    #expect(reversed, "the score orders all \(completions.count) completions like log p")
  }
}
