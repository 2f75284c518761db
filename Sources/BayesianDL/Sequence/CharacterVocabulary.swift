/// The tokens of a character-level language model: one boundary token that marks both
/// the start and the end of a word, then one token per character of an alphabet.
///
/// A word $w_1\dots w_n$ becomes the tokens $\langle b\rangle\,w_1\dots w_n\,\langle b\rangle$:
/// the model reads the first boundary as "a word starts" and predicts the second as
/// "the word is over", so a word's probability includes where it stops.
public struct CharacterVocabulary: Equatable, Sendable {
  /// The characters, in token order (token $k + 1$ is `characters[k]`).
  public let characters: [Character]
  /// The token of the word boundary.
  public static let boundary = 0
  /// How the boundary is printed.
  public static let boundaryCharacter: Character = "."

  /// Creates a vocabulary.
  ///
  /// - Parameter alphabet: the characters, each once, not containing the boundary
  ///   character `.`.
  public init(alphabet: String) {
    precondition(
      Set(alphabet).count == alphabet.count, "CharacterVocabulary: repeated characters")
    precondition(
      !alphabet.contains(Self.boundaryCharacter), "CharacterVocabulary: '.' is the boundary")
    characters = Array(alphabet)
  }

  /// The number of tokens, the boundary included.
  public var count: Int { characters.count + 1 }

  /// The tokens of `word` framed by boundaries, $\langle b\rangle w_1\dots w_n\langle b\rangle$.
  ///
  /// - Parameter word: characters of the alphabet.
  /// - Throws: ``VocabularyError`` at the first character outside the alphabet.
  public func framedTokens(of word: String) throws -> [Int] {
    [Self.boundary] + (try tokens(of: word)) + [Self.boundary]
  }

  /// The tokens of the characters of `text`, with no boundaries.
  ///
  /// - Parameter text: characters of the alphabet.
  /// - Throws: ``VocabularyError`` at the first character outside the alphabet.
  public func tokens(of text: String) throws -> [Int] {
    try text.map { c in
      guard let k = characters.firstIndex(of: c) else {
        throw VocabularyError.unknownCharacter(c, in: text)
      }
      return k + 1
    }
  }

  /// The text of tokens, the boundary shown as `.`.
  ///
  /// - Parameter tokens: token indices in `0..<count`.
  public func text(of tokens: [Int]) -> String {
    String(tokens.map { $0 == Self.boundary ? Self.boundaryCharacter : characters[$0 - 1] })
  }
}

/// A string that a ``CharacterVocabulary`` cannot encode.
public enum VocabularyError: Error, Equatable, CustomStringConvertible {
  /// `character` is not in the alphabet.
  case unknownCharacter(Character, in: String)

  /// A sentence for the learner.
  public var description: String {
    switch self {
    case .unknownCharacter(let c, let text):
      return "the character '\(c)' in \"\(text)\" is not in the model's alphabet"
    }
  }
}
