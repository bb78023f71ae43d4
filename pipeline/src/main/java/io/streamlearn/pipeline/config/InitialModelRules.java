package io.streamlearn.pipeline.config;

import static io.streamlearn.pipeline.config.Problems.quote;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_CONFIGURATION_FILE;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_INITIAL;

import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

/**
 * model.initial defines the whole network, so the keys that describe one must not be set next to
 * it, and the model.initial.* keys mean nothing without it: either would be silently ignored. (A
 * model.initial.* key written out at its default, as toMap does, changes nothing and is accepted.)
 */
final class InitialModelRules {

  private InitialModelRules() {}

  static void check(Configuration values, Map<String, String> rawByKey, Problems problems) {
    if (!values.contains(MODEL_INITIAL)) {
      for (ConfigOption<?> option : InitialModels.KEYS) {
        if (rawByKey.containsKey(option.key()) && !isDefault(option, values)) {
          problems.add(
              option,
              quote(rawByKey.get(option.key()))
                  + " is only used with "
                  + MODEL_INITIAL.key()
                  + ", which is not set");
        }
      }
      return;
    }
    for (ConfigOption<?> option : InitialModels.REPLACED_KEYS) {
      excludes(option, rawByKey, problems);
    }
    excludes(MODEL_CONFIGURATION_FILE, rawByKey, problems);
  }

  private static boolean isDefault(ConfigOption<?> option, Configuration values) {
    return option.hasDefaultValue() && option.defaultValue().equals(values.get(option));
  }

  private static void excludes(
      ConfigOption<?> option, Map<String, String> rawByKey, Problems problems) {
    if (rawByKey.containsKey(option.key())) {
      problems.add(
          option,
          quote(rawByKey.get(option.key()))
              + " cannot be set together with "
              + MODEL_INITIAL.key()
              + ", whose model defines the whole network; remove one of the two");
    }
  }
}
