package io.streamlearn.operators.drift;

/**
 * What the trainer does to a key's model when the key's drift detector fires. The names are
 * configuration values and appear in the {@code reaction} of drift events: renaming one breaks
 * both.
 */
public enum DriftReaction {
  /** Publish the drift event; the model keeps learning from the new data as it comes. */
  ALERT,
  /** Train the next steps with a multiple of the configured learning rate, then return to it. */
  BOOST_LEARNING_RATE,
  /** Replace the model by the initial one (same weights as a new key), as a new version. */
  RESET,
  /** Replace the model by the best of its recent versions, as a new version. */
  ROLLBACK;

  /** Whether the reaction puts other parameters in place of the key's current ones. */
  public boolean replacesModel() {
    return this == RESET || this == ROLLBACK;
  }
}
