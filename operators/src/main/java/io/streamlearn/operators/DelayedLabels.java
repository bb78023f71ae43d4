package io.streamlearn.operators;

import java.io.Serializable;
import java.time.Duration;

/**
 * How the trainer joins labels that arrive apart from their samples.
 *
 * @param timeToLive how long (processing time) an unlabeled sample waits for its label, or a label
 *     for its sample
 * @param trainingBatchSize joined samples train with the key's next mini-batch, or on their own
 *     once this many are waiting
 * @param maxTrainingDelay or on their own this long (processing time) after the first of them
 *     joined, so that a key that gets no more samples still learns from its late labels; zero: not
 *     by time, which keeps the steps a function of the order of inputs alone
 */
public record DelayedLabels(Duration timeToLive, int trainingBatchSize, Duration maxTrainingDelay)
    implements Serializable {

  public static final Duration DEFAULT_TIME_TO_LIVE = Duration.ofHours(1);

  public DelayedLabels {
    if (timeToLive.isNegative() || timeToLive.isZero()) {
      throw new IllegalArgumentException("label time-to-live must be positive, got " + timeToLive);
    }
    if (maxTrainingDelay.isNegative()) {
      throw new IllegalArgumentException(
          "training delay must not be negative, got " + maxTrainingDelay);
    }
    if (trainingBatchSize < 1) {
      throw new IllegalArgumentException(
          "training batch size must be at least 1, got " + trainingBatchSize);
    }
  }
}
