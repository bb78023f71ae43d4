package io.streamlearn.operators;

import java.io.Serializable;
import java.time.Duration;

/**
 * How a trainer groups each key's samples ({@link OpenBatch}): into mini-batches to train on, and
 * into groups to score on arrival.
 *
 * @param batchSize samples per training step: a batch is cut when it holds this many
 * @param maxDelay a batch is also cut this long (processing time) after its first sample came;
 *     zero: by count only (and at the end of input)
 * @param predictMaxDelay longest an arrived sample waits to be scored with the key's other unscored
 *     samples in one model call; zero: each sample is scored alone as it arrives
 */
public record Batching(int batchSize, Duration maxDelay, Duration predictMaxDelay)
    implements Serializable {

  public Batching {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
    }
    if (maxDelay.isNegative() || predictMaxDelay.isNegative()) {
      throw new IllegalArgumentException("batch and prediction delays must not be negative");
    }
  }
}
