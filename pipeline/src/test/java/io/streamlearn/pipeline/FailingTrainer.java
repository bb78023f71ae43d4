package io.streamlearn.pipeline;

import io.streamlearn.operators.Batching;
import io.streamlearn.operators.OnlineTrainer;
import io.streamlearn.operators.TrainerSettings;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;

/**
 * The production per-key trainer, failing where its run's {@link InjectedFailures} plan says: after
 * a training step or when its task hears that a checkpoint completed. It reports its attempt,
 * parallelism, restored checkpoint and state backend to the plan. {@link #factory} makes it, or
 * {@link FailingFusedTrainer} for fused runs.
 */
final class FailingTrainer extends OnlineTrainer
    implements CheckpointListener, CheckpointedFunction {

  private final String runName;

  FailingTrainer(TrainerSettings settings, Batching batching, String runName) {
    super(settings, batching);
    this.runName = runName;
  }

  /** Failing trainers of both modes for the run named {@code runName}. */
  static TrainerFactory factory(String runName) {
    return new TrainerFactory(
        (settings, batching) -> new FailingTrainer(settings, batching, runName),
        (settings, batching, fuseKeys, maxDelay) ->
            new FailingFusedTrainer(settings, batching, fuseKeys, maxDelay, runName));
  }

  @Override
  public void initializeState(FunctionInitializationContext context) {
    InjectedFailures.of(runName)
        .initialized(context.getRestoredCheckpointId(), context.getKeyedStateStore());
  }

  @Override
  public void open(OpenContext openContext) {
    super.open(openContext);
    InjectedFailures.of(runName).opened(getRuntimeContext().getTaskInfo());
  }

  @Override
  protected void batchCut() throws Exception {
    InjectedFailures.of(runName).batchTrained();
  }

  @Override
  public void notifyCheckpointComplete(long checkpointId) {
    InjectedFailures.of(runName).checkpointCompleted();
  }

  @Override
  public void snapshotState(FunctionSnapshotContext context) {
    // Everything the trainer keeps is in OnlineTrainer's keyed state.
  }
}
