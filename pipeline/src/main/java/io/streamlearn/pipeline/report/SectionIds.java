package io.streamlearn.pipeline.report;

import java.util.HashSet;
import java.util.Set;

/**
 * Names for the report's sections, which are also the names of their PNG files: {@code overall},
 * {@code versions} and {@code key-<key>}. Keys may hold any character, file names and HTML ids may
 * not, so other characters become {@code _}; keys that then collide get a number.
 */
final class SectionIds {

  static final String OVERALL = "overall";
  static final String VERSIONS = "versions";

  /** File systems allow 255 bytes a name: leave room for the prefix, a number and ".png". */
  private static final int MAX_KEY_LENGTH = 200;

  private final Set<String> taken = new HashSet<>(Set.of(OVERALL, VERSIONS));

  String idOf(KeyHistory history) {
    if (history.isOverall()) {
      return OVERALL;
    }
    String sanitized = history.key().replaceAll("[^A-Za-z0-9._-]", "_");
    String base = "key-" + sanitized.substring(0, Math.min(sanitized.length(), MAX_KEY_LENGTH));
    String id = base;
    for (int n = 2; !taken.add(id); n++) {
      id = base + "-" + n;
    }
    return id;
  }
}
