package io.streamlearn.operators;

import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.ModelCheckpoint;
import io.streamlearn.schemas.Prediction;
import io.streamlearn.schemas.SampleLabel;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;

/**
 * An unopened harness of the trainer's two keyed inputs: samples (input 1) and labels that come
 * after their samples (input 2).
 */
final class TrainerHarness
    extends KeyedTwoInputStreamOperatorTestHarness<String, LabeledSample, SampleLabel, Prediction> {

  /**
   * Batching of trainers whose batches are what each {@link #processBatch} call feeds: never full,
   * cut by their deadline, a millisecond after their first sample, and predicted one by one.
   */
  static final Batching BATCH_PER_CALL =
      new Batching(Integer.MAX_VALUE, Duration.ofMillis(1), Duration.ZERO);

  TrainerHarness(OnlineTrainer trainer) throws Exception {
    this(new OnlineTrainerOperator(trainer));
  }

  TrainerHarness(TwoInputStreamOperator<LabeledSample, SampleLabel, Prediction> trainer)
      throws Exception {
    super(trainer, LabeledSample::getKey, SampleLabel::getKey, Types.STRING);
  }

  /**
   * A snapshot as a task takes one: the operator first hears that a barrier is about to be sent
   * ({@code prepareSnapshotPreBarrier}), where the trainers write what a checkpoint must hold.
   */
  @Override
  public OperatorSubtaskState snapshot(long checkpointId, long timestamp) throws Exception {
    prepareSnapshotPreBarrier(checkpointId);
    return super.snapshot(checkpointId, timestamp);
  }

  /**
   * Feeds a key's samples one by one, then lets the processing time pass the batch's deadline, so
   * that a trainer with {@link #BATCH_PER_CALL} cuts them as one batch.
   */
  void processBatch(List<LabeledSample> batch) throws Exception {
    for (LabeledSample sample : batch) {
      processElement1(sample, 0);
    }
    setProcessingTime(getProcessingTime() + BATCH_PER_CALL.maxDelay().toMillis());
  }

  /** The model checkpoints published so far. */
  List<ModelCheckpoint> checkpoints() {
    var records = getSideOutput(TrainerOutputs.CHECKPOINTS);
    return records == null ? List.of() : records.stream().map(StreamRecord::getValue).toList();
  }

  /** The predictions the checkpoint's model served: of its key, stamped with its version. */
  List<Prediction> servedBy(ModelCheckpoint checkpoint) {
    return extractOutputValues().stream()
        .filter(p -> p.getKey().equals(checkpoint.getKey()))
        .filter(p -> p.getModelVersion() == checkpoint.getVersion())
        .toList();
  }
}
