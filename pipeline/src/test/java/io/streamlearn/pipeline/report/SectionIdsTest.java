package io.streamlearn.pipeline.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SectionIdsTest {

  private final SectionIds ids = new SectionIds();

  @Test
  void namesTheWholeJobOverall() {
    assertThat(ids.idOf(history(null))).isEqualTo("overall");
  }

  @Test
  void replacesCharactersThatFileNamesAndHtmlIdsCannotHold() {
    assertThat(ids.idOf(history("plant 7/line:2 ü"))).isEqualTo("key-plant_7_line_2__");
  }

  @Test
  void numbersKeysThatCollideOnceSanitized() {
    assertThat(ids.idOf(history("a/b"))).isEqualTo("key-a_b");
    assertThat(ids.idOf(history("a:b"))).isEqualTo("key-a_b-2");
    assertThat(ids.idOf(history("a b"))).isEqualTo("key-a_b-3");
  }

  @Test
  void keepsFileNamesWithinWhatFileSystemsAllow() {
    assertThat(ids.idOf(history("k".repeat(1000))).length() + ".png".length()).isLessThan(255);
  }

  private static KeyHistory history(String key) {
    return new KeyHistory(key, List.of(), List.of());
  }
}
