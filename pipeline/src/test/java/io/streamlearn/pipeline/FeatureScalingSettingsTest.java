package io.streamlearn.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamlearn.operators.FeatureScaling;
import io.streamlearn.pipeline.config.ConfigException;
import io.streamlearn.pipeline.config.StreamlearnConfig;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * model.scaling reaches the trainer's settings; the job scales features unless told not to (the
 * default bench/quality chose).
 */
class FeatureScalingSettingsTest {

  @Test
  void scalesFeaturesByDefault() {
    assertThat(scalingOf(Map.of())).isEqualTo(FeatureScaling.STANDARD);
  }

  @Test
  void trainsOnRawFeaturesWhenScalingIsNone() {
    assertThat(scalingOf(Map.of("model.scaling", "none"))).isEqualTo(FeatureScaling.NONE);
  }

  @Test
  void standardScalingIsWrittenInLowerCaseAsInTheDocs() {
    assertThat(scalingOf(Map.of("model.scaling", "standard"))).isEqualTo(FeatureScaling.STANDARD);
  }

  @Test
  void refusesAnUnknownScaling() {
    assertThatThrownBy(() -> scalingOf(Map.of("model.scaling", "minmax")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("model.scaling");
  }

  private static FeatureScaling scalingOf(Map<String, String> extra) {
    Map<String, String> flat = new HashMap<>(extra);
    flat.put("kafka.bootstrap-servers", "unused:9092");
    flat.put("model.features", "2");
    return KafkaJob.pipelineSettings(StreamlearnConfig.fromMap(flat)).trainer().scaling();
  }
}
