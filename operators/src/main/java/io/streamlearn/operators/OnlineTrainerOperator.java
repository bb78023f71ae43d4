package io.streamlearn.operators;

import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.Prediction;
import io.streamlearn.schemas.SampleLabel;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.SimpleTimerService;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;

/**
 * The per-key trainer's operator: Flink's keyed co-process operator running {@link OnlineTrainer},
 * which also publishes, right before each checkpoint barrier, the models that changed since their
 * last publication, when the settings ask for it ({@link KeyStep#publishChanged}), and writes the
 * model states that new keys' first samples created ({@link KeyStep#saveCreated}). A function hears
 * of no barrier; its operator does.
 */
public class OnlineTrainerOperator
    extends KeyedCoProcessOperator<String, LabeledSample, SampleLabel, Prediction> {

  private static final long serialVersionUID = 1L;

  /** The name Flink's operator gives the function's timers; the fused trainer's share it. */
  static final String TIMERS = "user-timers";

  private transient OperatorKeyContext barrierContext;

  public OnlineTrainerOperator(OnlineTrainer trainer) {
    super(trainer);
  }

  @Override
  public void open() throws Exception {
    super.open();
    // Flink keeps one timer service per name: this is the one the function's context uses.
    barrierContext =
        new OperatorKeyContext(
            this::getCurrentKey,
            new SimpleTimerService(
                getInternalTimerService(TIMERS, VoidNamespaceSerializer.INSTANCE, this)),
            output);
    step().findUnpublished(getKeyedStateBackend());
  }

  @Override
  public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
    step().publishChanged(this::setCurrentKey, barrierContext);
    step().saveCreated(this::setCurrentKey);
    super.prepareSnapshotPreBarrier(checkpointId);
  }

  private KeyStep step() {
    return ((OnlineTrainer) getUserFunction()).step();
  }
}
