package io.streamlearn.pipeline;

import io.streamlearn.operators.OnlineTrainer;
import io.streamlearn.operators.TrainerSettings;
import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.Prediction;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.util.Collector;

/**
 * The production per-key trainer, failing where its run's {@link InjectedFailures} plan says: after
 * a training step or when its task hears that a checkpoint completed. It reports its attempt,
 * parallelism, restored checkpoint and state backend to the plan. {@link #factory} makes it, or
 * {@link FailingFusedTrainer} for fused runs.
 */
final class FailingTrainer extends OnlineTrainer
    implements CheckpointListener, CheckpointedFunction {

  private final String runName;

  FailingTrainer(TrainerSettings settings, String runName) {
    super(settings);
    this.runName = runName;
  }

  /** Failing trainers of both modes for the run named {@code runName}. */
  static TrainerFactory factory(String runName) {
    return new TrainerFactory(
        settings -> new FailingTrainer(settings, runName),
        (settings, fuseKeys, maxDelay) ->
            new FailingFusedTrainer(settings, fuseKeys, maxDelay, runName));
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
  public void processElement1(List<LabeledSample> batch, Context ctx, Collector<Prediction> out)
      throws Exception {
    super.processElement1(batch, ctx, out);
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
