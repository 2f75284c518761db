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
  static func table(_ path: String) throws(InputError) -> NumericCSV {
    do {
      return try NumericCSV.read(path: path)
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
  static func probabilities(_ path: String) throws(InputError) -> Matrix {
    let table = try table(path)
    try requireClasses(table, path, what: "probability")
    let c = table.columns
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
            "the probabilities sum to \(total), not 1 (tolerance \(sumTolerance)); for scores "
              + "that are not probabilities, pass them with --logits")
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
  static func logits(_ path: String) throws(InputError) -> Matrix {
    let table = try table(path)
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
  static func labels(_ path: String, rows: Int, classes: Int, predictions: String)
    throws(InputError) -> [Int]
  {
    let table = try table(path)
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
