package io.streamlearn.pipeline;

import static io.streamlearn.pipeline.config.StreamlearnOptions.JOB_NAME;

import io.streamlearn.operators.Batching;
import io.streamlearn.operators.FusedTrainer;
import io.streamlearn.operators.OnlineTrainer;
import io.streamlearn.operators.TrainerSettings;
import io.streamlearn.pipeline.config.StreamlearnConfig;
import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Submits the job that {@code bin/streamlearn run --jobmanager HOST:PORT --detached} submits,
 * except that each trainer subtask of its first attempt throws once it has trained {@code
 * failAfterSteps} batches after a checkpoint completed: a failure inside a running TaskManager,
 * which the job recovers from by restarting its tasks in the same TaskManagers.
 *
 * <p>In this package for {@link StreamlearnJob}'s trainer seam and {@link KafkaJob}'s parts, which
 * are package-private. Run in a JVM of its own (e2e tests), with the command line's jar and the jar
 * holding this class on the class path.
 *
 * <p>Usage: {@code FailsOnceJob <config.yaml> <jobmanager host:port> <failAfterSteps> <job jar>...}
 */
public final class FailsOnceJob {

  private FailsOnceJob() {}

  public static void main(String[] args) throws Exception {
    StreamlearnConfig config = StreamlearnConfig.load(Path.of(args[0]), Map.of());
    int colon = args[1].lastIndexOf(':');
    int failAfterSteps = Integer.parseInt(args[2]);
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.createRemoteEnvironment(
            args[1].substring(0, colon),
            Integer.parseInt(args[1].substring(colon + 1)),
            config.flinkConfiguration(),
            Arrays.copyOfRange(args, 3, args.length));
    StreamlearnJob.defineWorkflow(
        env,
        KafkaJob.samplesSource(config, false),
        KafkaJob.labelsSource(config, false),
        KafkaJob.sinks(config),
        KafkaJob.pipelineSettings(config),
        failingTrainers(failAfterSteps));
    JobClient job = env.executeAsync(config.get(JOB_NAME));
    System.out.println("Submitted job " + job.getJobID());
  }

  /** Makes the failing trainer of either mode. */
  private static TrainerFactory failingTrainers(int failAfterSteps) {
    return new TrainerFactory(
        (settings, batching) ->
            new FailsOncePerKey(settings, batching, new FailsOnce(failAfterSteps)),
        (settings, batching, fuseKeys, maxDelay) ->
            new FailsOnceFused(
                settings, batching, fuseKeys, maxDelay, new FailsOnce(failAfterSteps)));
  }

  /** When to throw: in the first attempt, {@code failAfterSteps} batches after a checkpoint. */
  private static final class FailsOnce implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int failAfterSteps;
    private transient int stepsAfterCheckpoint;
    private transient boolean checkpointCompleted;

    FailsOnce(int failAfterSteps) {
      this.failAfterSteps = failAfterSteps;
    }

    void batchTrained(int attempt) {
      if (!checkpointCompleted || attempt > 0) {
        return;
      }
      if (++stepsAfterCheckpoint >= failAfterSteps) {
        throw new IllegalStateException(
            "Injected failure after " + stepsAfterCheckpoint + " steps past a checkpoint");
      }
    }

    void checkpointCompleted() {
      checkpointCompleted = true;
    }
  }

  /** The production per-key trainer, throwing in its first attempt as {@link FailsOnce} says. */
  private static final class FailsOncePerKey extends OnlineTrainer implements CheckpointListener {

    private final FailsOnce failure;

    FailsOncePerKey(TrainerSettings settings, Batching batching, FailsOnce failure) {
      super(settings, batching);
      this.failure = failure;
    }

    @Override
    protected void batchCut() {
      failure.batchTrained(getRuntimeContext().getTaskInfo().getAttemptNumber());
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
      failure.checkpointCompleted();
    }
  }

  /** The production fused trainer, throwing in its first attempt as {@link FailsOnce} says. */
  private static final class FailsOnceFused extends FusedTrainer {
    private static final long serialVersionUID = 1L;

    private final FailsOnce failure;

    FailsOnceFused(
        TrainerSettings settings,
        Batching batching,
        int fuseKeys,
        Duration maxDelay,
        FailsOnce failure) {
      super(settings, batching, fuseKeys, maxDelay);
      this.failure = failure;
    }

    @Override
    protected void batchCut() {
      failure.batchTrained(getRuntimeContext().getTaskInfo().getAttemptNumber());
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
      super.notifyCheckpointComplete(checkpointId);
      failure.checkpointCompleted();
    }
  }
}
