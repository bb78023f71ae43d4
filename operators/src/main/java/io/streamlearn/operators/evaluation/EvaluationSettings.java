package io.streamlearn.operators.evaluation;

import io.streamlearn.operators.ModelShape;
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
 * @param snapshotEvery a key also reports its metrics at every multiple of this many labeled
 *     predictions, so that a backlog replayed faster than the interval still draws a curve; 0 for
 *     none
 * @param detector which drift detector watches the whole job's errors, or {@link DetectorType#NONE}
 *     (each key's detector runs in the trainer)
 * @param shape what the models predict: the windows and the monitored error follow its task
 */
public record EvaluationSettings(
    int countWindow,
    Duration timeWindow,
    Duration snapshotInterval,
    int snapshotEvery,
    DetectorType detector,
    ModelShape shape)
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
    if (snapshotEvery < 0) {
      throw new IllegalArgumentException(
          "snapshot-every must be at least 0 (none), got " + snapshotEvery);
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
