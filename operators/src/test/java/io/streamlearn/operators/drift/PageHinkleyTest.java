package io.streamlearn.operators.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PageHinkleyTest extends DriftDetectorContract {

  @Override
  DriftDetector newDetector() {
    return new PageHinkley();
  }

  @Override
  DriftDetector decode(byte[] bytes) {
    return PageHinkley.decode(bytes);
  }

  @Test
  void signalsWhenTheCumulativeDeviationExceedsTheThreshold() {
    PageHinkley detector = new PageHinkley(0, 1, 1);
    for (int i = 0; i < 30; i++) {
      assertThat(detector.add(0)).isFalse();
    }

    // 31st value: mean 1/31, sum 1 - 1/31. 32nd: mean 2/32, sum (1 - 1/31) + (1 - 2/32) > 1.
    assertThat(detector.add(1)).isFalse();
    assertThat(detector.statistics().get("sum")).isCloseTo(1 - 1.0 / 31, within(1e-12));
    assertThat(detector.add(1)).isTrue();
    assertThat(detector.statistics())
        .containsEntry("samples", 32.0)
        .containsEntry("mean", 2.0 / 32)
        .containsEntry("threshold", 1.0);
    assertThat(detector.statistics().get("sum")).isCloseTo(2 - 1.0 / 31 - 2.0 / 32, within(1e-12));
  }

  @Test
  void startsANewTestWithTheValueAfterADetection() {
    PageHinkley detector = new PageHinkley(0, 1, 1);
    for (int i = 0; i < 30; i++) {
      detector.add(0);
    }
    detector.add(1);
    assertThat(detector.add(1)).isTrue();

    assertThat(detector.add(1)).as("within the warm-up of the new test").isFalse();
    assertThat(detector.statistics()).containsEntry("samples", 1.0).containsEntry("mean", 1.0);
  }

  @Test
  void warmsUpFor30ValuesBeforeItCanSignal() {
    PageHinkley detector = new PageHinkley(0, 0.5, 1);
    detector.add(0);
    for (int i = 2; i < 30; i++) {
      assertThat(detector.add(1)).as("value %d", i).isFalse();
    }
    assertThat(detector.add(1)).as("value 30").isTrue();
  }
}
