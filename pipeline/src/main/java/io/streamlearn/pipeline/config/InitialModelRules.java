package io.streamlearn.pipeline.config;

import static io.streamlearn.pipeline.config.Problems.quote;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_CONFIGURATION_FILE;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_INITIAL;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_INITIAL_PARENT_KEY;

import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;

/**
 * model.initial and model.initial.parent-key each define the whole network, so the keys that
 * describe one must not be set next to them, nor must they be set together; the other
 * model.initial.* keys mean nothing without one of them: either would be silently ignored. (A
 * model.initial.* key written out at its default, as toMap does, changes nothing and is accepted.)
 */
final class InitialModelRules {

  /** The keys that say where the initial model comes from, one at most. */
  private static final List<ConfigOption<String>> SOURCES =
      List.of(MODEL_INITIAL, MODEL_INITIAL_PARENT_KEY);

  private InitialModelRules() {}

  /** Whether new keys start from an initial model: a file or a parent key's checkpoint. */
  static boolean isSet(ReadableConfig values) {
    return SOURCES.stream().anyMatch(source -> values.getOptional(source).isPresent());
  }

  static void check(Configuration values, Map<String, String> rawByKey, Problems problems) {
    List<ConfigOption<String>> set = SOURCES.stream().filter(values::contains).toList();
    if (set.isEmpty()) {
      for (ConfigOption<?> option : InitialModels.KEYS) {
        if (rawByKey.containsKey(option.key()) && !isDefault(option, values)) {
          problems.add(
              option,
              quote(rawByKey.get(option.key()))
                  + " is only used with "
                  + MODEL_INITIAL.key()
                  + " or "
                  + MODEL_INITIAL_PARENT_KEY.key()
                  + ", and neither is set");
        }
      }
      return;
    }
    if (set.size() > 1) {
      problems.add(
          MODEL_INITIAL_PARENT_KEY,
          quote(rawByKey.get(MODEL_INITIAL_PARENT_KEY.key()))
              + " cannot be set together with "
              + MODEL_INITIAL.key()
              + ": new keys start from a file or from another key's checkpoint; remove one");
    }
    for (ConfigOption<?> option : InitialModels.REPLACED_KEYS) {
      excludes(option, set.get(0), rawByKey, problems);
    }
    excludes(MODEL_CONFIGURATION_FILE, set.get(0), rawByKey, problems);
  }

  private static boolean isDefault(ConfigOption<?> option, Configuration values) {
    return option.hasDefaultValue() && option.defaultValue().equals(values.get(option));
  }

  private static void excludes(
      ConfigOption<?> option,
      ConfigOption<String> source,
      Map<String, String> rawByKey,
      Problems problems) {
    if (rawByKey.containsKey(option.key())) {
      problems.add(
          option,
          quote(rawByKey.get(option.key()))
              + " cannot be set together with "
              + source.key()
              + ", whose model defines the whole network; remove one of the two");
    }
  }
}
