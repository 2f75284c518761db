import Testing

@testable import Weaving

/// A figure's alt text and caption travel from the chapter to the page in its marker.
@Suite struct FigureReferenceTests {
  @Test func aFigureMarkerCarriesItsAltTextAndCaptionOnOneLine() throws {
    let figure = Weaver.FigureReference(
      file: "00-small-plot.png", altText: "y against x", caption: "The line\nrises.\tSee?")
    let text = Weaver.Marker(file: "small/main.swift", line: 7, figure: figure).text
    #expect(!text.contains("\n"))
    let read = try #require(Weaver.Marker(parsing: text))
    #expect(read.figure?.file == "00-small-plot.png")
    #expect(read.figure?.altText == "y against x")
    #expect(read.figure?.caption == "The line rises. See?")
    // A marker without either reads back as the bare file name.
    let bare = Weaver.Marker(file: "small/main.swift", line: 7, figure: "f.png")
    #expect(bare.text.hasSuffix(" figure f.png"))
    #expect(Weaver.Marker(parsing: bare.text) == bare)
  }

  @Test func thePageShowsTheAltTextAndTheCaptionUnderTheFigure() throws {
    let source = """
      /*: # Small */
      try figures.save(figure, name: "plot")
      """
    let figure = Weaver.FigureReference(
      file: "00-small-plot.png", altText: "risk [%] against $x$", caption: "It rises like $x^2$.")
    let log = Weaver.Marker(file: "small/main.swift", line: 2, figure: figure).text + "\n"
    let page = try Weaver(chapter: "00-small").page(source: source, log: log)
    #expect(page.contains("![risk  %  against $x$](../../Figures/00-small-plot.png)"))
    #expect(page.contains("**Figure.** It rises like $`x^2`$."))
  }
}
