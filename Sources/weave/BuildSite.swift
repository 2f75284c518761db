import ArgumentParser
import Foundation
import Weaving

/// `weave site`: the course as a static website, from the committed pages.
struct BuildSite: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "site",
    abstract: "Build the course's website (the README and every chapter's page) into a folder.",
    discussion: """
      Each Markdown page becomes an HTML page: README.md the home page, \
      Chapters/NN-slug/README.md the chapter's page (its main.swift beside it), \
      ARCHITECTURE.md and Data/README.md as they are linked. The figures are copied, and \
      KaTeX and highlight.js are copied from Debian's libjs-katex and libjs-highlight.js, \
      so the site works offline. The Markdown is converted by cmark-gfm. The site is built \
      in a new folder and moved into place only when complete. The API reference (DocC) \
      is added by `make site` under api/.
      """)

  @Option(help: "Where to write the site.")
  var output = "Site"

  @Option(help: "The folder of KaTeX (katex.min.js, katex.min.css, fonts/).")
  var katex = "/usr/share/javascript/katex"

  @Option(help: "The folder of highlight.js (highlight.min.js or highlight.js, styles/).")
  var highlight = "/usr/share/javascript/highlight.js"

  func run() throws {
    let manager = FileManager.default
    guard let cmark = Self.executable("cmark-gfm") else {
      throw WeaveFailure(
        "cmark-gfm is not on the PATH: install it with  sudo apt-get install -y cmark-gfm  (make site does this when run as root)"
      )
    }
    for (folder, package) in [(katex, "libjs-katex"), (highlight, "libjs-highlight.js")]
    where !manager.fileExists(atPath: folder) {
      throw WeaveFailure(
        "\(folder) does not exist: install it with  sudo apt-get install -y \(package)")
    }
    let chapters = try Self.chapters()
    let final = URL(fileURLWithPath: output, isDirectory: true)
    let building = final.deletingLastPathComponent().appendingPathComponent(
      ".\(final.lastPathComponent)-building-\(UUID().uuidString)")
    defer { try? manager.removeItem(at: building) }
    do {
      try manager.createDirectory(at: building, withIntermediateDirectories: true)
      try copyAssets(into: building)
      try copy("Figures", to: building.appendingPathComponent("Figures"))
      try copy("LICENSE", to: building.appendingPathComponent("LICENSE"))
      for image in try Self.localImages(in: "README.md") where !image.hasPrefix("Figures/") {
        try copy(image, to: building.appendingPathComponent(image))
      }
    } catch let failure as WeaveFailure {
      throw failure
    } catch {
      throw WeaveFailure("writing \(building.path): \(error.localizedDescription)")
    }
    let home = SitePage.Link(title: "Course home", href: "index.html")
    let api = SitePage.Link(
      title: "BayesianDL API", href: "api/documentation/bayesiandl/index.html")
    try page(
      "README.md", to: "index.html", in: building, cmark: cmark, navigation: [home, api])
    try page(
      "ARCHITECTURE.md", to: "ARCHITECTURE.html", in: building, cmark: cmark,
      navigation: [home, api])
    try page(
      "Data/README.md", to: "Data/index.html", in: building, cmark: cmark,
      navigation: [home, api])
    for (k, chapter) in chapters.enumerated() {
      var links = [home]
      if k > 0 {
        links.append(.init(title: "← \(chapters[k - 1])", href: "Chapters/\(chapters[k - 1])/"))
      }
      if k + 1 < chapters.count {
        links.append(.init(title: "\(chapters[k + 1]) →", href: "Chapters/\(chapters[k + 1])/"))
      }
      links.append(api)
      let folder = "Chapters/\(chapter)"
      try page(
        "\(folder)/README.md", to: "\(folder)/index.html", in: building, cmark: cmark,
        navigation: links)
      try copy("\(folder)/main.swift", to: building.appendingPathComponent("\(folder)/main.swift"))
    }
    // Keep an API reference already built into the old site (make site rebuilds it after).
    let oldAPI = final.appendingPathComponent("api")
    if manager.fileExists(atPath: oldAPI.path) {
      try? manager.moveItem(at: oldAPI, to: building.appendingPathComponent("api"))
    }
    do {
      if manager.fileExists(atPath: final.path) { try manager.removeItem(at: final) }
      try manager.moveItem(at: building, to: final)
    } catch {
      throw WeaveFailure("moving the site into \(final.path): \(error.localizedDescription)")
    }
    print("site: \(chapters.count + 3) pages in \(final.path)")
  }

  /// The chapters in order: the folders of `Chapters/` with a woven page.
  static func chapters() throws -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: "Chapters")) ?? []
    let chapters = names.filter {
      $0.first?.isNumber == true
        && FileManager.default.fileExists(atPath: "Chapters/\($0)/README.md")
    }.sorted()
    guard !chapters.isEmpty else {
      throw WeaveFailure("no chapter pages in Chapters/ (run from the repository's root)")
    }
    return chapters
  }

  /// Converts one Markdown page and writes it, in the site's frame, at `target`; the
  /// navigation links are relative to the site's root.
  func page(
    _ source: String, to target: String, in site: URL, cmark: URL, navigation: [SitePage.Link]
  ) throws {
    let markdown = try PageOptions.read(source, as: "page")
    let body = try Self.html(markdown, cmark: cmark, source: source)
    let depth = target.split(separator: "/").count - 1
    let root = String(repeating: "../", count: depth)
    // The links are given from the site's root; the page is `depth` folders down.
    let links = navigation.map { SitePage.Link(title: $0.title, href: root + $0.href) }
    let document = SitePage.document(
      title: SitePage.title(ofMarkdown: markdown) ?? source, body: body, root: root,
      navigation: links)
    let url = site.appendingPathComponent(target)
    do {
      try FileManager.default.createDirectory(
        at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try Data(document.utf8).write(to: url)
    } catch {
      throw WeaveFailure("writing \(url.path): \(error.localizedDescription)")
    }
  }

  /// GitHub-flavoured Markdown to HTML by cmark-gfm (tables, autolinks, strikethrough;
  /// raw HTML kept, as GitHub keeps `<details>`, `<sub>` and `<img>`).
  static func html(_ markdown: String, cmark: URL, source: String) throws -> String {
    let process = Process()
    process.executableURL = cmark
    process.arguments = [
      "--unsafe", "-e", "table", "-e", "autolink", "-e", "strikethrough",
    ]
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    do { try process.run() } catch {
      throw WeaveFailure("cannot run \(cmark.path): \(error.localizedDescription)")
    }
    // Write on another thread so that a large page cannot fill both pipes at once.
    let writer = Thread {
      input.fileHandleForWriting.write(Data(markdown.utf8))
      try? input.fileHandleForWriting.close()
    }
    writer.start()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw WeaveFailure("\(source): cmark-gfm failed with status \(process.terminationStatus)")
    }
    return String(decoding: data, as: UTF8.self)
  }

  /// KaTeX, highlight.js, the site's stylesheet and script, under `assets/`.
  func copyAssets(into site: URL) throws {
    let assets = site.appendingPathComponent("assets")
    try copy(katex, to: assets.appendingPathComponent("katex"))
    let highlightFolder = assets.appendingPathComponent("highlight")
    try FileManager.default.createDirectory(at: highlightFolder, withIntermediateDirectories: true)
    let script = ["highlight.min.js", "highlight.js"].map { "\(highlight)/\($0)" }
      .first { FileManager.default.fileExists(atPath: $0) }
    let style = ["styles/default.min.css", "styles/default.css"].map { "\(highlight)/\($0)" }
      .first { FileManager.default.fileExists(atPath: $0) }
    guard let script, let style else {
      throw WeaveFailure("\(highlight) has no highlight.js or no styles/default.css")
    }
    try copy(script, to: highlightFolder.appendingPathComponent("highlight.min.js"))
    try copy(style, to: highlightFolder.appendingPathComponent("default.min.css"))
    try Data(SitePage.stylesheet.utf8).write(to: assets.appendingPathComponent("site.css"))
    try Data(SitePage.script.utf8).write(to: assets.appendingPathComponent("site.js"))
  }

  /// The repository-relative paths of the PNG images a Markdown file shows, as `](…)`
  /// links or HTML `src="…"` attributes (not web addresses), so that the site can carry
  /// those outside `Figures/` too (the README's `bdl` examples).
  ///
  /// - Parameter file: the Markdown file, relative to the repository's root.
  static func localImages(in file: String) throws -> [String] {
    let text: String
    do {
      text = try String(contentsOfFile: file, encoding: .utf8)
    } catch {
      throw WeaveFailure("cannot read \(file): \(error.localizedDescription)")
    }
    var images = [String]()
    for opening in ["](", "src=\""] {
      for piece in text.components(separatedBy: opening).dropFirst() {
        let target = String(piece.prefix { $0 != ")" && $0 != "\"" && $0 != " " })
        if target.hasSuffix(".png") && !target.contains("://") && !images.contains(target) {
          images.append(target)
        }
      }
    }
    return images
  }

  /// Copies a file or a folder (following symbolic links, as Debian's packages use them).
  func copy(_ source: String, to target: URL) throws {
    let from = URL(fileURLWithPath: source).resolvingSymlinksInPath()
    guard FileManager.default.fileExists(atPath: from.path) else {
      throw WeaveFailure("cannot copy \(source) into the site: no such file")
    }
    do {
      try FileManager.default.createDirectory(
        at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
      try FileManager.default.copyItem(at: from, to: target)
    } catch {
      throw WeaveFailure("cannot copy \(source) into the site: \(error.localizedDescription)")
    }
  }

  /// The full path of a program on the PATH, or nil.
  static func executable(_ name: String) -> URL? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for folder in path.split(separator: ":") {
      let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent(name)
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    }
    return nil
  }
}
