package io.streamlearn.operators;

import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.ModelCheckpoint;
import io.streamlearn.schemas.Prediction;
import io.streamlearn.schemas.SampleLabel;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;

/**
 * An unopened harness of the trainer's two keyed inputs: mini-batches (input 1) and labels that
 * come after their samples (input 2).
 */
final class TrainerHarness
    extends KeyedTwoInputStreamOperatorTestHarness<
        String, List<LabeledSample>, SampleLabel, Prediction> {

  TrainerHarness(OnlineTrainer trainer) throws Exception {
    this(new KeyedCoProcessOperator<>(trainer));
  }

  TrainerHarness(TwoInputStreamOperator<List<LabeledSample>, SampleLabel, Prediction> trainer)
      throws Exception {
    super(trainer, batch -> batch.get(0).getKey(), SampleLabel::getKey, Types.STRING);
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
