package io.streamlearn.pipeline.progress;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeyVersionsTest {

  @Test
  void thousandKeysFitInOneShortPhraseWithTheirRangeAndTheSlowestKeys() {
    Map<String, Long> versions = new HashMap<>();
    for (int key = 0; key < 1_000; key++) {
      versions.put("key-" + key, 50L + key % 40);
    }
    versions.put("key-500", 3L);
    versions.put("key-7", 4L);
    versions.put("key-6", 4L);

    String summary = KeyVersions.summary(versions);

    assertThat(summary).isEqualTo("keys 1,000 v3-v89, slowest key-500:v3 key-6:v4 key-7:v4");
  }

  @Test
  void fewKeysAreAllNamedInKeyOrder() {
    assertThat(KeyVersions.summary(Map.of("b", 9L, "a", 7L, "c", 1L)))
        .isEqualTo("versions a:v7 b:v9 c:v1");
  }

  @Test
  void noKeysYetSaysSo() {
    assertThat(KeyVersions.summary(Map.of())).isEqualTo("keys 0");
  }

  @Test
  void longKeysAreCutSoTheLineStaysShort() {
    String longKey = "customer-" + "x".repeat(500);

    String summary = KeyVersions.summary(Map.of(longKey, 2L));

    assertThat(summary).isEqualTo("versions customer-xxxxxxxxxxxxxxx…:v2").hasSizeLessThan(50);
  }
}
