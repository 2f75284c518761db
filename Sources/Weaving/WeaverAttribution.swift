extension Weaver {
  /// One thing a code run showed the reader, in the order it did.
  public enum Item: Equatable, Sendable {
    /// Consecutive printed lines (without their newlines).
    case text([String])
    /// A figure: its PNG, alt text and caption.
    case figure(FigureReference)
  }

  /// Assigns each line of a chapter's marked output, and each figure it saved, to the
  /// code run that printed or drew it.
  ///
  /// The rule:
  /// 1. Every output line belongs to the most recent marker before it (see ``Marker``).
  /// 2. A marker in top-level code belongs to the code run whose line range contains its
  ///    line (a line outside every run, which only a stale log can produce, goes to the
  ///    last run that starts before it, or the first run).
  /// 3. A marker inside the body of a top-level declaration (a function, a type or an
  ///    extension; ``Source/declarationBodies``) comes from a call, made by the run being
  ///    executed: it does not move attribution, and its output and figure go to the
  ///    current run. (Which run that is, is the latest one whose own marker was seen: a
  ///    call made before any marker of its run lands in the run before.)
  /// 4. Top-level code runs in source order, so attribution never moves backwards: a
  ///    marker whose run lies before the furthest run reached so far (a closure stored
  ///    and called later) goes to that furthest run.
  /// 5. Output before the first marker of rule 2 goes to that marker's run, the earliest
  ///    run that certainly had run.
  /// 6. Markers from files other than `main.swift` (a library printing through
  ///    `Narration`) do not move attribution either.
  ///
  /// Because attribution never moves backwards, reading the runs' output in page order
  /// gives the chapter's output in the order it was printed: the page never reorders it.
  ///
  /// Each line is first reduced to what a terminal would finally show: the text after
  /// its last carriage return, without ANSI escape sequences, so a progress line redrawn
  /// in place (``ProgressLine``, which is silent off a terminal anyway) leaves nothing
  /// behind. Leading and trailing blank lines of each block of text are dropped, and a
  /// block left empty is dropped with them.
  ///
  /// - Parameters:
  ///   - log: everything the chapter printed on standard output, markers included.
  ///   - source: the chapter's source.
  /// - Returns: for each of the source's code runs, what it showed, in order.
  /// - Throws: ``WeaverError/noMarkers`` if there is output but no marker from
  ///   `main.swift`; ``WeaverError/outputWithoutCode`` if there is output but no code run.
  public static func attribute(log: String, to source: Source) throws(WeaverError) -> [[Item]] {
    let runs = source.runs
    var items = Array(repeating: [Item](), count: runs.count)
    var current: Int?  // the furthest run reached
    var firstMarkerRun: Int?  // for output that only markers of rule 3 precede
    var unplaced = Pending()  // since the last marker that placed output
    // "\r\n" is one Character in Swift, so it is named as a line ending of its own.
    let lines = log.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
    for raw in lines {
      let line = visibleText(raw)
      guard let marker = Marker(parsing: line) else {
        unplaced.lines.append(line)
        continue
      }
      guard marker.isFromChapterSource else { continue }
      guard !runs.isEmpty else { throw .outputWithoutCode }
      let markerRun = runIndex(containing: marker.line, in: runs)
      firstMarkerRun = firstMarkerRun ?? markerRun
      if !source.isInDeclarationBody(marker.line) {
        let run = max(current ?? 0, markerRun)
        unplaced.move(to: &items[current ?? run])
        current = run
      }
      if let figure = marker.figure { unplaced.add(.figure(figure)) }
    }
    if let run = current ?? firstMarkerRun {
      unplaced.move(to: &items[run])
    } else if !unplaced.isBlank {
      throw runs.isEmpty ? .outputWithoutCode : .noMarkers
    }
    return items.map { runItems in
      runItems.compactMap { item in
        guard case .text(let lines) = item else { return item }
        let trimmed = lines.drop(while: isBlank).reversed().drop(while: isBlank).reversed()
        return trimmed.isEmpty ? nil : .text(Array(trimmed))
      }
    }
  }

  /// What a terminal finally shows of one output line: the text after the last carriage
  /// return, ANSI escape sequences (`ESC [ … letter`, or `ESC` and one character) removed.
  ///
  /// - Parameter raw: one line of output, without its newline.
  static func visibleText(_ raw: Substring) -> String {
    var line = raw
    if let lastReturn = line.lastIndex(of: "\r") { line = line[line.index(after: lastReturn)...] }
    guard line.contains("\u{1B}") else { return String(line) }
    var visible = ""
    var scalars = line.unicodeScalars.makeIterator()
    while let scalar = scalars.next() {
      guard scalar == "\u{1B}" else {
        visible.unicodeScalars.append(scalar)
        continue
      }
      guard scalars.next() == "[" else { continue }  // ESC and one character
      while let next = scalars.next(), !(0x40...0x7E).contains(next.value) {}
    }
    return visible
  }

  /// The index of the run containing `line`, or else of the last run starting before it,
  /// or else 0.
  private static func runIndex(containing line: Int, in runs: [Source.CodeRun]) -> Int {
    runs.lastIndex { $0.lines.lowerBound <= line } ?? 0
  }

  /// Output not yet given to a run: whole items, then the lines printed since the last.
  private struct Pending {
    var items = [Item]()
    var lines = [String]()

    var isBlank: Bool { items.isEmpty && lines.allSatisfy(Weaver.isBlank) }

    /// Adds an item after the lines printed so far.
    mutating func add(_ item: Item) {
      flushLines()
      items.append(item)
    }

    /// Appends everything to a run's items, continuing its last block of text, and
    /// empties itself.
    mutating func move(to runItems: inout [Item]) {
      flushLines()
      for item in items {
        if case .text(let more) = item, case .text(let previous) = runItems.last {
          runItems[runItems.count - 1] = .text(previous + more)
        } else {
          runItems.append(item)
        }
      }
      items = []
    }

    private mutating func flushLines() {
      if !lines.isEmpty { items.append(.text(lines)) }
      lines = []
    }
  }

  fileprivate static func isBlank(_ line: String) -> Bool { line.allSatisfy(\.isWhitespace) }
}
