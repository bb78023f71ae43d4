package io.streamlearn.pipeline.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.configuration.ConfigOption;

/**
 * Collects what is wrong with a configuration so that every problem is reported at once. It also
 * remembers which keys had problems, so that checks depending on those keys can be skipped instead
 * of reporting confusing follow-on errors.
 */
final class Problems {

  private final List<String> messages = new ArrayList<>();
  private final Set<String> keysWithProblems = new HashSet<>();

  /** Adds "key: detail". */
  void add(ConfigOption<?> option, String detail) {
    add(option.key(), detail);
  }

  /** Adds "key: detail". */
  void add(String key, String detail) {
    messages.add(key + ": " + detail);
    keysWithProblems.add(key);
  }

  /** Adds a problem that is not about one key's value, such as an unknown key. */
  void add(String message) {
    messages.add(message);
  }

  void addAll(ConfigException exception) {
    messages.addAll(exception.problems());
  }

  void addAll(Problems other) {
    messages.addAll(other.messages);
    keysWithProblems.addAll(other.keysWithProblems);
  }

  List<String> messages() {
    return List.copyOf(messages);
  }

  boolean isEmpty() {
    return messages.isEmpty();
  }

  boolean concernAny(List<ConfigOption<?>> options) {
    return options.stream().anyMatch(option -> keysWithProblems.contains(option.key()));
  }

  void throwIfAny() {
    if (!messages.isEmpty()) {
      throw new ConfigException(messages);
    }
  }

  /** A value as the user wrote it, quoted so that empty and blank values stay visible. */
  static String quote(String rawValue) {
    return "'" + rawValue + "'";
  }
}
