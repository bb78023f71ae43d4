package io.streamlearn.operators.evaluation;

import io.streamlearn.operators.drift.DetectorType;
import java.io.Serializable;
import java.time.Duration;

/**
 * What the {@link PrequentialEvaluator} measures and how often it reports.
 *
 * @param countWindow the count window holds the last this many labeled predictions
 * @param timeWindow the time window holds the labeled predictions made less than this before the
 *     newest
 * @param snapshotInterval a key with new labeled predictions reports its metrics this long after
 *     the first of them (processing time)
 * @param detector which drift detector watches the whole job's errors, or {@link DetectorType#NONE}
 *     (each key's detector runs in the trainer)
 * @param classification whether the models classify (else they regress)
 */
public record EvaluationSettings(
    int countWindow,
    Duration timeWindow,
    Duration snapshotInterval,
    DetectorType detector,
    boolean classification)
    implements Serializable {

  public EvaluationSettings {
    if (countWindow < 1) {
      throw new IllegalArgumentException("count window must be at least 1, got " + countWindow);
    }
    if (timeWindow.toMillis() < 1 || snapshotInterval.toMillis() < 1) {
      throw new IllegalArgumentException(
          "time window and snapshot interval must be at least 1 ms, got "
              + timeWindow
              + " and "
              + snapshotInterval);
    }
    if (detector == null) {
      throw new IllegalArgumentException("detector must be set; DetectorType.NONE for none");
    }
  }

  WindowBound countBound() {
    return WindowBound.count(countWindow);
  }

  WindowBound timeBound() {
    return WindowBound.time(timeWindow);
  }
}
