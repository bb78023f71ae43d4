package io.streamlearn.pipeline.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DemoStatsTest {

  @Test
  void progressLineStaysOneReadableLineAtAThousandKeys() {
    Map<String, Long> versions = new HashMap<>();
    for (int key = 0; key < 1_000; key++) {
      versions.put("key-" + key, 100L + key);
    }
    DemoStats stats =
        new DemoStats(50_000, 49_000, 48_000, 900, Map.of("accuracy", 0.9), 2, versions, 12.5);

    String line = stats.progressLine();

    assertThat(line)
        .hasSizeLessThan(200)
        .doesNotContain("\n")
        .contains("keys 1,000 v100-v1099, slowest key-0:v100 key-1:v101 key-2:v102")
        .contains("predictions 49,000");
  }

  @Test
  void aRegressionReportsItsErrorsWhereAClassifierReportsAccuracy() {
    DemoStats regression =
        new DemoStats(
            4_000,
            4_000,
            4_000,
            3,
            Map.of("mae", 1.25, "rmse", 1.5, "windowSize", 2_000.0),
            0,
            Map.of("key-0", 120L),
            10);
    DemoStats classifier =
        new DemoStats(
            4_000,
            4_000,
            4_000,
            3,
            Map.of("accuracy", 0.9, "kappa", 0.8, "logLoss", 0.3, "windowSize", 2_000.0),
            0,
            Map.of("key-0", 120L),
            10);

    assertThat(regression.json())
        .isEqualTo(
            "{\"samples\":4000,\"trained\":4000,\"predictions\":4000,\"checkpoints\":3,"
                + "\"mae\":1.250000,\"rmse\":1.500000,\"errorWindow\":2000,"
                + "\"drifts\":0,\"samplesPerSecond\":400.0}");
    assertThat(regression.progressLine()).contains("MAE(last 2,000) 1.250 RMSE 1.500");
    assertThat(regression.summary())
        .contains("over the last 2,000 predictions MAE 1.2500 RMSE 1.5000");
    assertThat(classifier.json())
        .contains("\"accuracy\":0.900000,\"accuracyWindow\":2000,\"kappa\":0.800000")
        .doesNotContain("mae");
    assertThat(classifier.progressLine()).contains("accuracy(last 2,000) 0.900 kappa 0.800");
  }
}
