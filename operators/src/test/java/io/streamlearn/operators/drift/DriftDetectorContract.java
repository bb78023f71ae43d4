package io.streamlearn.operators.drift;

import static io.streamlearn.operators.drift.ErrorStream.DRIFT_START;
import static io.streamlearn.operators.drift.ErrorStream.detections;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What every drift detector must do with its default parameters, on 0/1 error streams. */
abstract class DriftDetectorContract {

  abstract DriftDetector newDetector();

  abstract DriftDetector decode(byte[] bytes);

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void neverFiresOn50000SamplesOfAStationaryTenPercentErrorRate(long seed) {
    assertThat(detections(newDetector(), ErrorStream::stationary, 50_000, seed)).isEmpty();
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void detectsAnAbruptRiseFromTenToFortyPercentWithin1000Samples(long seed) {
    List<Integer> detections = detections(newDetector(), ErrorStream::abrupt, 20_000, seed);

    assertThat(detections).as("detections").isNotEmpty();
    assertThat(detections.get(0))
        .as("first detection, drift at %d", DRIFT_START)
        .isBetween(DRIFT_START, DRIFT_START + 1_000);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void detectsAGradualRiseOver2000SamplesWithin2000SamplesOfItsStart(long seed) {
    List<Integer> detections = detections(newDetector(), ErrorStream::gradual, 20_000, seed);

    assertThat(detections).as("detections").isNotEmpty();
    assertThat(detections.get(0))
        .as("first detection, drift from %d", DRIFT_START)
        .isBetween(DRIFT_START, DRIFT_START + 2_000);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void neverFiresWhenTheErrorRateFalls(long seed) {
    assertThat(detections(newDetector(), ErrorStream::falling, 20_000, seed)).isEmpty();
  }

  @Test
  void aDecodedDetectorGoesOnExactlyLikeTheOriginal() {
    DriftDetector original = newDetector();
    Random random = new Random(3);
    // Stop in the middle of the abrupt drift, where the state is at its most eventful.
    for (int position = 0; position < DRIFT_START + 100; position++) {
      original.add(ErrorStream.error(random, ErrorStream.abrupt(position)));
    }

    DriftDetector decoded = decode(original.encode());

    assertThat(decoded.statistics()).isEqualTo(original.statistics());
    for (int position = DRIFT_START + 100; position < 20_000; position++) {
      double error = ErrorStream.error(random, ErrorStream.abrupt(position));
      assertThat(decoded.add(error)).as("detection at %d", position).isEqualTo(original.add(error));
    }
    assertThat(decoded.encode()).isEqualTo(original.encode());
  }

  @Test
  void resetForgetsEveryValue() {
    DriftDetector detector = newDetector();
    detections(detector, ErrorStream::abrupt, 15_000, 1);

    detector.reset();

    assertThat(detector.encode()).isEqualTo(newDetector().encode());
  }

  @Test
  void theFirstByteIsTheFormatVersionAndOthersAreRejected() {
    byte[] bytes = newDetector().encode();
    assertThat(bytes[0]).isEqualTo((byte) 1);

    bytes[0] = 2;
    assertThatThrownBy(() -> decode(bytes))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("version 2");
  }
}
