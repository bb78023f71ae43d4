package io.streamlearn.pipeline.config;

import static io.streamlearn.pipeline.config.ConfigFixtures.required;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.description.HtmlFormatter;
import org.junit.jupiter.api.Test;

class StreamlearnOptionsTest {

  @Test
  void allListsEveryOptionConstantExactlyOnce() {
    List<ConfigOption<?>> constants =
        Arrays.stream(StreamlearnOptions.class.getFields())
            .filter(field -> Modifier.isStatic(field.getModifiers()))
            .filter(field -> field.getType() == ConfigOption.class)
            .<ConfigOption<?>>map(StreamlearnOptionsTest::valueOf)
            .toList();

    assertThat(StreamlearnOptions.all()).containsExactlyInAnyOrderElementsOf(constants);
    assertThat(StreamlearnOptions.all().stream().map(ConfigOption::key)).doesNotHaveDuplicates();
  }

  @Test
  void everyOptionIsDescribed() {
    assertThat(StreamlearnOptions.all())
        .allSatisfy(
            option ->
                assertThat(new HtmlFormatter().format(option.description()))
                    .as(option.key())
                    .hasSizeGreaterThan(20));
  }

  @Test
  void everyDefaultPassesItsOwnValidationWhenWrittenOut() {
    Map<String, String> defaults = required();
    StreamlearnOptions.all().stream()
        .filter(ConfigOption::hasDefaultValue)
        .forEach(option -> defaults.put(option.key(), OptionValues.format(option.defaultValue())));

    StreamlearnConfig config = StreamlearnConfig.fromMap(defaults);

    StreamlearnOptions.all().stream()
        .filter(ConfigOption::hasDefaultValue)
        .forEach(
            option -> assertThat((Object) config.get(option)).isEqualTo(option.defaultValue()));
  }

  @Test
  void onlyTheBootstrapServersAndFeatureCountAreRequired() {
    assertThat(StreamlearnOptions.all().stream().filter(StreamlearnOptions::isRequired))
        .containsExactly(
            StreamlearnOptions.KAFKA_BOOTSTRAP_SERVERS, StreamlearnOptions.MODEL_FEATURES);
  }

  private static ConfigOption<?> valueOf(Field field) {
    try {
      return (ConfigOption<?>) field.get(null);
    } catch (IllegalAccessException e) {
      throw new AssertionError(e);
    }
  }
}
