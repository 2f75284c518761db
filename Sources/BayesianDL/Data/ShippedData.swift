/// The real data sets in the course's `Data/` folder, read into ``Dataset`` values.
///
/// The folder is found relative to the working directory (chapters run from the
/// repository root); a missing or malformed file is a ``CSVError`` naming the path.
public enum ShippedData {
  /// The motorcycle-crash data (Silverman, 1985): time after impact in ms (input) and
  /// head acceleration in g (target), 133 rows.
  ///
  /// - Parameter directory: the folder holding `mcycle.csv`.
  /// - Throws: ``CSVError`` if the file is missing or malformed.
  public static func motorcycle(directory: String = "Data") throws -> Dataset {
    let table = try CSVTable.read(path: "\(directory)/mcycle.csv", hasHeader: true)
    try requireColumns(2, in: table, path: "\(directory)/mcycle.csv")
    return Dataset(
      inputs: table.values.columns(0..<1), targets: .values(table.values.columns(1..<2)))
  }

  /// The 8×8 handwritten digits (UCI, via scikit-learn): 1797 images, 64 pixel
  /// intensities scaled from 0…16 to 0…1, and labels 0–9.
  ///
  /// - Parameter directory: the folder holding `digits.csv`.
  /// - Throws: ``CSVError`` if the file is missing or malformed, or a label is not an
  ///   integer in 0…9.
  public static func digits(directory: String = "Data") throws -> Dataset {
    let path = "\(directory)/digits.csv"
    let table = try CSVTable.read(path: path, hasHeader: false)
    try requireColumns(65, in: table, path: path)
    var labels = [Int]()
    for (row, value) in table.values.column(64).storage.enumerated() {
      guard value == value.rounded(), (0...9).contains(value) else {
        throw CSVError.invalidValue(
          path: path, line: row + 1, column: 65, field: "\(value)", expected: "a label 0–9")
      }
      labels.append(Int(value))
    }
    return Dataset(inputs: table.values.columns(0..<64) / 16, targets: .classes(labels))
  }

  /// Boston housing (Harrison & Rubinfeld, 1978): 506 towns, 13 features, and the median
  /// home value in thousands of dollars (`medv`) as the target — a UCI regression benchmark.
  ///
  /// - Parameter directory: the folder holding `boston.csv`.
  /// - Throws: ``CSVError`` if the file is missing or malformed.
  public static func boston(directory: String = "Data") throws -> Dataset {
    try regressionTable("\(directory)/boston.csv", columns: 14)
  }

  /// Concrete compressive strength (Yeh, 1998): 1030 mixes, 8 features (ingredients per
  /// m³ and age in days), and the strength in MPa as the target.
  ///
  /// - Parameter directory: the folder holding `concrete.csv`.
  /// - Throws: ``CSVError`` if the file is missing or malformed.
  public static func concrete(directory: String = "Data") throws -> Dataset {
    try regressionTable("\(directory)/concrete.csv", columns: 9)
  }

  /// A CSV file with a header whose last column is the target.
  private static func regressionTable(_ path: String, columns: Int) throws -> Dataset {
    let table = try CSVTable.read(path: path, hasHeader: true)
    try requireColumns(columns, in: table, path: path)
    return Dataset(
      inputs: table.values.columns(0..<(columns - 1)),
      targets: .values(table.values.columns((columns - 1)..<columns)))
  }

  /// Throws unless the table has `count` columns.
  private static func requireColumns(_ count: Int, in table: CSVTable, path: String) throws {
    guard table.values.columns == count else {
      throw CSVError.wrongFieldCount(
        path: path, line: 1, expected: count, found: table.values.columns)
    }
  }
}
