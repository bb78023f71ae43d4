package io.streamlearn.pipeline.cli;

import io.streamlearn.schemas.LabeledSample;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import picocli.CommandLine.Option;

/**
 * How {@code produce --csv} makes samples of a CSV file's rows ({@link CsvTable} reads the file).
 * The key, id, label and target come from the columns the options name, or from columns named
 * {@code key}, {@code id}, {@code label} and {@code target}; every other column is a feature, in
 * file order. Class labels that are all whole numbers are the class indexes; any other labels
 * (names such as {@code Iris-setosa}) are numbered in sorted order, or in the order {@code
 * --classes} gives, and the mapping is printed.
 */
final class CsvSamples {

  @Option(
      names = "--key",
      paramLabel = "VALUE",
      description = "CSV: the model key of every row (instead of a key column).")
  String key;

  @Option(
      names = "--key-column",
      paramLabel = "COLUMN",
      description = "CSV: the column holding each row's model key (default: 'key').")
  String keyColumn;

  @Option(
      names = "--id-column",
      paramLabel = "COLUMN",
      description =
          "CSV: the column holding each row's sample id (default: 'id'); rows without one are"
              + " numbered 1, 2, ... in file order.")
  String idColumn;

  @Option(
      names = "--label-column",
      paramLabel = "COLUMN",
      description =
          "CSV: the column holding the class label (default: 'label'); an empty cell is unknown.")
  String labelColumn;

  @Option(
      names = "--target-column",
      paramLabel = "COLUMN",
      description =
          "CSV: the column holding the regression target (default: 'target'); an empty cell is"
              + " unknown.")
  String targetColumn;

  @Option(
      names = "--ignore-column",
      paramLabel = "COLUMN",
      description = "CSV: a column that is not a feature (text, for example); repeatable.")
  List<String> ignoredColumns = new ArrayList<>();

  @Option(
      names = "--classes",
      paramLabel = "NAME,...",
      split = ",",
      description =
          "CSV: the class labels in class-index order, e.g. setosa,versicolor,virginica"
              + " (default: whole-number labels as written, other labels in sorted order).")
  List<String> classes;

  @Option(
      names = "--no-header",
      description =
          "CSV: the first row is data; columns are then named by number, 1 for the first.")
  boolean noHeader;

  /** The file's rows as samples; a mapping of class names to indexes is printed to {@code out}. */
  List<LabeledSample> read(Path file, PrintWriter out) throws IOException {
    if (key != null && keyColumn != null) {
      throw new IllegalArgumentException("give --key or --key-column, not both");
    }
    List<CsvTable.Row> rows = new ArrayList<>(CsvTable.read(file).rows());
    if (rows.isEmpty()) {
      throw new IllegalArgumentException(file + ": empty file");
    }
    List<String> names =
        noHeader
            ? IntStream.rangeClosed(1, rows.get(0).cells().size())
                .mapToObj(Integer::toString)
                .toList()
            : rows.remove(0).cells().stream().map(String::trim).toList();
    Columns columns = new Columns(file, names);
    int keyAt = key != null ? -1 : columns.required(keyColumn, "key", "--key-column");
    if (key == null && keyAt < 0) {
      throw new IllegalArgumentException(
          file + ": no 'key' column " + names + ": give --key VALUE or --key-column NAME");
    }
    int idAt = columns.optional(idColumn, "id");
    int labelAt = columns.optional(labelColumn, "label");
    int targetAt = columns.optional(targetColumn, "target");
    Set<Integer> notFeatures = new HashSet<>(List.of(keyAt, idAt, labelAt, targetAt));
    ignoredColumns.forEach(
        ignored -> notFeatures.add(columns.required(ignored, null, "--ignore-column")));
    int[] features =
        IntStream.range(0, names.size()).filter(c -> !notFeatures.contains(c)).toArray();

    Function<String, Integer> classIndex = classIndexes(file, rows, labelAt, out);
    List<LabeledSample> samples = new ArrayList<>(rows.size());
    for (int n = 0; n < rows.size(); n++) {
      CsvTable.Row row = rows.get(n);
      String where = file + ":" + row.line();
      List<String> cells = row.cells().stream().map(String::trim).toList();
      if (cells.size() != names.size()) {
        throw new IllegalArgumentException(
            where + ": expected " + names.size() + " cells, found " + cells.size());
      }
      List<Float> values = new ArrayList<>(features.length);
      for (int column : features) {
        values.add(number(cells.get(column), where, names.get(column), Float::parseFloat, true));
      }
      String id = idAt >= 0 ? cells.get(idAt) : "";
      samples.add(
          LabeledSample.newBuilder()
              .setId(id.isEmpty() ? Integer.toString(n + 1) : id)
              .setKey(key != null ? key : cells.get(keyAt))
              .setFeatures(values)
              .setLabel(
                  labelAt < 0 || cells.get(labelAt).isEmpty()
                      ? null
                      : classIndex.apply(cells.get(labelAt)))
              .setTarget(
                  targetAt < 0 || cells.get(targetAt).isEmpty()
                      ? null
                      : number(
                          cells.get(targetAt),
                          where,
                          names.get(targetAt),
                          Double::parseDouble,
                          false))
              .setEventTime(Instant.now())
              .build());
    }
    return samples;
  }

