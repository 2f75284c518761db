import BayesianDL
import BayesianDLPlotting
import PredictionFiles
import Foundation

/// A problem with an input file, reported as one line `path:line: problem` on standard
/// error with exit code 1.
struct InputError: Error, CustomStringConvertible {
  /// The line printed after `error: `.
  let description: String

  /// A problem at a line of a file.
  ///
  /// - Parameters:
  ///   - path: the file as the user named it.
  ///   - line: the 1-based line.
  ///   - problem: what is wrong, as a phrase.
  init(_ path: String, line: Int, _ problem: String) {
    description = "\(path):\(line): \(problem)"
  }

  /// A problem found by the CSV reader (it names the file and the line itself; an empty
  /// file is a problem at its line 1).
  init(_ error: CSVError) {
    if case .empty(let path) = error {
      description = "\(path):1: the file is empty (no data rows)"
    } else {
      description = error.description
    }
  }
}

/// Reading and checking the files `bdl` is given.
///
/// The core's metrics stop the program on invalid input (a programming error there), so
/// everything they assume is checked here first and reported with the file and line. Row
/// `i` (0-based) of a file is on line `i + 1`: ``NumericCSV`` rejects blank lines between
/// rows.
enum Inputs {
  /// How far a row of probabilities may sum from 1: $|\sum_k p_k - 1| < 10^{-6}$, the
  /// tolerance of the core's metrics. (Relative and absolute agree, the target being 1.)
  static let sumTolerance = 1e-6

  /// The largest logit magnitude accepted: beyond it the temperature fit's
  /// $\operatorname{Var}[z]$ and the rescaled $z / T$ (with $T$ down to $10^{-3}$) can overflow.
  static let logitLimit = 1e100

  /// A table read with ``NumericCSV``, its errors as ``InputError``s.
  static func table(_ path: String, _ options: FileOptions) throws(InputError) -> NumericCSV {
    do {
      return try NumericCSV.read(path: path, format: options.format(for: path))
    } catch let error as CSVError {
      throw InputError(error)
    } catch {
      throw InputError(CSVError.unreadable(path: path, reason: "\(error)"))
    }
  }

  /// Class probabilities: non-negative, at least two classes, each row summing to 1
  /// within ``sumTolerance``.
  ///
  /// - Parameter path: the CSV file, one row per example, one column per class.
  /// - Returns: `[n, classes]`.
  static func probabilities(_ path: String, _ options: FileOptions, renormalise: Bool = false)
    throws(InputError) -> Matrix
  {
    var table = try table(path, options)
    if table.columns == 1 { table = try twoClassProbabilities(table, path) }
    try requireClasses(table, path, what: "probability")
    let c = table.columns
    if renormalise { return try renormalised(table, path) }
    try table.values.withUnsafeBufferPointer { (p) throws(InputError) in
      for i in 0..<table.rows {
        var total = 0.0
        for k in 0..<c {
          let v = p[i * c + k]
          if v < 0 {
            throw InputError(path, line: i + 1, "column \(k + 1) is a negative probability, \(v)")
          }
          total += v
        }
        // Summed in the same order as the core's check, so what passes here passes there.
        if !(abs(total - 1) < sumTolerance) {
          throw InputError(
            path, line: i + 1,
            "the probabilities sum to \(total), not 1 (tolerance \(sumTolerance)); if they were "
              + "rounded, --renormalise divides each row by its sum; if they are logits, not "
              + "probabilities, pass the file with --logits")
        }
      }
    }
    return table.matrix
  }

  /// Logits: finite (the reader checks that), at most ``logitLimit`` in magnitude, at
  /// least two classes.
  ///
  /// - Parameter path: the CSV file, one row per example, one column per class.
  /// - Returns: `[n, classes]`.
  static func logits(_ path: String, _ options: FileOptions) throws(InputError) -> Matrix {
    var table = try table(path, options)
    if table.columns == 1 {
      // One logit ℓ of the positive class: the two-class logits (0, ℓ), whose softmax is
      // (1 − σ(ℓ), σ(ℓ)).
      var values = [Double](repeating: 0, count: 2 * table.rows)
      for i in 0..<table.rows { values[2 * i + 1] = table.values[i] }
      table = NumericCSV(rows: table.rows, columns: 2, values: values)
    }
    try requireClasses(table, path, what: "logit")
    if let index = table.values.firstIndex(where: { abs($0) > logitLimit }) {
      throw InputError(
        path, line: index / table.columns + 1,
        "column \(index % table.columns + 1) is the logit \(table.values[index]), beyond the "
          + "±\(logitLimit) that temperature scaling can rescale without overflow")
    }
    return table.matrix
  }

