package io.streamlearn.pipeline.demo;

import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The model versions of any number of keys in a few words: how many keys, the range of their
 * versions and the keys that lag furthest behind, e.g. {@code keys 1,000 | versions v3-v41 |
 * slowest k-17:v3 k-902:v4 k-5:v4}. A progress line stays one readable line at any number of keys.
 */
public final class KeyVersionSummary {

  /** How many of the slowest keys are named. */
  static final int SLOWEST_SHOWN = 3;

  private KeyVersionSummary() {}

  public static String of(Map<String, Long> versions) {
    if (versions.isEmpty()) {
      return "keys 0";
    }
    long lowest = versions.values().stream().mapToLong(Long::longValue).min().orElseThrow();
    long highest = versions.values().stream().mapToLong(Long::longValue).max().orElseThrow();
    String slowest =
        versions.entrySet().stream()
            .sorted(
                Map.Entry.<String, Long>comparingByValue()
                    .thenComparing(Map.Entry.comparingByKey(Comparator.naturalOrder())))
            .limit(SLOWEST_SHOWN)
            .map(e -> e.getKey() + ":v" + e.getValue())
            .collect(Collectors.joining(" "));
    return String.format(
        Locale.ROOT,
        "keys %,d | versions v%d-v%d | slowest %s",
        versions.size(),
        lowest,
        highest,
        slowest);
  }
}
