package io.streamlearn.pipeline.config;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** Finds the known key an unknown key was most likely meant to be, by edit distance. */
final class KeySuggestions {

  private KeySuggestions() {}

  /** The known key closest to the unknown one, ignoring case; the first of equally close ones. */
  static String closest(String unknownKey, List<String> knownKeys) {
    String unknown = unknownKey.toLowerCase(Locale.ROOT);
    return knownKeys.stream()
        .min(
            Comparator.comparingInt(known -> editDistance(unknown, known.toLowerCase(Locale.ROOT))))
        .orElseThrow();
  }

  /** Levenshtein distance: the fewest single-character insertions, deletions and substitutions. */
  static int editDistance(String a, String b) {
    int[] previousRow = new int[b.length() + 1];
    int[] currentRow = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previousRow[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      currentRow[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previousRow[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        int deletion = previousRow[j] + 1;
        int insertion = currentRow[j - 1] + 1;
        currentRow[j] = Math.min(substitution, Math.min(deletion, insertion));
      }
      int[] swap = previousRow;
      previousRow = currentRow;
      currentRow = swap;
    }
    return previousRow[b.length()];
  }
}
