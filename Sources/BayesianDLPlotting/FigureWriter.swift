import BayesianDL
import Foundation

/// Why a figure could not be saved or rendered.
public enum FigureError: Error, CustomStringConvertible {
  /// The figures directory could not be created or written.
  case cannotWrite(path: String, reason: String)
  /// gnuplot ran but reported an error.
  case gnuplotFailed(script: String, status: Int32, message: String)

  /// A sentence for the learner.
  public var description: String {
    switch self {
    case .cannotWrite(let path, let reason): return "cannot write \(path): \(reason)"
    case .gnuplotFailed(let script, let status, let message):
      return "gnuplot failed on \(script) (exit \(status)): \(message)"
    }
  }
}

/// Saves figures of one chapter as `DIR/<chapter>-<name>.gp` and, when gnuplot is on
/// the PATH, renders `DIR/<chapter>-<name>.png`.
///
/// Both files are written atomically (to a temporary name, then renamed), so an
/// interrupted run never leaves half a figure. Without gnuplot the scripts are still
/// written and one message says how to install it.
public final class FigureWriter {
  /// The directory figures go to.
  public let directory: URL
  /// The chapter slug that prefixes every file name, e.g. `01-bnn-definition`.
  public let chapter: String
  /// The gnuplot executable, or nil if none is on the PATH.
  public let gnuplot: URL?
  /// Called before each figure is saved, with the PNG's file name, what a page says about
  /// it (its caption and alt text) and the call site of `save` (`#fileID` and `#line`).
  /// The course's pages use it to put each figure, captioned, under the code that drew
  /// it; nil does nothing.
  public var willSave: ((_ png: String, _ text: FigureText, _ file: String, _ line: Int) -> Void)?
  private var warnedAboutGnuplot = false

  /// Creates the writer and the directory.
  ///
  /// - Parameters:
  ///   - directory: where figures go (created if missing).
  ///   - chapter: the prefix of every file name.
  /// - Throws: ``FigureError/cannotWrite(path:reason:)`` if the directory cannot be made.
  public init(directory: String, chapter: String) throws {
    self.directory = URL(fileURLWithPath: directory, isDirectory: true)
    self.chapter = chapter
    self.gnuplot = FigureWriter.findExecutable("gnuplot")
    do {
      try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
    } catch {
      throw FigureError.cannotWrite(path: directory, reason: error.localizedDescription)
    }
  }

  /// Saves and renders one figure.
  ///
  /// It first calls ``willSave`` with the PNG's name, its caption and alt text, and the
  /// call site.
  ///
  /// - Parameters:
  ///   - figure: the plot.
  ///   - name: the figure's short name, e.g. `prior-functions`.
  ///   - caption: what the reader should see in it, one or two sentences (shown under
  ///     the figure on the page; Markdown and `$…$` maths allowed).
  ///   - width: image width in pixels.
  ///   - height: image height in pixels.
  ///   - file: the call site's file (for ``willSave``).
  ///   - line: the call site's line (for ``willSave``).
  /// - Returns: the path of the PNG, or of the script when gnuplot is missing.
  @discardableResult
  public func save(
    _ figure: Figure, name: String, caption: String? = nil, width: Int = 800, height: Int = 560,
    file: String = #fileID, line: Int = #line
  ) throws -> String {
    let base = "\(chapter)-\(name)"
    willSave?(base + ".png", FigureText(caption: caption, altText: figure.altText), file, line)
    return try write(
      GnuplotScript.script(for: figure, name: base, width: width, height: height), base: base)
  }

  /// Saves and renders a grid of panels.
  ///
  /// It first calls ``willSave`` with the PNG's name, its caption and alt text, and the
  /// call site.
  ///
  /// - Parameters:
  ///   - grid: the panels.
  ///   - name: the figure's short name.
  ///   - caption: what the reader should see in it (shown under the figure on the page).
  ///   - panelWidth: pixels per panel column.
  ///   - panelHeight: pixels per panel row.
  ///   - file: the call site's file (for ``willSave``).
  ///   - line: the call site's line (for ``willSave``).
  /// - Returns: the path of the PNG, or of the script when gnuplot is missing.
  @discardableResult
  public func save(
    _ grid: FigureGrid, name: String, caption: String? = nil, panelWidth: Int = 520,
    panelHeight: Int = 440, file: String = #fileID, line: Int = #line
  ) throws -> String {
    let base = "\(chapter)-\(name)"
    willSave?(base + ".png", FigureText(caption: caption, altText: grid.altText), file, line)
    return try write(
      GnuplotScript.script(for: grid, name: base, panelWidth: panelWidth, panelHeight: panelHeight),
      base: base)
  }

