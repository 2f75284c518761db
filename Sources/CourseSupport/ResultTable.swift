import BayesianDL

/// A table of results that is printed and recorded at once: every cell in a named
/// column becomes the value `row.column` (see ``Chapter/show(_:file:line:)``), so the
/// prose can quote any cell as `{{row.column}}` and a chapter builds no strings.
///
/// ```swift
/// var table = ResultTable("method", columns: [.init("RMSE", as: "rmse")])
/// table.add("MC dropout", [.estimate(dropoutRMSE)])
/// chapter.show(table)   // records mcDropout.rmse and mcDropout.rmseSE
/// ```
public struct ResultTable: Sendable {
  /// One cell.
  public enum Cell: Sendable {
    /// A number, shown with its column's digits.
    case number(Double)
    /// A mean ± standard error; recorded as `row.column` and `row.columnSE`.
    case estimate(MeanEstimate)
    /// A text, shown as it is and not recorded.
    case text(String)
    /// Nothing to show: a dash.
    case missing
  }

  /// A column: its heading, the name its cells are recorded under, their digits.
  public struct Column: Sendable {
    /// The heading, as printed.
    public let heading: String
    /// The name of the column's values (`nil`: printed, not recorded).
    public let name: String?
    /// Significant digits of each number (a standard error shows 2).
    public let digits: Int

    /// Creates a column.
    ///
    /// - Parameters:
    ///   - heading: the heading.
    ///   - name: the name of its values, letters and digits; `nil` to record nothing.
    ///   - digits: significant digits.
    public init(_ heading: String, as name: String? = nil, digits: Int = 3) {
      self.heading = heading
      self.name = name
      self.digits = digits
    }
  }

  /// A row: its label, the name of its values and its cells.
  public struct Row: Sendable {
    /// The label in the first column.
    public let label: String
    /// The name its values are recorded under.
    public let name: String
    /// One cell per column.
    public let cells: [Cell]
  }

  /// The heading of the label column.
  public let corner: String
  /// The columns after the label column.
  public let columns: [Column]
  /// The rows, in order.
  public private(set) var rows: [Row] = []

  /// An empty table.
  ///
  /// - Parameters:
  ///   - corner: the heading of the label column, e.g. `"method"`.
  ///   - columns: the other columns.
  public init(_ corner: String, columns: [Column]) {
    self.corner = corner
    self.columns = columns
  }

  /// Adds a row.
  ///
  /// - Parameters:
  ///   - label: its label.
  ///   - name: the name of its values; by default the label made a name
  ///     (``ChapterResults/valueName(_:)``), e.g. `MC dropout` → `mcDropout`.
  ///   - cells: one per column.
  public mutating func add(_ label: String, as name: String? = nil, _ cells: [Cell]) {
    precondition(
      cells.count == columns.count, "ResultTable: \(label) has the wrong number of cells")
    rows.append(Row(label: label, name: name ?? ChapterResults.valueName(label), cells: cells))
  }

  /// Adds a row of numbers.
  ///
  /// - Parameters:
  ///   - label: its label.
  ///   - name: the name of its values (see ``add(_:as:_:)-(_,_,[Cell])``).
  ///   - numbers: one per column.
  public mutating func add(_ label: String, as name: String? = nil, numbers: [Double]) {
    add(label, as: name, numbers.map { .number($0) })
  }

  /// The printed cells, one array per row, the label first.
  var printedRows: [[String]] {
    rows.map { row in
      [row.label]
        + zip(row.cells, columns).map { cell, column in
          switch cell {
          case .number(let x): return Narration.format(x, digits: column.digits)
          case .estimate(let e): return Narration.format(e, digits: column.digits)
          case .text(let text): return text
          case .missing: return "–"
          }
        }
    }
  }
}

extension Chapter {
  /// Prints `table` and records each cell of a named column as `row.column` (a mean ±
  /// standard error also as `row.columnSE`).
  ///
  /// - Parameters:
  ///   - table: the table.
  ///   - file: the call site's file (for the weave marker).
  ///   - line: the call site's line (for the weave marker).
  public func show(_ table: ResultTable, file: String = #fileID, line: Int = #line) {
    Narration.table(
      [table.corner] + table.columns.map(\.heading), table.printedRows, file: file, line: line)
    for row in table.rows {
      for (cell, column) in zip(row.cells, table.columns) {
        guard let name = column.name else { continue }
        switch cell {
        case .number(let x): value("\(row.name).\(name)", x, digits: column.digits)
        case .estimate(let e):
          value("\(row.name).\(name)", e.mean, digits: column.digits)
          value("\(row.name).\(name)SE", e.standardError, digits: 2)
        case .text, .missing: break
        }
      }
    }
  }
}