  /// Class labels: one integer in `0..<classes` per line, one per row of the predictions.
  ///
  /// A label may be written as a decimal with a zero fraction (`2.0`, numpy's
  /// `2.000000000000000000e+00`); `2.5` is an error.
  ///
  /// - Parameters:
  ///   - path: the labels file.
  ///   - rows: the number of rows of the predictions.
  ///   - classes: the number of classes.
  ///   - predictions: the predictions file, for the messages.
  static func labels(
    _ path: String, _ options: FileOptions, rows: Int, classes: Int, predictions: String
  ) throws(InputError) -> [Int] {
    // A labels file's header is always recognised (a label is a number), and its index
    // column is left out only when there is one beside the labels.
    var format = options.format(for: path)
    format.header = .detect
    format.indexColumn = false
    var table: NumericCSV
    do {
      table = try NumericCSV.read(path: path, format: format)
      if options.indexColumn && table.columns == 2 {
        table = try table.droppingFirstColumn(path: path)
      }
    } catch let error as CSVError {
      throw InputError(error)
    } catch {
      throw InputError(CSVError.unreadable(path: path, reason: "\(error)"))
    }
    if table.columns != 1 {
      throw InputError(
        path, line: 1, "expected one integer label per line, found \(table.columns) fields")
    }
    if table.rows != rows {
      // Point at the first line that has no partner in the other file.
      let line = min(table.rows, rows) + 1
      let problem =
        table.rows < rows
        ? "no label for row \(line) of \(predictions)" : "a label without a row in \(predictions)"
      throw InputError(
        path, line: line, "\(problem) (\(predictions) has \(rows) rows, this file \(table.rows))")
    }
    var labels = [Int](repeating: 0, count: rows)
    for (i, value) in table.values.enumerated() {
      guard value == value.rounded() else {
        throw InputError(path, line: i + 1, "the label \(value) is not an integer")
      }
      guard value >= 0 && value < Double(classes) else {
        throw InputError(
          path, line: i + 1,
          "the label \(value.integerText) is not a class of \(predictions), whose \(classes) "
            + "columns are classes 0…\(classes - 1)")
      }
      labels[i] = Int(value)
    }
    return labels
  }

  /// Requires at least two columns: a single column is most likely $p(y = 1)$ of a binary
  /// classifier, which needs its complement as a first column.
  /// The columns `mean`, `std` and `target` of a file of Gaussian predictions, found by
  /// the names in its header row (in any order; other columns are ignored). Every `std`
  /// must be positive.
  static func gaussianPredictions(_ path: String, _ options: FileOptions) throws(InputError)
    -> (mean: [Double], std: [Double], target: [Double])
  {
    let table = try table(path, options)
    let wanted = ["mean", "std", "target"]
    guard let names = table.header?.map({ $0.lowercased() }) else {
      throw InputError(
        path, line: 1, "no header row: the first line must name the columns mean, std and target")
    }
    var indices = [Int]()
    for name in wanted {
      guard let index = names.firstIndex(of: name) else {
        throw InputError(
          path, line: 1,
          "no column named \(name) (the header names \(names.joined(separator: ", ")); "
            + "mean, std and target are needed)")
      }
      indices.append(index)
    }
    let c = table.columns
    func column(_ j: Int) -> [Double] { (0..<table.rows).map { table.values[$0 * c + j] } }
    let std = column(indices[1])
    if let bad = std.firstIndex(where: { !($0 > 0) }) {
      // The header is line 1, so row r is on line r + 2.
      throw InputError(path, line: bad + 2, "the std \(std[bad]) is not positive")
    }
    return (column(indices[0]), std, column(indices[2]))
  }

  /// One column of positive-class probabilities p as the two-class table (1 − p, p).
  private static func twoClassProbabilities(_ table: NumericCSV, _ path: String)
    throws(InputError) -> NumericCSV
  {
    var values = [Double](repeating: 0, count: 2 * table.rows)
    for (i, p) in table.values.enumerated() {
      guard p >= 0 && p <= 1 else {
        throw InputError(
          path, line: i + 1,
          "\(p) is not a probability (one column: the positive class's probability, in [0, 1]; "
            + "for logits, pass the file with --logits)")
      }
      values[2 * i] = 1 - p
      values[2 * i + 1] = p
    }
    return NumericCSV(rows: table.rows, columns: 2, values: values)
  }

  /// Each row divided by its sum (for probabilities rounded to a few decimals); every
  /// entry must be non-negative and every row's sum positive.
  private static func renormalised(_ table: NumericCSV, _ path: String) throws(InputError)
    -> Matrix
  {
    let c = table.columns
    var values = table.values
    for i in 0..<table.rows {
      var total = 0.0
      for k in 0..<c {
        let v = values[i * c + k]
        if v < 0 {
          throw InputError(path, line: i + 1, "column \(k + 1) is a negative probability, \(v)")
        }
        total += v
      }
      guard total > 0 else {
        throw InputError(path, line: i + 1, "the row sums to 0 and cannot be renormalised")
      }
      for k in 0..<c { values[i * c + k] /= total }
    }
    return Matrix(rows: table.rows, columns: c, storage: values)
  }

  private static func requireClasses(_ table: NumericCSV, _ path: String, what: String)
    throws(InputError)
  {
    if table.columns < 2 {
      throw InputError(
        path, line: 1,
        "one column; give one \(what) per class (for a binary classifier, two columns: "
          + "class 0, class 1)")
    }
  }
}

extension Double {
  /// The value as an integer when it is one (`3`, not `3.0`), else as Swift prints it.
  var integerText: String {
    abs(self) < 1e15 && self == rounded() ? String(Int(self)) : description
  }
}
