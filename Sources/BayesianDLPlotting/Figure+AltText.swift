/// The alt text of a figure: what it shows, in words, for a reader who cannot see it
/// (and for the page's image link). Built from what the figure already names — its
/// title, its axes and its legend — so that it stays true when the figure changes.
extension Figure {
  /// "TITLE: Y against X (a, b, c)", the legend's entries in brackets when there are
  /// any, and "as a map" for a heat map.
  public var altText: String {
    var text = title.isEmpty ? "" : title + ": "
    text += "\(yLabel) against \(xLabel)"
    if series.contains(where: { if case .heatmap = $0 { true } else { false } }) {
      text += ", as a map" + (colorBarLabel.map { " of \($0)" } ?? "")
    }
    let entries = series.compactMap(\.legendTitle)
    if !entries.isEmpty { text += " (" + entries.joined(separator: ", ") + ")" }
    return text
  }
}

extension FigureGrid {
  /// "TITLE, in N panels: the first panel's alt text; the second's; …".
  public var altText: String {
    let head = (title.map { $0 + ", in " } ?? "") + "\(panels.count) panels: "
    return head + panels.map(\.altText).joined(separator: "; ")
  }
}

extension Series {
  /// The series' legend entry, if it has one.
  var legendTitle: String? {
    switch self {
    case .line(_, _, let title, _, _, _), .points(_, _, let title, _, _, _),
      .intervals(_, _, _, _, let title, _, _),
      .band(_, _, _, let title, _), .contour(_, _, _, _, let title, _),
      .bars(_, _, _, let title, _):
      return title
    case .heatmap: return nil
    }
  }
}
