package io.streamlearn.pipeline.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeyVersionSummaryTest {

  @Test
  void summarizesAThousandKeysInOneShortLine() {
    Map<String, Long> versions = new HashMap<>();
    for (int key = 0; key < 1_000; key++) {
      versions.put("key-" + key, 100L + key % 50);
    }
    versions.put("key-17", 3L);
    versions.put("key-902", 4L);

    String summary = KeyVersionSummary.of(versions);

    assertThat(summary)
        .isEqualTo("keys 1,000 | versions v3-v149 | slowest key-17:v3 key-902:v4 key-0:v100");
  }

  @Test
  void namesEveryKeyWhenThereAreFew() {
    assertThat(KeyVersionSummary.of(Map.of("b", 7L, "a", 7L)))
        .isEqualTo("keys 2 | versions v7-v7 | slowest a:v7 b:v7");
    assertThat(KeyVersionSummary.of(Map.of())).isEqualTo("keys 0");
  }
}
