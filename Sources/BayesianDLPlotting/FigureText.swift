/// What a page says about a figure: a caption that tells the reader what to see, and an
/// alt text that says what the figure shows (``Figure/altText``).
public struct FigureText: Equatable, Sendable {
  /// What to see, or nil for a figure the prose around it already explains.
  public var caption: String?
  /// What the figure shows, in words.
  public var altText: String

  /// Creates the text of a figure.
  ///
  /// - Parameters:
  ///   - caption: what to see, or nil.
  ///   - altText: what it shows.
  public init(caption: String?, altText: String) {
    self.caption = caption
    self.altText = altText
  }
}
