import Foundation

/// A small causal Transformer over characters: token and position embeddings, a stack
/// of ``TransformerBlock``s, and a linear read-out to next-token logits.
///
/// Row $t$ of its output for the tokens $x_0 \dots x_{T-1}$ is the distribution
/// $p(x_{t+1} \mid x_0 \dots x_t)$: the causal mask lets position $t$ see nothing later,
/// so one pass scores every prefix of a sequence at once, and the probability of a whole
/// sequence is the product of its rows' entries (see ``logProbability(of:after:mode:using:)``).
///
/// Sendable so that MC-dropout passes can run on several threads: prediction only reads
/// the parameters. Training writes them, so never train while predicting elsewhere.
public final class CharacterTransformer: @unchecked Sendable {
  /// The number of tokens.
  public let vocabularySize: Int
  /// The longest input the position embeddings cover.
  public let contextLength: Int
  /// $E$, one row per token, `[vocabularySize, d]`.
  let tokenEmbedding: Parameter
  /// $P$, one row per position, `[contextLength, d]`.
  let positionEmbedding: Parameter
  /// The blocks, applied in order.
  let blocks: [TransformerBlock]
  /// The read-out from a token's vector to next-token logits.
  let readout: Dense

  /// Creates a model with small random weights.
  ///
  /// - Parameters:
  ///   - vocabularySize: the number of tokens.
  ///   - contextLength: the longest input.
  ///   - width: $d$.
  ///   - heads: attention heads per block.
  ///   - hiddenWidth: the feed-forward width $d_{ff}$.
  ///   - blocks: how many blocks.
  ///   - dropout: the drop probability inside every block.
  ///   - rng: the generator for the initial weights.
  public init(
    vocabularySize: Int, contextLength: Int, width: Int, heads: Int, hiddenWidth: Int,
    blocks: Int, dropout: Double, using rng: inout Generator
  ) {
    self.vocabularySize = vocabularySize
    self.contextLength = contextLength
    tokenEmbedding = Parameter(
      "tokenEmbedding", rng.normalMatrix(rows: vocabularySize, columns: width, standardDeviation: 1)
    )
    positionEmbedding = Parameter(
      "positionEmbedding",
      rng.normalMatrix(rows: contextLength, columns: width, standardDeviation: 0.1))
    self.blocks = (0..<blocks).map { k in
      TransformerBlock(
        width: width, heads: heads, hiddenWidth: hiddenWidth, dropout: dropout,
        name: "block\(k + 1)", using: &rng)
    }
    readout = Dense(inputs: width, outputs: vocabularySize, gain: 1, name: "readout", using: &rng)
  }

  /// Every trainable parameter, in a fixed order.
  public var parameters: [Parameter] {
    [tokenEmbedding, positionEmbedding] + blocks.flatMap(\.parameters) + readout.parameters
  }

