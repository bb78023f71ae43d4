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
}
