import Weaving
import Foundation

/// Runs a chapter executable with weave markers on and captures its output.
enum ChapterProcess {
  /// Runs `executable` with `arguments` and `BDL_WEAVE_MARKERS=1`, and returns its
  /// standard output. Its standard error goes straight to the terminal when echoing to
  /// one (the chapter's progress lines), and is otherwise passed on after a successful
  /// run.
  ///
  /// - Parameters:
  ///   - chapter: the chapter's name, for messages.
  ///   - executable: the chapter's executable.
  ///   - arguments: its arguments.
  ///   - echo: whether to show the output (without markers) as it comes.
  /// - Throws: ``WeaveFailure`` if the chapter cannot start, exits non-zero or is
  ///   killed, with the end of what it wrote on standard error.
  static func run(_ chapter: String, executable: URL, arguments: [String], echo: Bool) throws
    -> String
  {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    var environment = ProcessInfo.processInfo.environment
    environment[Weaver.Marker.environmentVariable] = "1"
    process.environment = environment
    let output = Pipe()
    process.standardOutput = output
    // Shown on a terminal as it comes (the chapter's progress lines, under `make`).
    if echo, isatty(STDERR_FILENO) == 1 {
      process.standardError = FileHandle.standardError
      return try finish(
        process, chapter: chapter, executable: executable, output: output, echo: echo
      ) {
        "its standard error is above"
      }
    }
    // Otherwise standard error goes to a file, so that a chapter filling it cannot block
    // on a pipe nobody reads while we read its output, and is passed on after the run.
    let errorsURL = FileManager.default.temporaryDirectory.appendingPathComponent(
      "weave-\(chapter)-\(UUID().uuidString).stderr")
    guard FileManager.default.createFile(atPath: errorsURL.path, contents: nil),
      let errorsHandle = try? FileHandle(forWritingTo: errorsURL)
    else { throw WeaveFailure("cannot create a temporary file in \(errorsURL.path)") }
    defer { try? FileManager.default.removeItem(at: errorsURL) }
    process.standardError = errorsHandle
    var errors = ""
    let log = try finish(
      process, chapter: chapter, executable: executable, output: output, echo: echo
    ) {
      try? errorsHandle.close()
      errors = String(decoding: (try? Data(contentsOf: errorsURL)) ?? Data(), as: UTF8.self)
      return tail(of: errors)
    }
    FileHandle.standardError.write(Data(errors.utf8))
    return log
  }

  /// Starts `process`, reads its standard output to the end (showing it when `echo`),
  /// waits for it, and returns the output; `why` says where its errors are, for the
  /// failure message (called once the process has ended, or could not start).
  private static func finish(
    _ process: Process, chapter: String, executable: URL, output: Pipe, echo: Bool,
    why: () -> String
  ) throws -> String {
    do { try process.run() } catch {
      _ = why()
      throw WeaveFailure("cannot run \(executable.path): \(error.localizedDescription)")
    }
    var log = Data()
    var echoed = 0
    while true {
      let chunk = output.fileHandleForReading.availableData
      if chunk.isEmpty { break }  // the end of the output
      log.append(chunk)
      if echo, let lastNewline = log.lastIndex(of: UInt8(ascii: "\n")), lastNewline >= echoed {
        showWithoutMarkers(log[echoed...lastNewline])
        echoed = lastNewline + 1
      }
    }
    process.waitUntilExit()
    if echo, echoed < log.count { showWithoutMarkers(log[echoed...]) }
    let errors = why()
    guard process.terminationReason == .exit, process.terminationStatus == 0 else {
      let how =
        process.terminationReason == .exit
        ? "exited with status \(process.terminationStatus)"
        : "was killed by signal \(process.terminationStatus)"
      throw WeaveFailure("\(chapter) \(how); \(errors)")
    }
    return String(decoding: log, as: UTF8.self)
  }

  /// Writes output lines to standard output, leaving out the markers and records.
  private static func showWithoutMarkers(_ bytes: Data) {
    let lines = String(decoding: bytes, as: UTF8.self).split(
      separator: "\n", omittingEmptySubsequences: false)
    // Markers, and the value and claim records that share their prefix, are for the weaver.
    let shown = lines.filter { !$0.hasPrefix(Weaver.Marker.prefix) }
    FileHandle.standardOutput.write(Data(shown.joined(separator: "\n").utf8))
  }

  /// The last lines of standard error, on one line.
  private static func tail(of errors: String) -> String {
    let lines = errors.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
      .filter { !$0.isEmpty }
    guard !lines.isEmpty else { return "it wrote nothing on standard error" }
    return "the end of its standard error: " + lines.suffix(3).joined(separator: " | ")
  }
}
