package io.streamlearn.pipeline;

import io.streamlearn.operators.Batching;
import io.streamlearn.operators.FusedTrainer;
import io.streamlearn.operators.TrainerSettings;
import java.time.Duration;
import org.apache.flink.runtime.state.StateInitializationContext;

/** The production fused trainer, failing and reporting as {@link FailingTrainer} does. */
final class FailingFusedTrainer extends FusedTrainer {

  private static final long serialVersionUID = 1L;

  private final String runName;

  FailingFusedTrainer(
      TrainerSettings settings,
      Batching batching,
      int fuseKeys,
      Duration maxDelay,
      String runName) {
    super(settings, batching, fuseKeys, maxDelay);
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
  protected void batchCut() throws Exception {
    InjectedFailures.of(runName).batchTrained();
  }

  @Override
  public void notifyCheckpointComplete(long checkpointId) throws Exception {
    super.notifyCheckpointComplete(checkpointId);
    InjectedFailures.of(runName).checkpointCompleted();
  }
}
