/// The course as a static website: one HTML page per Markdown page (the README's course
/// map as the home page, each chapter's woven page), with the maths rendered by KaTeX and
/// the code highlighted by highlight.js, both copied into the site so that it works
/// offline.
///
/// The Markdown is turned into HTML by `cmark-gfm`, GitHub's own converter, so the page
/// reads as it does on GitHub: the maths arrives in GitHub's two forms (`` $`…`$ ``, which
/// becomes `$<code>…</code>$`, and ` ```math ` blocks), and ``script`` renders both in the
/// browser. The same script records on the page's `<body>` what a checker needs to know
/// (formulas rendered or not, images loaded or not): see ``checkAttribute``.
public enum SitePage {
  /// One link of the bar at the top of every page.
  public struct Link: Equatable, Sendable {
    /// What the reader sees.
    public var title: String
    /// Where it goes, relative to the page.
    public var href: String

    /// Creates a link.
    public init(title: String, href: String) {
      self.title = title
      self.href = href
    }
  }

  /// The attribute of `<body>` in which ``script`` leaves its findings, as JSON:
  /// `{"formulas": N, "unrendered": [...], "images": N, "missingImages": [...]}`.
  public static let checkAttribute = "data-site-check"

  /// The complete HTML document of a page.
  ///
  /// - Parameters:
  ///   - title: the page's title (the `<title>` element).
  ///   - body: the page's HTML, as `cmark-gfm` made it.
  ///   - root: the path from the page to the site's root, `""` or ending in `/`.
  ///   - navigation: the links of the bar at the top.
  /// - Returns: the document, ending in one newline.
  public static func document(title: String, body: String, root: String, navigation: [Link])
    -> String
  {
    let bar = navigation.map { "<a href=\"\(escaped($0.href))\">\(escaped($0.title))</a>" }
      .joined(separator: " · ")
    return """
      <!DOCTYPE html>
      <html lang="en">
      <head>
      <meta charset="utf-8">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <title>\(escaped(title))</title>
      <link rel="stylesheet" href="\(root)assets/katex/katex.min.css">
      <link rel="stylesheet" href="\(root)assets/highlight/default.min.css">
      <link rel="stylesheet" href="\(root)assets/site.css">
      <script defer src="\(root)assets/katex/katex.min.js"></script>
      <script defer src="\(root)assets/highlight/highlight.min.js"></script>
      <script defer src="\(root)assets/site.js"></script>
      </head>
      <body>
      <nav>\(bar)</nav>
      <main>
      \(linkingHTMLPages(body))
      </main>
      </body>
      </html>

      """
  }

  /// The text of a Markdown page's first `# ` heading, or nil.
  ///
  /// - Parameter markdown: the page.
  public static func title(ofMarkdown markdown: String) -> String? {
    for line in markdown.split(separator: "\n") where line.hasPrefix("# ") {
      return String(line.dropFirst(2))
    }
    return nil
  }

  /// `html` with its relative links to Markdown pages pointed at the site's HTML pages:
  /// `X/README.md` and `X/` become `X/index.html`, any other `Y.md` becomes `Y.html`.
  /// Links with a scheme (`https:`) or to anchors are left as they are.
  ///
  /// - Parameter html: a page's HTML.
  public static func linkingHTMLPages(_ html: String) -> String {
    var result = ""
    var rest = Substring(html)
    let opening = "href=\""
    while let start = rest.range(of: opening) {
      result += rest[..<start.upperBound]
      rest = rest[start.upperBound...]
      guard let end = rest.firstIndex(of: "\"") else { break }
      result += siteTarget(String(rest[..<end]))
      rest = rest[end...]
    }
    return result + rest
  }

  /// Where a relative link to a Markdown page or a folder goes on the site.
  static func siteTarget(_ href: String) -> String {
    if href.contains(":") || href.hasPrefix("#") || href.isEmpty { return href }
    let (path, anchor) =
      href.firstIndex(of: "#").map { (String(href[..<$0]), String(href[$0...])) } ?? (href, "")
    if path.hasSuffix("README.md") { return String(path.dropLast(9)) + "index.html" + anchor }
    if path.hasSuffix(".md") { return String(path.dropLast(3)) + ".html" + anchor }
    if path.hasSuffix("/") { return path + "index.html" + anchor }
    return href
  }

