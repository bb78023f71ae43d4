package io.streamlearn.pipeline;

import io.streamlearn.operators.FusedTrainer;
import io.streamlearn.operators.TrainerSettings;
import io.streamlearn.schemas.LabeledSample;
import java.time.Duration;
import java.util.List;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/** The production fused trainer, failing and reporting as {@link FailingTrainer} does. */
final class FailingFusedTrainer extends FusedTrainer {

  private static final long serialVersionUID = 1L;

  private final String runName;

  FailingFusedTrainer(TrainerSettings settings, int fuseKeys, Duration maxDelay, String runName) {
    super(settings, fuseKeys, maxDelay);
    this.runName = runName;
  }

  @Override
  public void initializeState(StateInitializationContext context) throws Exception {
    super.initializeState(context);
    InjectedFailures.of(runName)
        .initialized(context.getRestoredCheckpointId(), context.getKeyedStateStore());
  }

  @Override
  public void open() throws Exception {
    super.open();
    InjectedFailures.of(runName).opened(getRuntimeContext().getTaskInfo());
  }

  @Override
  public void processElement1(StreamRecord<List<LabeledSample>> element) throws Exception {
    super.processElement1(element);
    InjectedFailures.of(runName).batchTrained();
  }

  @Override
  public void notifyCheckpointComplete(long checkpointId) throws Exception {
    super.notifyCheckpointComplete(checkpointId);
    InjectedFailures.of(runName).checkpointCompleted();
  }
}
