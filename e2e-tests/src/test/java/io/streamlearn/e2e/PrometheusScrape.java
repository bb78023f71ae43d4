package io.streamlearn.e2e;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One scrape of a Prometheus endpoint in its text exposition format, as samples: a metric name, its
 * labels and a value per line. Enough of the format for Flink's reporter; comments (HELP, TYPE) are
 * skipped.
 */
record PrometheusScrape(List<Sample> samples) {

  /** One line: {@code name{label="value",...} 1.0}. */
  record Sample(String name, Map<String, String> labels, double value) {}

  private static final Pattern LINE =
      Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{.*})?\\s+(\\S+)");
  private static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  static PrometheusScrape parse(String text) {
    return new PrometheusScrape(
        text.lines()
            .filter(line -> !line.isBlank() && !line.startsWith("#"))
            .map(PrometheusScrape::sample)
            .toList());
  }

  /** The samples of the metric, one per label set (per subtask, per quantile, ...). */
  List<Sample> named(String name) {
    return samples.stream().filter(sample -> sample.name().equals(name)).toList();
  }

  /** The sum of the metric's samples, such as a counter's over subtasks. */
  double sum(String name) {
    return named(name).stream().mapToDouble(Sample::value).sum();
  }

  private static Sample sample(String line) {
    Matcher matcher = LINE.matcher(line);
    if (!matcher.matches()) {
      throw new IllegalArgumentException("Not a Prometheus sample line: " + line);
    }
    Map<String, String> labels = new LinkedHashMap<>();
    if (matcher.group(2) != null) {
      Matcher label = LABEL.matcher(matcher.group(2));
      while (label.find()) {
        labels.put(label.group(1), label.group(2));
      }
    }
    return new Sample(matcher.group(1), labels, value(matcher.group(3)));
  }

  /** Prometheus writes infinities as Go does, which Java does not parse. */
  private static double value(String text) {
    return switch (text) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      default -> Double.parseDouble(text);
    };
  }
}
