package io.streamlearn.pipeline.cli;

import io.streamlearn.schemas.LabeledSample;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
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
 * --classes} gives, and the mapping is printed. A multi-label sample's classes come from one 0/1
 * column per class ({@code --label-columns}), several regression targets from one column each
 * ({@code --target-columns}); a row gives all of them or, with every one of their cells empty,
 * none.
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
      names = "--label-columns",
      paramLabel = "COLUMN,...",
      split = ",",
      description =
          "CSV, multi-label: the columns that say whether each class holds, in class order (the"
              + " first is class 0), each 0/1 or true/false; instead of --label-column. A row with"
              + " all of them empty is unlabeled, one with some empty is refused.")
  List<String> labelColumns;

  @Option(
      names = "--target-columns",
      paramLabel = "COLUMN,...",
      split = ",",
      description =
          "CSV, regression of several outputs: the columns of the targets, in output order;"
              + " instead of --target-column. A row with all of them empty is unlabeled, one with"
              + " some empty is refused.")
  List<String> targetColumns;

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
    if (labelColumns != null && (labelColumn != null || classes != null)) {
      throw new IllegalArgumentException(
          "give --label-columns (a multi-label sample's classes) or --label-column and --classes"
              + " (one class label), not both");
    }
    if (targetColumns != null && targetColumn != null) {
      throw new IllegalArgumentException("give --target-columns or --target-column, not both");
    }
    if (labelColumns != null && targetColumns != null) {
      throw new IllegalArgumentException(
          "give --label-columns or --target-columns, not both: a sample is multi-label or a"
              + " regression");
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
    int labelAt = labelColumns != null ? -1 : columns.optional(labelColumn, "label");
    int targetAt = targetColumns != null ? -1 : columns.optional(targetColumn, "target");
    int[] labelSetAt = columns.all(labelColumns, "--label-columns");
    int[] targetsAt = columns.all(targetColumns, "--target-columns");
    Set<Integer> notFeatures = new HashSet<>(List.of(keyAt, idAt, labelAt, targetAt));
    Arrays.stream(labelSetAt).forEach(notFeatures::add);
    Arrays.stream(targetsAt).forEach(notFeatures::add);
    ignoredColumns.forEach(
        ignored -> notFeatures.add(columns.required(ignored, null, "--ignore-column")));
    int[] features =
        IntStream.range(0, names.size()).filter(c -> !notFeatures.contains(c)).toArray();

    String[] notAFeature =
        names.stream()
            .map(name -> " (a column that is not a feature: --ignore-column " + name + ")")
            .toArray(String[]::new);
    Function<String, Integer> classIndex = classIndexes(file, rows, labelAt, out);
    if (labelSetAt.length > 0) {
      out.println(
          "Label columns: "
              + IntStream.range(0, labelSetAt.length)
                  .mapToObj(c -> names.get(labelSetAt[c]) + "=" + c)
                  .collect(Collectors.joining(", ")));
    }
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
        values.add(
            number(
                cells.get(column),
                where,
                names.get(column),
                Float::parseFloat,
                notAFeature[column]));
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
                          cells.get(targetAt), where, names.get(targetAt), Double::parseDouble, ""))
              .setLabels(
                  classesThatHold(
                      allOrNone(
                          cells,
                          labelSetAt,
                          names,
                          where,
                          "--label-columns",
                          (cell, column) -> holds(cell, where, column))))
              .setTargets(
                  allOrNone(
                      cells,
                      targetsAt,
                      names,
                      where,
                      "--target-columns",
                      (cell, column) ->
                          number(cell, where, column, Double::parseDouble, " (--target-columns)")))
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

  /**
   * @param hint what the message adds after the cell, to say which option made it a number
   */
  private static <T> T number(
      String cell, String where, String column, Function<String, T> parser, String hint) {
    try {
      return parser.apply(cell);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          where + ": column '" + column + "' is not a number: '" + cell + "'" + hint);
    }
  }

  /**
   * The cells of the columns an option names, each parsed; null when all of them are empty (the
   * ground truth is unknown, and the sample is unlabeled). A row that gives some of them is
   * refused: the wire format has no unknown class or target within a set, and the job would
   * dead-letter a sample whose targets it made up.
   */
  private static <T> List<T> allOrNone(
      List<String> cells,
      int[] columns,
      List<String> names,
      String where,
      String option,
      BiFunction<String, String, T> parse) {
    List<String> empty =
        Arrays.stream(columns).filter(c -> cells.get(c).isEmpty()).mapToObj(names::get).toList();
    if (empty.size() == columns.length) {
      return null;
    }
    if (!empty.isEmpty()) {
      throw new IllegalArgumentException(
          where
              + ": "
              + option
              + " "
              + empty
              + " empty, the others not: give all of a row's cells of "
              + option
              + ", or none for an unlabeled sample");
    }
    return Arrays.stream(columns).mapToObj(c -> parse.apply(cells.get(c), names.get(c))).toList();
  }

  /** Whether a class holds, as a --label-columns cell says: 0 or 1 (1.0 too), false or true. */
  private static boolean holds(String cell, String where, String column) {
    return switch (cell.toLowerCase(Locale.ROOT)) {
      case "1", "1.0", "true" -> true;
      case "0", "0.0", "false" -> false;
      default ->
          throw new IllegalArgumentException(
              where
                  + ": column '"
                  + column
                  + "' (--label-columns) says whether a class holds: 0/1 or true/false, not '"
                  + cell
                  + "'");
    };
  }

  /** The indexes of the classes that hold, in increasing order; null for unknown. */
  private static List<Integer> classesThatHold(List<Boolean> holds) {
    return holds == null
        ? null
        : IntStream.range(0, holds.size()).filter(holds::get).boxed().toList();
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

    /** The columns an option lists, each of which must exist; none when it is not given. */
    int[] all(List<String> named, String option) {
      return named == null
          ? new int[0]
          : named.stream().map(String::trim).mapToInt(n -> required(n, null, option)).toArray();
    }
  }
}
