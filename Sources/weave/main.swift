import ArgumentParser

/// `weave`: a chapter's woven page, `Chapters/NN-slug/README.md`, from its source and the
/// output of a run with weave markers on.
struct Weave: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "weave",
    abstract: "Weave a chapter's prose, code, output and figures into its Markdown page.",
    discussion: """
      Run a chapter (with BDL_WEAVE_MARKERS=1, its figures written to --figures) and write \
      Chapters/<chapter>/README.md:

        weave run 01-bnn-definition
        weave run 01-bnn-definition --quick --figures /tmp/figs --output /tmp/pages/01.md

      Or weave output captured earlier (BDL_WEAVE_MARKERS=1 .build/release/01-bnn-definition > log):

        weave log Chapters/01-bnn-definition/main.swift log --output -
      """,
    subcommands: [RunChapter.self, FromLog.self, FillRunTimes.self, BuildSite.self, CheckSite.self])
}

/// A failure of the tool, reported as one line (`Error: …`) with exit status 1.
struct WeaveFailure: Error, CustomStringConvertible {
  /// What went wrong, as a sentence.
  let description: String

  init(_ description: String) { self.description = description }
}

Weave.main()
