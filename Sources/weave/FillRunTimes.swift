import ArgumentParser
import Foundation
import Weaving

/// `weave run-times`: fills the run times a page quotes from each chapter's last run.
struct FillRunTimes: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run-times",
    abstract: "Fill in the chapters' run times a Markdown page quotes, from their timings.json.",
    discussion: """
      Each time stands between <!-- run time: NN-slug --> and <!-- /run time -->; it is \
      replaced by the total of Chapters/NN-slug/timings.json (`all` is --all, or else the \
      sum over the chapters). The page is rewritten only \
      if every time could be filled in.
      """)

  @Argument(help: "The page, e.g. README.md.")
  var page: String

  @Option(help: "The folder of the chapters.")
  var chapters = "Chapters"

  @Option(
    help: """
      The seconds all the chapters took together (`make` runs two at a time), for `all`; \
      without it, `all` is the sum of the chapters' times.
      """)
  var all: Double?

  func run() throws {
    let text = try PageOptions.read(page, as: "page")
    let folder = URL(fileURLWithPath: chapters)
    let names =
      (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    var totals = [String: Double]()
    for name in names {
      let url = folder.appendingPathComponent(name).appendingPathComponent("timings.json")
      if let total = RunTimes.total(inTimingsAt: url) { totals[name] = total }
    }
    // The course as a whole, for the README's time estimate of `make`.
    if let all {
      guard all.isFinite, all > 0 else { throw WeaveFailure("--all: not a positive time: \(all)") }
      totals[RunTimes.allChapters] = all
    } else if !totals.isEmpty {
      totals[RunTimes.allChapters] = totals.values.reduce(0, +)
    }
    let filled: String
    do {
      filled = try RunTimes.filling(text, totals: totals)
    } catch {
      throw WeaveFailure("\(page): \(error)")
    }
    guard filled != text else { return }
    do {
      try Data(filled.utf8).write(to: URL(fileURLWithPath: page), options: .atomic)
    } catch {
      throw WeaveFailure("\(page): cannot write it: \(error.localizedDescription)")
    }
  }
}
