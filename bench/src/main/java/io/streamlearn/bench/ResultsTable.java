package io.streamlearn.bench;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Prints bench/results.json as a markdown table: name, value, target, better, whether the target is
 * met. Usage: {@code ResultsTable [results.json]}.
 */
public final class ResultsTable {

  private ResultsTable() {}

  public static void main(String[] args) throws IOException {
    Path results = Path.of(args.length > 0 ? args[0] : "bench/results.json");
    System.out.println("| name | value | target | better | met? |");
    System.out.println("|---|---:|---:|---|---|");
    for (Map.Entry<String, Figure> entry : ResultsFile.read(results).entrySet()) {
      Figure figure = entry.getValue();
      System.out.printf(
          Locale.ROOT,
          "| `%s` | %s | %s | %s | %s |%n",
          entry.getKey(),
          number(figure.value()),
          figure.hasTarget() ? number(figure.target()) : "(report only)",
          figure.better(),
          met(figure));
    }
  }

  private static String met(Figure figure) {
    if (!figure.hasTarget()) {
      return "-";
    }
    boolean met =
        figure.better().equals("higher")
            ? figure.value() >= figure.target()
            : figure.value() <= figure.target();
    return met ? "yes" : "no";
  }

  /** The value as the results file holds it, without trailing zeros. */
  private static String number(double value) {
    return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
  }
}
