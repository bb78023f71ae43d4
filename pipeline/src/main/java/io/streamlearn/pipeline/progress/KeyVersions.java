package io.streamlearn.pipeline.progress;

import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The model versions of any number of keys as one short phrase for a progress line: every key while
 * there are few, otherwise how many keys, the range of their versions and the keys that trail
 * furthest behind (the ones a user watches for a stuck or starved model).
 */
public final class KeyVersions {

  /** Keys named on a line at most: few enough to read, enough to spot a pattern. */
  static final int KEYS_SHOWN = 3;

  /** Longer keys are cut, so that one line stays one line whatever the keys look like. */
  static final int KEY_CHARS_SHOWN = 24;

  private static final Comparator<Map.Entry<String, Long>> SLOWEST_FIRST =
      Map.Entry.<String, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey());

  private KeyVersions() {}

  /**
   * For example {@code keys 1,000 v3-v57, slowest k-12:v3 k-99:v4 k-5:v4}, or {@code versions a:v7
   * b:v9} for up to three keys, or {@code keys 0} before the first prediction.
   *
   * @param versions the latest model version of each key
   */
  public static String summary(Map<String, Long> versions) {
    if (versions.isEmpty()) {
      return "keys 0";
    }
    if (versions.size() <= KEYS_SHOWN) {
      return "versions "
          + versions.entrySet().stream()
              .sorted(Map.Entry.comparingByKey())
              .map(KeyVersions::keyAndVersion)
              .collect(Collectors.joining(" "));
    }
    long lowest = versions.values().stream().mapToLong(Long::longValue).min().orElseThrow();
    long highest = versions.values().stream().mapToLong(Long::longValue).max().orElseThrow();
    return String.format(
        Locale.ROOT,
        "keys %,d v%d-v%d, slowest %s",
        versions.size(),
        lowest,
        highest,
        versions.entrySet().stream()
            .sorted(SLOWEST_FIRST)
            .limit(KEYS_SHOWN)
            .map(KeyVersions::keyAndVersion)
            .collect(Collectors.joining(" ")));
  }

  private static String keyAndVersion(Map.Entry<String, Long> keyVersion) {
    String key = keyVersion.getKey();
    String shown = key.length() <= KEY_CHARS_SHOWN ? key : key.substring(0, KEY_CHARS_SHOWN) + "…";
    return shown + ":v" + keyVersion.getValue();
  }
}
