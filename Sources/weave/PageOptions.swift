import ArgumentParser
import Weaving
import Foundation

/// The options both modes share: where the source, the page and the figures are.
struct PageOptions: ParsableArguments {
  @Option(
    help: "Where to write the page ('-' for standard output; default: README.md beside the source)."
  )
  var output: String?

  @Option(
    help: "The figures directory: the chapter writes its figures there, and the page links to them."
  )
  var figures = "Figures"

  @Option(
    help:
      "What goes before a figure's file name in a link (default: the path from the page to --figures)."
  )
  var linkPrefix: String?

  /// Reads a text file, failing with one clear line.
  ///
  /// - Parameters:
  ///   - path: the file.
  ///   - what: what it is, for the message (`source`, `log`).
  ///   - hint: a sentence added when the file does not exist.
  static func read(_ path: String, as what: String, hint: String = "") throws -> String {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw WeaveFailure("cannot read the \(what) \(path): no such file\(hint)")
    }
    guard !isDirectory.boolValue, let data = FileManager.default.contents(atPath: path) else {
      throw WeaveFailure(
        "cannot read the \(what) \(path): \(isDirectory.boolValue ? "a directory" : "not readable")"
      )
    }
    return String(decoding: data, as: UTF8.self)
  }

  /// The weaver for a chapter whose source is at `source`.
  ///
  /// - Parameters:
  ///   - chapter: the chapter's slug.
  ///   - source: the path of its `main.swift`.
  ///   - arguments: the run's arguments other than `--figures`, for the page's header.
  func weaver(chapter: String, source: String, arguments: [String]) -> Weaver {
    let page = pageURL(source: source).deletingLastPathComponent()
    let prefix =
      linkPrefix
      ?? Self.relativePath(from: page, to: URL(fileURLWithPath: figures, isDirectory: true))
    return Weaver(chapter: chapter, figureLinkPrefix: prefix, arguments: arguments)
  }

  /// Weaves the page and writes it to `--output`.
  ///
  /// - Parameters:
  ///   - weaver: the chapter's weaver.
  ///   - source: the path of the chapter's `main.swift`.
  ///   - sourceText: its contents.
  ///   - log: the chapter's marked output.
  func write(_ weaver: Weaver, source: String, sourceText: String, log: String) throws {
    let page: String
    do {
      page = try weaver.page(source: sourceText, log: log)
    } catch {
      throw WeaveFailure("cannot weave \(weaver.chapter): \(error)")
    }
    if output == "-" {
      print(page, terminator: "")
      return
    }
    let url = pageURL(source: source)
    do {
      try FileManager.default.createDirectory(
        at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try Data(page.utf8).write(to: url, options: .atomic)
    } catch {
      throw WeaveFailure("cannot write \(url.path): \(error.localizedDescription)")
    }
    print("wrote \(output ?? url.relativePath)")
  }

  /// The page's location: `--output`, or `README.md` beside the source (also when the
  /// page goes to standard output, for the links).
  private func pageURL(source: String) -> URL {
    if let output, output != "-" { return URL(fileURLWithPath: output) }
    return URL(fileURLWithPath: source).deletingLastPathComponent().appendingPathComponent(
      "README.md")
  }

  /// The relative path from directory `from` to directory `to`, ending in `/` (empty
  /// when they are the same).
  static func relativePath(from: URL, to: URL) -> String {
    let start = from.standardizedFileURL.pathComponents
    let target = to.standardizedFileURL.pathComponents
    let common = zip(start, target).prefix { $0 == $1 }.count
    let parts = Array(repeating: "..", count: start.count - common) + target[common...]
    return parts.isEmpty ? "" : parts.joined(separator: "/") + "/"
  }

}
