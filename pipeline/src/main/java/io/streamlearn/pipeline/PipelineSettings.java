package io.streamlearn.pipeline;

import io.streamlearn.operators.ModelShape;
import io.streamlearn.operators.TrainerSettings;
import io.streamlearn.operators.evaluation.EvaluationSettings;
import java.io.Serializable;
import java.time.Duration;

/**
 * What the topology needs to know, already validated.
 *
 * @param maxRecordBytes largest sample record decoded; larger ones are dead-lettered
 * @param batchSize samples per mini-batch
 * @param maxBatchDelay longest wait for a batch to fill (zero: count only)
 * @param trainer model, checkpoint and metrics settings of the trainer
 * @param evaluation windows, snapshot interval and drift detector of the metrics topic
 * @param fused whether the keys' models train fused ({@code FusedTrainer}) rather than per key
 * @param fuseKeys fused: how many keys' batches wait before they train in one step
 */
public record PipelineSettings(
    int maxRecordBytes,
    int batchSize,
    Duration maxBatchDelay,
    TrainerSettings trainer,
    EvaluationSettings evaluation,
    boolean fused,
    int fuseKeys)
    implements Serializable {

  public ModelShape shape() {
    return trainer.shape();
  }
}
