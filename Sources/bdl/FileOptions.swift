import ArgumentParser
import Foundation
import PredictionFiles

/// How the input files are laid out, shared by every subcommand: a header row, an index
/// column, the delimiter, and `-` for standard input.
struct FileOptions: ParsableArguments {
  @Flag(
    help: """
      The first line of the predictions file names its columns. Without it a first line \
      with a field that is not a number is taken as a header (also in a labels file).
      """)
  var header = false

  @Flag(
    help: ArgumentHelp(
      "The first column is an index (row number or id); leave it out (in a labels file, "
        + "when it has two columns)."))
  var indexColumn = false

  @Option(
    help: ArgumentHelp(
      "The field delimiter: ',' or 'tab' (default: tab for .tsv files, else ',').",
      valueName: "delimiter"))
  var delimiter: String?

  func validate() throws {
    if let delimiter, Self.byte(for: delimiter) == nil {
      throw ValidationError("--delimiter must be ',' or 'tab', not '\(delimiter)'.")
    }
  }

  /// The byte a `--delimiter` value names, or nil.
  static func byte(for name: String) -> UInt8? {
    switch name {
    case ",", "comma": UInt8(ascii: ",")
    case "tab", "\\t", "\t": UInt8(ascii: "\t")
    default: nil
    }
  }

  /// The format of the file at `path`.
  func format(for path: String) -> NumericCSV.Format {
    let byExtension =
      URL(fileURLWithPath: path).pathExtension.lowercased() == "tsv"
      ? UInt8(ascii: "\t") : UInt8(ascii: ",")
    return NumericCSV.Format(
      delimiter: delimiter.flatMap(Self.byte(for:)) ?? byExtension,
      header: header ? .present : .detect, indexColumn: indexColumn)
  }
}
