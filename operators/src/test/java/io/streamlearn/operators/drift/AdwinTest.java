package io.streamlearn.operators.drift;

import static io.streamlearn.operators.drift.ErrorStream.DRIFT_START;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class AdwinTest extends DriftDetectorContract {

  @Override
  DriftDetector newDetector() {
    return new Adwin();
  }

  @Override
  DriftDetector decode(byte[] bytes) {
    return Adwin.decode(bytes);
  }

  @Test
  void forgetsTheValuesBeforeAnAbruptDrift() {
    Adwin adwin = new Adwin();
    ErrorStream.detections(adwin, ErrorStream::abrupt, DRIFT_START + 2_000, 1);

    // Cuts drop whole buckets, and only until the rest looks alike: a few old values stay.
    assertThat(adwin.width()).isBetween(2_000L - 200, 2_000L + 200);
    assertThat(adwin.mean()).isCloseTo(ErrorStream.AFTER, within(0.03));
    assertThat(adwin.statistics())
        .containsEntry("width", (double) adwin.width())
        .containsEntry("mean", adwin.mean())
        .containsEntry("delta", Adwin.DEFAULT_DELTA);
  }

  @Test
  void keepsAWindowOfEveryValueWhileNothingChangesInLogarithmicMemory() {
    Adwin adwin = new Adwin();
    ErrorStream.detections(adwin, ErrorStream::stationary, 50_000, 2);

    assertThat(adwin.width()).isEqualTo(50_000);
    assertThat(adwin.mean()).isCloseTo(ErrorStream.BEFORE, within(0.01));
    // 14 rows of at most 5 buckets of 16 bytes, where 50,000 doubles would take 400,000.
    assertThat(adwin.encode().length).isLessThan(1_500);
  }
}