  private func write(_ script: String, base: String) throws -> String {
    let scriptURL = directory.appendingPathComponent("\(base).gp")
    try FigureWriter.atomicWrite(script, to: scriptURL)
    guard let gnuplot else {
      if !warnedAboutGnuplot {
        warnedAboutGnuplot = true
        print(
          "note: gnuplot is not installed, so only the scripts were written (\(scriptURL.path)). Install it with `sudo apt-get install gnuplot-nox` (Debian/Ubuntu) or `brew install gnuplot` (macOS), then run `make`."
        )
      }
      return scriptURL.path
    }
    let pngURL = directory.appendingPathComponent("\(base).png")
    let temporary = directory.appendingPathComponent(".\(base).png.tmp")
    let process = Process()
    process.executableURL = gnuplot
    process.currentDirectoryURL = directory
    process.arguments = [
      "-e", "outfile='\(temporary.lastPathComponent)'", scriptURL.lastPathComponent,
    ]
    let errors = Pipe()
    process.standardError = errors
    process.standardOutput = FileHandle.nullDevice
    do { try process.run() } catch {
      throw FigureError.gnuplotFailed(script: scriptURL.path, status: -1, message: "\(error)")
    }
    let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      try? FileManager.default.removeItem(at: temporary)
      throw FigureError.gnuplotFailed(
        script: scriptURL.path, status: process.terminationStatus,
        message: message.trimmingCharacters(in: .whitespacesAndNewlines))
    }
    try FigureWriter.replace(pngURL, with: temporary)
    return pngURL.path
  }

  /// Writes `text` to a temporary file beside `url` and renames it into place.
  static func atomicWrite(_ text: String, to url: URL) throws {
    let temporary = url.deletingLastPathComponent().appendingPathComponent(
      ".\(url.lastPathComponent).tmp")
    do {
      try Data(text.utf8).write(to: temporary)
    } catch {
      throw FigureError.cannotWrite(path: url.path, reason: error.localizedDescription)
    }
    try replace(url, with: temporary)
  }

  private static func replace(_ url: URL, with temporary: URL) throws {
    if rename(temporary.path, url.path) != 0 {
      throw FigureError.cannotWrite(path: url.path, reason: String(cString: strerror(errno)))
    }
  }

  /// The first executable called `name` on the PATH.
  static func findExecutable(_ name: String) -> URL? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for dir in path.split(separator: ":") {
      let candidate = URL(fileURLWithPath: String(dir)).appendingPathComponent(name)
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    }
    return nil
  }
}

extension FigureWriter {
  /// Saves a grid of panels under exactly the name given — `DIR/NAME.png`, with its script
  /// beside it as `DIR/NAME.gp` — for a tool whose user chooses the file, where
  /// ``save(_:name:panelWidth:panelHeight:)`` prefixes a chapter's name.
  ///
  /// Unlike that method it prints nothing when gnuplot is missing: it writes the script
  /// only and returns its path, and the caller says how to install gnuplot where its
  /// output allows (a tool that prints JSON must not mix a note into it).
  ///
  /// - Parameters:
  ///   - grid: the panels.
  ///   - path: the PNG to write; the directory is created if missing.
  ///   - panelWidth: pixels per panel column.
  ///   - panelHeight: pixels per panel row.
  /// - Returns: the path of the PNG, or of the script when gnuplot is not on the PATH.
  /// - Throws: ``FigureError`` if a file cannot be written or gnuplot fails.
  @discardableResult
  public static func save(
    _ grid: FigureGrid, toPNG path: String, panelWidth: Int = 520, panelHeight: Int = 440
  ) throws -> String {
    let url = URL(fileURLWithPath: path)
    let base = url.deletingPathExtension().lastPathComponent
    let writer = try FigureWriter(directory: url.deletingLastPathComponent().path, chapter: base)
    let script = GnuplotScript.script(
      for: grid, name: base, panelWidth: panelWidth, panelHeight: panelHeight)
    if writer.gnuplot == nil {
      let scriptURL = writer.directory.appendingPathComponent("\(base).gp")
      try atomicWrite(script, to: scriptURL)
      return scriptURL.path
    }
    return try writer.write(script, base: base)
  }
}