  /// The number of trainable numbers.
  public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }

  /// Next-token logits for a batch of sequences of one length, stacked row-wise.
  ///
  /// - Parameters:
  ///   - sequences: $B$ token sequences, all of length $T \le$ ``contextLength``.
  ///   - mode: `.sample` draws dropout masks (training, MC dropout), `.mean` does not.
  ///   - tape: the tape to record on.
  ///   - rng: the generator for the masks.
  /// - Returns: `[B·T, vocabularySize]`; row $bT + t$ scores the token after position $t$
  ///   of sequence $b$.
  public func logits(
    _ sequences: [[Int]], mode: WeightMode, on tape: Tape, using rng: inout Generator
  ) -> Variable {
    let length = sequences.first?.count ?? 0
    precondition(
      length > 0 && length <= contextLength && sequences.allSatisfy { $0.count == length },
      "CharacterTransformer: sequences must share one length in 1...\(contextLength)")
    let tokens = tape.parameter(tokenEmbedding).gatheringRows(sequences.flatMap { $0 })
    let positions = tape.parameter(positionEmbedding).gatheringRows(
      Array(repeating: Array(0..<length), count: sequences.count).flatMap { $0 })
    var x = tokens + positions  // [B·T, d]
    for block in blocks {
      x = block.forward(x, sequenceLength: length, mode: mode, using: &rng)
    }
    return readout.forward(x, mode: mode, using: &rng)  // [B·T, V]
  }

  /// The next-token distributions along each sequence, one pass for all of them (shorter
  /// sequences are padded at the end, which the causal mask hides from earlier positions).
  ///
  /// - Parameters:
  ///   - sequences: token sequences of lengths in `1...contextLength`.
  ///   - mode: `.sample` for one MC-dropout pass, `.mean` for the deterministic network.
  ///   - rng: the generator for the masks.
  /// - Returns: one `[length, vocabularySize]` matrix per sequence, rows summing to 1.
  public func nextTokenProbabilities(
    _ sequences: [[Int]], mode: WeightMode, using rng: inout Generator
  ) -> [Matrix] {
    guard let longest = sequences.map(\.count).max() else { return [] }
    let padded = sequences.map {
      $0 + Array(repeating: CharacterVocabulary.boundary, count: longest - $0.count)
    }
    let tape = Tape(recordsGradients: false)
    let probabilities = logits(padded, mode: mode, on: tape, using: &rng).value.softmaxRows()
    return sequences.enumerated().map { b, sequence in
      probabilities.rows((b * longest)..<(b * longest + sequence.count))
    }
  }

  /// $\log p(y_1 \dots y_m \mid x)$ $= \sum_{k} \log p(y_k \mid x, y_{<k})$: the log-probability
  /// of a completion given a prompt, summed over the completion's tokens only.
  ///
  /// This is the sequence log-probability that note 000's `compute_log_prob` means to
  /// return; its code returns the *mean* cross-entropy over the whole output (prompt
  /// included), which has the opposite sign and ignores the completion's length (see
  /// ``Errata/note000SequenceScore(of:after:model:)``).
  ///
  /// - Parameters:
  ///   - completion: $y$, the tokens after the prompt (end with the boundary to score a
  ///     finished word, leave it off to score a prefix).
  ///   - prompt: $x$, at least one token (a word's prompt starts with the boundary).
  ///   - mode: `.mean` for the trained network, `.sample` for one dropout pass.
  ///   - rng: the generator for the masks.
  public func logProbability(
    of completion: [Int], after prompt: [Int], mode: WeightMode = .mean,
    using rng: inout Generator
  ) -> Double {
    precondition(!prompt.isEmpty, "CharacterTransformer.logProbability: empty prompt")
    guard !completion.isEmpty else { return 0 }
    let inputs = prompt + completion.dropLast()
    let rows = nextTokenProbabilities([inputs], mode: mode, using: &rng)[0]
    return completion.enumerated().reduce(0) { total, step in
      total + Foundation.log(rows[prompt.count - 1 + step.offset, step.element])
    }
  }

  /// A completion of `prompt` drawn token by token until the boundary token or the
  /// context is full.
  ///
  /// - Parameters:
  ///   - prompt: the tokens to continue, at least one.
  ///   - sampler: how each next token is drawn from the model's distribution.
  ///   - mode: `.mean` for the trained network; `.sample` redraws dropout masks at every
  ///     step.
  ///   - rng: the generator.
  /// - Returns: the drawn tokens, the final boundary included when one was drawn.
  public func complete(
    _ prompt: [Int], sampler: NucleusSampler, mode: WeightMode = .mean,
    using rng: inout Generator
  ) -> [Int] {
    precondition(
      !prompt.isEmpty && prompt.count <= contextLength,
      "CharacterTransformer.complete: prompt length must be in 1...\(contextLength)")
    var tokens = prompt
    while tokens.count <= contextLength {
      let rows = nextTokenProbabilities([tokens], mode: mode, using: &rng)[0]
      let next = sampler.sample(from: rows.row(tokens.count - 1).storage, using: &rng)
      tokens.append(next)
      if next == CharacterVocabulary.boundary || tokens.count == contextLength + 1 { break }
    }
    return Array(tokens[prompt.count...])
  }
}

extension CharacterTransformer: MinibatchObjective {
  /// The mean next-token cross-entropy (nats per predicted token) of a minibatch of
  /// words from ``wordDataset(_:vocabulary:contextLength:)``, with dropout on.
  ///
  /// - Parameters:
  ///   - batch: rows of framed tokens, padded; the labels are the number of predicted
  ///     tokens per row.
  ///   - datasetSize: not used (no prior term: the network is fitted by maximum
  ///     likelihood with dropout, as note 000 trains its Transformer).
  ///   - rng: the generator for the dropout masks.
  public func loss(on batch: Dataset, datasetSize: Int, using rng: inout Generator)
    -> MinibatchLoss
  {
    let width = batch.inputs.columns - 1
    let rows = (0..<batch.count).map { i in (0..<(width + 1)).map { Int(batch.inputs[i, $0]) } }
    let counts = batch.targets.labels
    let tape = Tape()
    let all = logits(rows.map { Array($0.dropLast()) }, mode: .sample, on: tape, using: &rng)
    var picked = [Int]()
    var targets = [Int]()
    for (b, row) in rows.enumerated() {
      for t in 0..<counts[b] {
        picked.append(b * width + t)
        targets.append(row[t + 1])
      }
    }
    let loss = softmaxCrossEntropy(logits: all.gatheringRows(picked), labels: targets)
    return MinibatchLoss(total: loss, negativeLogLikelihood: loss.value.scalarValue, regulariser: 0)
  }

  /// Words as a training set: each row holds a word's framed tokens
  /// $\langle b\rangle w_1 \dots w_n \langle b\rangle$ padded with boundaries to
  /// `contextLength + 1` entries, and its label is $n + 1$, the number of tokens the model
  /// predicts for it.
  ///
  /// - Parameters:
  ///   - words: words of at most `contextLength - 1` characters.
  ///   - vocabulary: the tokens.
  ///   - contextLength: the model's context length.
  /// - Throws: ``VocabularyError`` for a character outside the alphabet.
  public static func wordDataset(
    _ words: [String], vocabulary: CharacterVocabulary, contextLength: Int
  ) throws -> Dataset {
    var storage = [Double]()
    var counts = [Int]()
    for word in words {
      let framed = try vocabulary.framedTokens(of: word)
      precondition(
        framed.count <= contextLength + 1,
        "CharacterTransformer.wordDataset: \"\(word)\" is longer than the context")
      storage += (framed + Array(repeating: 0, count: contextLength + 1 - framed.count)).map(
        Double.init)
      counts.append(framed.count - 1)
    }
    return Dataset(
      inputs: Matrix(rows: words.count, columns: contextLength + 1, storage: storage),
      targets: .classes(counts))
  }
}
