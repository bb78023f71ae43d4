package io.streamlearn.operators;

/**
 * Scores the unscored samples of many keys' open batches together ({@link FusedTrainer}): with it,
 * an {@link OpenBatch} reports its unscored samples here rather than scoring them after {@link
 * Batching#predictMaxDelay} in a model call of its key alone.
 */
public interface SharedScoring {

  /** The current key's open batch holds samples that are not scored yet. */
  void unscored(KeyContext ctx) throws Exception;

  /**
   * The current key's open batch is about to be cut: its unscored samples must be scored now (with
   * any other key's that wait), through {@link OpenBatch#unscored} and {@link OpenBatch#scored}.
   */
  void scoreBeforeCut(KeyContext ctx) throws Exception;
}
