package io.streamlearn.pipeline.cli;

import io.streamlearn.schemas.LabeledSample;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads samples from a CSV file with a header row. Columns named {@code key} (required), {@code
 * id}, {@code label} and {@code target} (optional, empty cells mean "not known") have their
 * meaning; every other column is a feature, in file order.
 */
final class CsvSamples {

  private CsvSamples() {}

  static List<LabeledSample> read(Path file) throws IOException {
    try (BufferedReader reader = Files.newBufferedReader(file)) {
      String header = reader.readLine();
      if (header == null) {
        throw new IllegalArgumentException(file + ": empty file, expected a header row");
      }
      Columns columns = Columns.of(Arrays.asList(header.split(",", -1)), file);
      List<LabeledSample> samples = new ArrayList<>();
      String line;
      int lineNumber = 1;
      while ((line = reader.readLine()) != null) {
        lineNumber++;
        if (!line.isBlank()) {
          samples.add(columns.sample(line.split(",", -1), file + ":" + lineNumber));
        }
      }
      return samples;
    }
  }

  private record Columns(int key, int id, int label, int target, int[] features) {

    static Columns of(List<String> names, Path file) {
      List<String> trimmed = names.stream().map(String::trim).toList();
      int key = trimmed.indexOf("key");
      if (key < 0) {
        throw new IllegalArgumentException(file + ": the header has no 'key' column: " + names);
      }
      int id = trimmed.indexOf("id");
      int label = trimmed.indexOf("label");
      int target = trimmed.indexOf("target");
      int[] features = new int[trimmed.size()];
      int count = 0;
      for (int column = 0; column < trimmed.size(); column++) {
        if (column != key && column != id && column != label && column != target) {
          features[count++] = column;
        }
      }
      return new Columns(key, id, label, target, Arrays.copyOf(features, count));
    }

    LabeledSample sample(String[] cells, String where) {
      if (cells.length != features.length + countPresent(key, id, label, target)) {
        throw new IllegalArgumentException(
            where
                + ": expected "
                + (features.length + countPresent(key, id, label, target))
                + " cells, found "
                + cells.length);
      }
      List<Float> values = new ArrayList<>(features.length);
      for (int column : features) {
        values.add(parse(cells[column], where, column, Float::parseFloat));
      }
      return LabeledSample.newBuilder()
          .setId(id >= 0 ? cells[id].trim() : where)
          .setKey(cells[key].trim())
          .setFeatures(values)
          .setLabel(optional(cells, label, where, Integer::parseInt))
          .setTarget(optional(cells, target, where, Double::parseDouble))
          .setEventTime(Instant.now())
          .build();
    }

    private static int countPresent(int... columns) {
      return (int) Arrays.stream(columns).filter(c -> c >= 0).count();
    }

    private static <T> T optional(
        String[] cells, int column, String where, java.util.function.Function<String, T> parser) {
      if (column < 0 || cells[column].isBlank()) {
        return null;
      }
      return parse(cells[column], where, column, parser);
    }

    private static <T> T parse(
        String cell, String where, int column, java.util.function.Function<String, T> parser) {
      try {
        return parser.apply(cell.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            where + ": column " + (column + 1) + " is not a number: '" + cell + "'");
      }
    }
  }
}