  /// `text` safe inside HTML text and attribute values.
  static func escaped(_ text: String) -> String {
    var out = ""
    for character in text {
      switch character {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      default: out.append(character)
      }
    }
    return out
  }

  /// The site's stylesheet: a readable column, code and output told apart.
  public static let stylesheet = """
    body { margin: 0; font: 17px/1.6 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2328; }
    nav { padding: 0.6em 1.2em; background: #f6f8fa; border-bottom: 1px solid #d0d7de; font-size: 15px; }
    main { max-width: 920px; margin: 0 auto; padding: 1em 1.2em 4em; }
    img { max-width: 100%; height: auto; }
    pre { background: #f6f8fa; padding: 0.8em; overflow-x: auto; border-radius: 6px; font-size: 14px; }
    pre code.language-text { color: #444; }
    pre code.hljs { background: transparent; padding: 0; }
    sub { color: #57606a; }
    table { border-collapse: collapse; }
    td, th { border: 1px solid #d0d7de; padding: 0.3em 0.6em; vertical-align: top; }
    .katex-display { overflow-x: auto; overflow-y: hidden; }
    details > summary { cursor: pointer; color: #0969da; }
    """

  /// The site's script: renders the maths in GitHub's two forms with KaTeX, highlights
  /// the Swift code, and once the page has loaded records in ``checkAttribute`` how many
  /// formulas there were, which were left unrendered, and which images did not load.
  public static let script = """
    "use strict";
    document.addEventListener("DOMContentLoaded", () => {
      const unrendered = [];
      let formulas = 0;
      const render = (tex, element, display) => {
        formulas += 1;
        try {
          katex.render(tex, element, { displayMode: display, throwOnError: true });
        } catch (error) {
          unrendered.push(tex);
          element.textContent = tex;
        }
      };
      // Inline maths: cmark-gfm turns $`tex`$ into "$" <code>tex</code> "$".
      for (const code of Array.from(document.querySelectorAll("code"))) {
        if (code.parentElement.tagName === "PRE") continue;
        const before = code.previousSibling, after = code.nextSibling;
        if (before && before.nodeType === Node.TEXT_NODE && before.textContent.endsWith("$")
            && after && after.nodeType === Node.TEXT_NODE && after.textContent.startsWith("$")) {
          const span = document.createElement("span");
          render(code.textContent, span, false);
          before.textContent = before.textContent.slice(0, -1);
          after.textContent = after.textContent.slice(1);
          code.replaceWith(span);
        }
      }
      // Display maths: a ```math block.
      for (const code of Array.from(document.querySelectorAll("pre > code.language-math"))) {
        const div = document.createElement("div");
        render(code.textContent, div, true);
        code.parentElement.replaceWith(div);
      }
      // Maths GitHub would not render either: plain $…$ left in the text.
      const walker = document.createTreeWalker(document.querySelector("main"), NodeFilter.SHOW_TEXT);
      while (walker.nextNode()) {
        const node = walker.currentNode;
        if (node.parentElement.closest("pre, code, .katex")) continue;
        const match = node.textContent.match(/\\$[^\\s$][^$]*\\$/);
        if (match) unrendered.push(match[0]);
      }
      // A math block the loop above did not reach (another converter's markup).
      for (const block of document.querySelectorAll("pre[lang=math], code.language-math")) {
        unrendered.push(block.textContent);
      }
      if (window.hljs) {
        for (const code of document.querySelectorAll("pre > code.language-swift")) hljs.highlightBlock(code);
      }
      window.addEventListener("load", () => {
        const images = Array.from(document.images);
        const missingImages = images.filter(i => !i.complete || i.naturalWidth === 0)
          .map(i => i.getAttribute("src"));
        document.body.setAttribute("\(checkAttribute)", JSON.stringify(
          { formulas, unrendered, images: images.length, missingImages }));
      });
    });
    """
}
