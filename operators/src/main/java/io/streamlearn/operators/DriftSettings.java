package io.streamlearn.operators;

import io.streamlearn.operators.drift.DetectorType;
import io.streamlearn.operators.drift.DriftReaction;
import java.io.Serializable;

/**
 * How the trainer watches each key's prequential error for drift and what it does on a detection.
 *
 * @param detector the detector run per key, or {@link DetectorType#NONE}
 * @param reaction what a detection does to the key's model
 * @param boostFactor {@link DriftReaction#BOOST_LEARNING_RATE}: the learning rate is multiplied by
 *     this
 * @param boostSteps {@link DriftReaction#BOOST_LEARNING_RATE}: for this many training steps
 * @param rollbackHorizon {@link DriftReaction#ROLLBACK}: the kept copy is never more than this many
 *     versions older than the current model
 */
public record DriftSettings(
    DetectorType detector,
    DriftReaction reaction,
    double boostFactor,
    int boostSteps,
    int rollbackHorizon)
    implements Serializable {

  public static final double DEFAULT_BOOST_FACTOR = 3.0;
  public static final int DEFAULT_BOOST_STEPS = 50;
  public static final int DEFAULT_ROLLBACK_HORIZON = 100;

  public DriftSettings {
    if (detector == null || reaction == null) {
      throw new IllegalArgumentException("detector and reaction must be set");
    }
    if (!(boostFactor > 1.0) || boostSteps < 1 || rollbackHorizon < 1) {
      throw new IllegalArgumentException(
          "boost factor must be > 1 and boost steps and rollback horizon >= 1, got "
              + boostFactor
              + ", "
              + boostSteps
              + " and "
              + rollbackHorizon);
    }
  }

  /** A detector that alerts only, with the reactions' default parameters. */
  public static DriftSettings alertOnly(DetectorType detector) {
    return new DriftSettings(
        detector,
        DriftReaction.ALERT,
        DEFAULT_BOOST_FACTOR,
        DEFAULT_BOOST_STEPS,
        DEFAULT_ROLLBACK_HORIZON);
  }
}
