package io.streamlearn.pipeline;

import io.streamlearn.operators.OnlineTrainer;
import io.streamlearn.operators.TrainerSettings;
import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.Prediction;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.util.Collector;

/**
 * The production trainer, failing where its run's {@link InjectedFailures} plan says: after a
 * training step (every batch of these tests is labeled, so each batch is one step) or when its task
 * hears that a checkpoint completed. It reports its attempt, parallelism, restored checkpoint and
 * state backend to the plan.
 */
final class FailingTrainer extends OnlineTrainer
    implements CheckpointListener, CheckpointedFunction {

  /**
   * A pause after each step, so that a run of a few hundred steps lasts several checkpoint
   * intervals however fast the machine is, and failures fall between checkpoints.
   */
  private static final long PACE_MILLIS = 20;

  private static final ValueStateDescriptor<Integer> BACKEND_PROBE =
      new ValueStateDescriptor<>("state-backend-probe", Types.INT);

  private final String runName;

  FailingTrainer(TrainerSettings settings, String runName) {
    super(settings);
    this.runName = runName;
  }

  @Override
  public void initializeState(FunctionInitializationContext context) {
    InjectedFailures failures = InjectedFailures.of(runName);
    context.getRestoredCheckpointId().ifPresent(failures::restoredFrom);
    // Keyed state objects are the backend's own classes: HeapValueState, RocksDBValueState.
    failures.stateHeldBy(
        context.getKeyedStateStore().getState(BACKEND_PROBE).getClass().getSimpleName());
  }

  @Override
  public void open(OpenContext openContext) {
    super.open(openContext);
    InjectedFailures.of(runName)
        .started(
            getRuntimeContext().getTaskInfo().getAttemptNumber(),
            getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks());
  }

  @Override
  public void processElement1(List<LabeledSample> batch, Context ctx, Collector<Prediction> out)
      throws Exception {
    super.processElement1(batch, ctx, out);
    InjectedFailures.of(runName).afterTrainingStep();
    Thread.sleep(PACE_MILLIS);
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
