package io.streamlearn.pipeline.config;

import java.util.Locale;

/**
 * Which trainer steps the keys' models: the value of {@link StreamlearnOptions#TRAINER_MODE},
 * written in lower case with a hyphen ({@code per-key}), as its text is what the configuration
 * parser matches.
 */
public enum TrainerMode {
  /** One DL4J fit per key batch. */
  PER_KEY,
  /** The waiting batches of many keys in one batched step; refused for a model it cannot train. */
  FUSED,
  /** Fused when the model allows it, per key otherwise. */
  AUTO;

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
