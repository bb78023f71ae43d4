package io.streamlearn.pipeline;

import io.streamlearn.operators.Batching;
import io.streamlearn.operators.ModelShape;
import io.streamlearn.operators.TrainerSettings;
import io.streamlearn.operators.evaluation.EvaluationSettings;
import java.io.Serializable;

/**
 * What the topology needs to know, already validated.
 *
 * @param maxRecordBytes largest sample record decoded; larger ones are dead-lettered
 * @param batching how the trainer cuts mini-batches and groups the samples it predicts
 * @param trainer model, checkpoint and metrics settings of the trainer
 * @param evaluation windows, snapshot interval and drift detector of the metrics topic
 * @param fused whether the keys' models train fused ({@code FusedTrainer}) rather than per key
 * @param fuseKeys fused: how many keys' batches wait before they train in one step
 */
public record PipelineSettings(
    int maxRecordBytes,
    Batching batching,
    TrainerSettings trainer,
    EvaluationSettings evaluation,
    boolean fused,
    int fuseKeys)
    implements Serializable {

  public ModelShape shape() {
    return trainer.shape();
  }
}