  /**
   * Whole-number labels ("0", "1", also "1.0" as pandas writes them) are class indexes as written;
   * other labels are numbered in sorted order, or as --classes lists them. A mapping is printed.
   */
  private Function<String, Integer> classIndexes(
      Path file, List<CsvTable.Row> rows, int labelAt, PrintWriter out) {
    if (labelAt < 0) {
      return label -> null;
    }
    List<String> labels =
        rows.stream()
            .filter(row -> labelAt < row.cells().size())
            .map(row -> row.cells().get(labelAt).trim())
            .filter(label -> !label.isEmpty())
            .distinct()
            .toList();
    if (classes == null && labels.stream().allMatch(CsvSamples::isWholeNumber)) {
      return label -> {
        if (!isWholeNumber(label)) {
          throw new IllegalArgumentException(file + ": label '" + label + "' is not a class index");
        }
        return (int) Double.parseDouble(label);
      };
    }
    List<String> order =
        classes != null
            ? classes.stream().map(String::trim).toList()
            : labels.stream().sorted(Comparator.naturalOrder()).toList();
    Map<String, Integer> indexes = new LinkedHashMap<>();
    order.forEach(name -> indexes.putIfAbsent(name, indexes.size()));
    List<String> unknown = labels.stream().filter(label -> !indexes.containsKey(label)).toList();
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          file + ": labels " + unknown + " are not among --classes " + classes);
    }
    out.println(
        "Class labels: "
            + indexes.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(", ")));
    return indexes::get;
  }

  private static boolean isWholeNumber(String text) {
    try {
      double value = Double.parseDouble(text);
      return value == Math.rint(value) && Math.abs(value) <= Integer.MAX_VALUE;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static <T> T number(
      String cell, String where, String column, Function<String, T> parser, boolean isFeature) {
    try {
      return parser.apply(cell);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          where
              + ": column '"
              + column
              + "' is not a number: '"
              + cell
              + "'"
              + (isFeature
                  ? " (a column that is not a feature: --ignore-column " + column + ")"
                  : ""));
    }
  }

  /** The header's column names, and how options name them: by name, or by number from 1. */
  private record Columns(Path file, List<String> names) {

    /** The column the option names (it must exist), or else the one with the default name. */
    int required(String named, String defaultName, String option) {
      if (named == null) {
        return defaultName == null ? -1 : names.indexOf(defaultName);
      }
      int index = names.indexOf(named);
      if (index < 0 && named.matches("\\d+")) {
        index = Integer.parseInt(named) - 1;
      }
      if (index < 0 || index >= names.size()) {
        throw new IllegalArgumentException(
            file + ": no column '" + named + "' (" + option + ") among " + names);
      }
      return index;
    }

    int optional(String named, String defaultName) {
      return required(named, defaultName, "--" + defaultName + "-column");
    }
  }
}
