package io.streamlearn.pipeline;

import static io.streamlearn.pipeline.config.StreamlearnOptions.JOB_NAME;

import io.streamlearn.operators.OnlineTrainer;
import io.streamlearn.operators.TrainerSettings;
import io.streamlearn.pipeline.config.StreamlearnConfig;
import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.Prediction;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;

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
        settings -> new FailsOnceTrainer(settings, failAfterSteps));
    JobClient job = env.executeAsync(config.get(JOB_NAME));
    System.out.println("Submitted job " + job.getJobID());
  }

  /** The production trainer, throwing in its first attempt as {@link FailsOnceJob} says. */
  static final class FailsOnceTrainer extends OnlineTrainer implements CheckpointListener {

    private final int failAfterSteps;
    private transient int stepsAfterCheckpoint;
    private transient boolean checkpointCompleted;

    FailsOnceTrainer(TrainerSettings settings, int failAfterSteps) {
      super(settings);
      this.failAfterSteps = failAfterSteps;
    }

    @Override
    public void processElement1(List<LabeledSample> batch, Context ctx, Collector<Prediction> out)
        throws Exception {
      super.processElement1(batch, ctx, out);
      if (!checkpointCompleted || getRuntimeContext().getTaskInfo().getAttemptNumber() > 0) {
        return;
      }
      if (++stepsAfterCheckpoint >= failAfterSteps) {
        throw new IllegalStateException(
            "Injected failure after " + stepsAfterCheckpoint + " steps past a checkpoint");
      }
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
      checkpointCompleted = true;
    }
  }
}
