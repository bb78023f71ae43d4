package io.streamlearn.operators;

import io.streamlearn.schemas.MetricsEvent;
import io.streamlearn.schemas.ModelCheckpoint;
import io.streamlearn.schemas.Prediction;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.util.OutputTag;

/**
 * The side outputs of every trainer operator, whichever way it steps keys' models: the topology
 * wires them to sinks and evaluators without knowing which trainer made them. Dead letters go to
 * {@link DeadLetters#TAG}, like every operator's.
 */
public final class TrainerOutputs {

  public static final OutputTag<ModelCheckpoint> CHECKPOINTS =
      new OutputTag<>("model-checkpoints", new AvroTypeInfo<>(ModelCheckpoint.class));

  /**
   * The labeled predictions of each batch, and each served prediction a delayed label completed,
   * for evaluation: a batch at a time, so that the evaluator's state is read and written once per
   * batch. Completed predictions are only here: the predictions topic had them when served.
   */
  public static final OutputTag<List<Prediction>> SCORED =
      new OutputTag<>("scored-predictions", Types.LIST(new AvroTypeInfo<>(Prediction.class)));

  public static final OutputTag<MetricsEvent> DRIFT_EVENTS =
      new OutputTag<>("drift-events", new AvroTypeInfo<>(MetricsEvent.class));

  private TrainerOutputs() {}
}
