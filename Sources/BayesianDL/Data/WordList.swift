import Foundation

/// A list of words read from a text file with one word per line — the training text of
/// the course's character-level language model (`/usr/share/dict/words`, from the Debian
/// package `wamerican`).
public enum WordList {
  /// The system word list the course trains on.
  public static let systemPath = "/usr/share/dict/words"

  /// The distinct words of the file made only of `alphabet`'s characters and of a length
  /// in `lengths`, in the file's order. Lines with other characters (capitals,
  /// apostrophes, accents) are skipped, not errors: a dictionary has many of them.
  ///
  /// - Parameters:
  ///   - path: the file.
  ///   - alphabet: the allowed characters.
  ///   - lengths: the allowed word lengths.
  /// - Throws: ``WordListError`` if the file is missing or unreadable, or no word passes.
  public static func read(path: String = systemPath, alphabet: String, lengths: ClosedRange<Int>)
    throws -> [String]
  {
    guard FileManager.default.fileExists(atPath: path) else {
      throw WordListError.missing(path: path)
    }
    guard let data = FileManager.default.contents(atPath: path),
      let text = String(data: data, encoding: .utf8)
    else { throw WordListError.unreadable(path: path) }
    let allowed = Set(alphabet)
    var seen = Set<String>()
    var words = [String]()
    for line in text.split(whereSeparator: \.isNewline) {
      let word = String(line)
      guard lengths.contains(word.count), word.allSatisfy(allowed.contains),
        seen.insert(word).inserted
      else { continue }
      words.append(word)
    }
    guard !words.isEmpty else { throw WordListError.noWords(path: path) }
    return words
  }
}

/// Why a word list could not be read.
public enum WordListError: Error, Equatable, CustomStringConvertible {
  /// The file does not exist.
  case missing(path: String)
  /// The file exists but is not readable UTF-8 text.
  case unreadable(path: String)
  /// No line of the file is a word of the allowed characters and lengths.
  case noWords(path: String)

  /// A sentence for the learner, with the fix.
  public var description: String {
    switch self {
    case .missing(let path) where path == WordList.systemPath:
      return
        "\(path) is missing: install the word list with  sudo apt-get install -y wamerican  (make does this when run as root)"
    case .missing(let path): return "the word list \(path) does not exist"
    case .unreadable(let path): return "the word list \(path) is not readable UTF-8 text"
    case .noWords(let path):
      return "the word list \(path) has no word of the allowed letters and lengths"
    }
  }
}
