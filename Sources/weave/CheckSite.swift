import ArgumentParser
import Foundation
import Weaving

/// `weave site-check`: loads every page of the built site in headless Chromium and fails
/// if a formula is left unrendered or an image is missing.
struct CheckSite: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "site-check",
    abstract: "Check the built site in a real browser: every formula rendered, every image loaded.",
    discussion: """
      Loads the home page and each chapter's page in headless Chromium (Debian's \
      chromium), lets the page's script render the maths, and reads what it recorded: the \
      formulas it could not render and the images that did not load. Also checks that the \
      API reference was built, and writes a screenshot of one chapter page for a person to \
      look at. Exits with status 1 on any failure, naming the page and the problem.
      """)

  @Option(help: "The built site (make site).")
  var site = "Site"

  @Option(help: "Where to write the screenshot of a chapter page.")
  var screenshot = "Site/screenshot.png"

  @Option(help: "The chapter page to photograph.")
  var photograph = "02-mean-field-elbo"

  func run() throws {
    guard
      let browser = ["chromium", "chromium-browser", "google-chrome"].lazy
        .compactMap(BuildSite.executable).first
    else {
      throw WeaveFailure(
        "no Chromium on the PATH: install it with  sudo apt-get install -y chromium  (make site-check does this when run as root)"
      )
    }
    let root = URL(fileURLWithPath: site, isDirectory: true).standardizedFileURL
    guard FileManager.default.fileExists(atPath: root.appendingPathComponent("index.html").path)
    else {
      throw WeaveFailure("\(site)/index.html does not exist: build the site first (make site)")
    }
    let chapters =
      ((try? FileManager.default.contentsOfDirectory(
        atPath: root.appendingPathComponent("Chapters").path)) ?? []).filter {
        $0.first?.isNumber == true
      }.sorted()
    let pages = ["index.html"] + chapters.map { "Chapters/\($0)/index.html" }
    var failures = [String]()
    for page in pages {
      let dom = try Self.render(root.appendingPathComponent(page), browser: browser)
      switch Self.findings(inDOM: dom) {
      case .none:
        failures.append("\(page): the page's script did not finish (no \(SitePage.checkAttribute))")
      case .some(let found):
        let problems =
          found.unrendered.map { "formula not rendered: \($0)" }
          + found.missingImages.map { "image missing: \($0)" }
        failures += problems.map { "\(page): \($0)" }
        print(
          "\(page): \(found.formulas) formulas, \(found.images) images"
            + (problems.isEmpty ? ", all rendered" : ", \(problems.count) problems"))
      }
    }
    let api = root.appendingPathComponent("api/documentation/bayesiandl")
    if !FileManager.default.fileExists(atPath: api.path) {
      failures.append("api/: no API reference for BayesianDL (make site builds it)")
    }
    let photographed = root.appendingPathComponent("Chapters/\(photograph)/index.html")
    try Self.photograph(photographed, to: URL(fileURLWithPath: screenshot), browser: browser)
    print("screenshot: \(screenshot)")
    guard failures.isEmpty else {
      for failure in failures { FileHandle.standardError.write(Data("error: \(failure)\n".utf8)) }
      throw ExitCode(1)
    }
    print("site-check: \(pages.count) pages, every formula rendered and every image loaded")
  }

  /// What a page's script recorded.
  struct Findings: Equatable {
    var formulas: Int
    var unrendered: [String]
    var images: Int
    var missingImages: [String]
  }

  /// The findings recorded on the page's `<body>`, or nil if there are none.
  static func findings(inDOM dom: String) -> Findings? {
    let opening = "\(SitePage.checkAttribute)=\""
    guard let start = dom.range(of: opening),
      let end = dom[start.upperBound...].firstIndex(of: "\"")
    else { return nil }
    let json = String(dom[start.upperBound..<end])
      .replacingOccurrences(of: "&quot;", with: "\"")
      .replacingOccurrences(of: "&lt;", with: "<")
      .replacingOccurrences(of: "&gt;", with: ">")
      .replacingOccurrences(of: "&#39;", with: "'")
      .replacingOccurrences(of: "&amp;", with: "&")
    guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
    else { return nil }
    return Findings(
      formulas: object["formulas"] as? Int ?? 0,
      unrendered: object["unrendered"] as? [String] ?? [],
      images: object["images"] as? Int ?? 0,
      missingImages: object["missingImages"] as? [String] ?? [])
  }

  /// The page's DOM after its scripts ran, from headless Chromium.
  static func render(_ page: URL, browser: URL) throws -> String {
    try runBrowser(browser, ["--dump-dom", page.absoluteString], page: page)
  }

  /// A screenshot of the page.
  static func photograph(_ page: URL, to file: URL, browser: URL) throws {
    _ = try runBrowser(
      browser, ["--screenshot=\(file.path)", "--window-size=1200,1800", page.absoluteString],
      page: page)
  }

  /// Runs headless Chromium with `arguments` and returns its standard output; gives up
  /// after two minutes.
  static func runBrowser(_ browser: URL, _ arguments: [String], page: URL) throws -> String {
    let profile = FileManager.default.temporaryDirectory.appendingPathComponent(
      "site-check-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: profile) }
    let process = Process()
    process.executableURL = browser
    process.arguments =
      [
        "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
        "--allow-file-access-from-files", "--virtual-time-budget=20000",
        "--user-data-dir=\(profile.path)",
      ] + arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    do { try process.run() } catch {
      throw WeaveFailure("cannot run \(browser.path): \(error.localizedDescription)")
    }
    let timer = DispatchWorkItem { process.terminate() }
    DispatchQueue.global().asyncAfter(deadline: .now() + 120, execute: timer)
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    timer.cancel()
    guard process.terminationReason == .exit, process.terminationStatus == 0 else {
      throw WeaveFailure("\(page.path): Chromium failed or took over two minutes")
    }
    return String(decoding: data, as: UTF8.self)
  }
}
