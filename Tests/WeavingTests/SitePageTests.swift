import Testing

@testable import Weaving

/// The website's pages: links to Markdown pages point at the HTML pages, and the frame
/// loads the assets from the site's root.
@Suite struct SitePageTests {
  @Test func linksToMarkdownPagesAndFoldersPointAtTheHTMLPages() {
    #expect(
      SitePage.siteTarget("Chapters/01-bnn-definition/") == "Chapters/01-bnn-definition/index.html")
    #expect(SitePage.siteTarget("Data/README.md") == "Data/index.html")
    #expect(SitePage.siteTarget("ARCHITECTURE.md#tests") == "ARCHITECTURE.html#tests")
    #expect(SitePage.siteTarget("main.swift") == "main.swift")
    #expect(SitePage.siteTarget("https://swift.org/install") == "https://swift.org/install")
    #expect(SitePage.siteTarget("#section") == "#section")
    #expect(
      SitePage.linkingHTMLPages(#"<a href="ARCHITECTURE.md">a</a> <img src="x.png">"#)
        == #"<a href="ARCHITECTURE.html">a</a> <img src="x.png">"#)
  }

  @Test func theDocumentLoadsItsAssetsFromTheRootAndEscapesItsTitle() {
    let page = SitePage.document(
      title: "1. A & B", body: "<p>hi</p>", root: "../../",
      navigation: [.init(title: "Course home", href: "../../index.html")])
    #expect(page.contains("<title>1. A &amp; B</title>"))
    #expect(page.contains(#"src="../../assets/katex/katex.min.js""#))
    #expect(page.contains(#"<nav><a href="../../index.html">Course home</a></nav>"#))
    #expect(page.contains("<main>\n<p>hi</p>\n</main>"))
  }

  @Test func theTitleIsTheFirstTopLevelHeading() {
    #expect(
      SitePage.title(ofMarkdown: "<!-- x -->\n# 3. Bayes by Backprop\n## a")
        == "3. Bayes by Backprop")
    #expect(SitePage.title(ofMarkdown: "## only second level") == nil)
  }
}
