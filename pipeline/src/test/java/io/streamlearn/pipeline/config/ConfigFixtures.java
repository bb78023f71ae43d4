package io.streamlearn.pipeline.config;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Small configurations for tests: the required keys plus what a test is about. */
final class ConfigFixtures {

  private ConfigFixtures() {}

  /** The required keys (16 features), plus the given key/value pairs; mutable. */
  static Map<String, String> required(String... keysAndValues) {
    Map<String, String> flat = new HashMap<>();
    flat.put("kafka.bootstrap-servers", "localhost:9092");
    flat.put("model.features", "16");
    for (int i = 0; i < keysAndValues.length; i += 2) {
      flat.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return flat;
  }

  /** The problems loading the map reports; fails the test if it loads. */
  static List<String> problemsOf(Map<String, String> flat) {
    return assertThrows(ConfigException.class, () -> StreamlearnConfig.fromMap(flat)).problems();
  }
}
