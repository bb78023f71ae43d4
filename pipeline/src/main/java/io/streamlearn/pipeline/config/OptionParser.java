package io.streamlearn.pipeline.config;

import static io.streamlearn.pipeline.config.Problems.quote;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

/**
 * Parses the text given for each known key into its typed value. Parsing is Flink's own, so values
 * mean exactly what they mean in a Flink configuration ("200 ms", case-insensitive enum names);
 * Flink's IllegalArgumentException is rewritten into a message that says what was expected.
 */
final class OptionParser {

  private OptionParser() {}

  /**
   * Returns a Configuration holding the typed value of each key that was given and is well formed,
   * and reports required keys that are missing and values that do not parse.
   */
  static Configuration parse(Map<String, String> rawByKey, Problems problems) {
    Configuration values = new Configuration();
    for (ConfigOption<?> option : StreamlearnOptions.all()) {
      String raw = rawByKey.get(option.key());
      if (raw != null) {
        parseInto(values, option, raw, problems);
      } else if (StreamlearnOptions.isRequired(option)) {
        problems.add(option, "required, not set");
      }
    }
    return values;
  }

  private static <T> void parseInto(
      Configuration values, ConfigOption<T> option, String raw, Problems problems) {
    // Lists of maps arrive in Flink's own notation (YamlConfigFile writes them so), which keeps
    // ',' for the entries of each map.
    String flinkText =
        OptionTypes.isList(option) && !OptionTypes.isListOfMaps(option) ? asFlinkList(raw) : raw;
    T value;
    try {
      value = Configuration.fromMap(Map.of(option.key(), flinkText)).get(option);
    } catch (IllegalArgumentException e) {
      problems.add(option, quote(raw) + " is not " + expectation(option));
      return;
    }
    if (value instanceof Double number && !Double.isFinite(number)) {
      problems.add(option, quote(raw) + " is not " + expectation(option));
    } else if (value instanceof String text && text.isBlank()) {
      problems.add(option, quote(raw) + " is empty, must be a non-empty string");
    } else {
      values.set(option, value);
    }
  }

  /**
   * Flink separates list elements with ';', but users write "32,16" (and YAML lists are flattened
   * that way), so both separators are accepted, as are the brackets of Flink's "[32, 16]" form.
   */
  private static String asFlinkList(String raw) {
    String elements =
        raw.startsWith("[") && raw.endsWith("]") ? raw.substring(1, raw.length() - 1) : raw;
    if (elements.isBlank()) {
      return "";
    }
    return Arrays.stream(elements.split("[,;]", -1))
        .map(String::trim)
        .collect(Collectors.joining(";"));
  }

  private static String expectation(ConfigOption<?> option) {
    String element = scalarExpectation(OptionTypes.valueClass(option));
    return OptionTypes.isList(option)
        ? (OptionTypes.isListOfMaps(option)
                ? "a YAML list of maps, or maps separated by ';', each "
                : "a comma-separated list whose elements are each ")
            + element
        : element;
  }

  private static String scalarExpectation(Class<?> type) {
    if (type == Integer.class || type == Long.class) {
      return "an integer";
    }
    if (type == Double.class) {
      return "a finite number";
    }
    if (type == Duration.class) {
      return "a duration such as '200 ms', '10 s' or '10 min'";
    }
    if (type == Map.class) {
      return "a map such as type:dense,units:32";
    }
    if (type.isEnum()) {
      return "one of "
          + Arrays.stream(type.getEnumConstants())
              .map(Object::toString)
              .collect(Collectors.joining(", "))
          + " (case-insensitive)";
    }
    // Strings always parse; a new option type needs its wording added above.
    throw new IllegalStateException("no wording for values of " + type);
  }
}
