extension Weaver {
  /// A figure as a page shows it: its PNG, what it shows (the image's alt text) and what
  /// to see in it (the caption under it).
  public struct FigureReference: Equatable, Sendable, ExpressibleByStringLiteral {
    /// The PNG's file name, e.g. `01-bnn-definition-prior-functions.png`.
    public var file: String
    /// What the figure shows, in words; nil for none.
    public var altText: String?
    /// What to see in it; nil for none.
    public var caption: String?

    /// Creates a reference.
    ///
    /// - Parameters:
    ///   - file: the PNG's file name.
    ///   - altText: what the figure shows.
    ///   - caption: what to see in it.
    public init(file: String, altText: String? = nil, caption: String? = nil) {
      self.file = file
      self.altText = altText
      self.caption = caption
    }

    /// A reference to a PNG with no alt text and no caption.
    public init(stringLiteral file: String) { self.init(file: file) }

    /// The reference as a marker writes it: the file, then the alt text and the caption
    /// after tabs (each on one line, with no tab).
    var markerText: String {
      func flat(_ text: String?) -> String {
        (text ?? "").map { $0 == "\t" || $0.isNewline ? " " : String($0) }.joined()
      }
      guard altText != nil || caption != nil else { return file }
      return [file, flat(altText), flat(caption)].joined(separator: "\t")
    }

    /// Reads what ``markerText`` wrote; nil for an empty file name.
    init?(markerText: Substring) {
      let fields = markerText.split(separator: "\t", omittingEmptySubsequences: false)
      guard let file = fields.first, !file.isEmpty else { return nil }
      func field(_ k: Int) -> String? {
        k < fields.count && !fields[k].isEmpty ? String(fields[k]) : nil
      }
      self.init(file: String(file), altText: field(1), caption: field(2))
    }
  }
}
