package io.streamlearn.bench;

import io.streamlearn.bench.JobHarness.Job;
import io.streamlearn.pipeline.KafkaJob;
import io.streamlearn.pipeline.config.StreamlearnConfig;
import io.streamlearn.pipeline.generate.SampleStream;
import io.streamlearn.pipeline.generate.StandardStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.util.TestStreamEnvironment;

/**
 * {@code recovery_s}: the job as run wires it ({@link KafkaJob#define}), with its configuration's
 * checkpointing and Flink's default restart strategy, runs on a Flink MiniCluster of one task
 * manager with one slot, over 3 keys of the hyperplane stream, batch 16, checkpoints every second.
 * Once it has predicted a backlog (so a checkpoint has completed), the task manager is terminated
 * and a new one started in its place, as a supervisor would, and new samples are produced. The
 * figure is the time from the termination to the first prediction made after it: failure detection,
 * restart, state restore and the first step.
 */
final class Recovery implements JobBenchmark {

  private static final int KEYS = 3;
  private static final int BATCH = 16;
  private static final int FEATURES = 10;
  private static final int BACKLOG = 1_500;

  /** Full batches for every key after the failure: nothing waits for batch.max-delay. */
  private static final int AFTER_FAILURE = KEYS * BATCH * 2;

  @Override
  public Map<String, Figure> run(JobHarness harness, double scale) throws Exception {
    Job job =
        harness.job(
            "recovery",
            Map.of(
                "model.features", String.valueOf(FEATURES),
                "batch.size", String.valueOf(BATCH),
                "job.checkpoint-interval", "1 s"));
    StreamlearnConfig config = JobHarness.config(job);
    Configuration flink = config.flinkConfiguration();
    flink.set(
        CheckpointingOptions.CHECKPOINTS_DIRECTORY,
        harness.stateOf(job).resolve("checkpoints").toUri().toString());
    int backlog = JobBenchmark.scaled(BACKLOG, scale, 10 * BATCH);
    SampleStream samples = JobHarness.stream(StandardStream.HYPERPLANE, KEYS, FEATURES);
    harness.produce(job, JobHarness.take(samples, backlog));

    try (MiniCluster cluster = new MiniCluster(oneSlot(flink))) {
      cluster.start();
      TestStreamEnvironment env =
          new TestStreamEnvironment(cluster, flink, 1, List.of(), List.of());
      KafkaJob.define(env, config);
      JobClient client = env.executeAsync(job.name());
      try {
        // Committed predictions: a checkpoint holding the trained keys has completed.
        harness.predictions(job, backlog);
        long failedAt = System.currentTimeMillis();
        cluster.terminateTaskManager(0).get();
        cluster.startTaskManager();
        harness.produce(job, JobHarness.take(samples, AFTER_FAILURE));
        long firstAfter =
            harness.predictions(job, backlog + AFTER_FAILURE).stream()
                .mapToLong(prediction -> prediction.getPredictionTime().toEpochMilli())
                .filter(time -> time > failedAt)
                .min()
                .orElseThrow();
        double seconds = (firstAfter - failedAt) / 1000.0;
        System.out.printf(
            Locale.ROOT,
            "task manager terminated after %,d predictions; first prediction %.2f s later%n",
            backlog,
            seconds);
        return Map.of("recovery_s", Figure.atMost(seconds, 10));
      } finally {
        client.cancel().get();
      }
    }
  }

  private static MiniClusterConfiguration oneSlot(Configuration flink) {
    return new MiniClusterConfiguration.Builder()
        .setConfiguration(flink)
        .setNumTaskManagers(1)
        .setNumSlotsPerTaskManager(1)
        .build();
  }
}
