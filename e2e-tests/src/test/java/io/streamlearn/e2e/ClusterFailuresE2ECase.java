package io.streamlearn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamlearn.pipeline.FailsOnceJob;
import io.streamlearn.pipeline.generate.RotatingHyperplane;
import io.streamlearn.pipeline.kafka.KafkaBroker;
import io.streamlearn.pipeline.kafka.KafkaConnectors;
import io.streamlearn.schemas.LabeledSample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failures of a real cluster lose nothing. One JobManager and two TaskManagers of one slot each, so
 * that the job at parallelism 2 runs across both, learn from a real Kafka broker; each case breaks
 * something mid-stream and checks the job's committed output, as a read_committed consumer
 * downstream reads it: one prediction per sample, no model version twice, every sample trained.
 *
 * <p>The cases share the broker and the cluster (each runs its own job on topics of its own and
 * leaves the cluster with two TaskManagers), and wait on conditions (the REST API, committed
 * records), never on time: the machine may be busy.
 */
class ClusterFailuresE2ECase {

  private static final int FEATURES = 4;
  // Eight keys: both trainer subtasks get some, however the keys hash.
  private static final int KEYS = 8;
  private static final int BATCH_SIZE = 16;
  private static final int SAMPLES_PER_PART = 800;
  private static final Duration OUTPUT_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration JOB_END_TIMEOUT = Duration.ofSeconds(60);

  /** The name of the trainer's operator, which StreamlearnJob gives it. */
  private static final String TRAINER = "predict then train";

  /** What ND4J logs once its backend, with the native library, is loaded in a JVM. */
  private static final String ND4J_BACKEND_LOADED = "Loaded [CpuBackend] backend";

  // Kept when a test fails: the cluster's and the broker's logs are there.
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  static Path workDir;

  private static KafkaBroker kafka;
  private static FlinkCluster flink;

  @BeforeAll
  static void startKafkaAndFlink() throws Exception {
    kafka = KafkaBroker.start(workDir.resolve("kafka"));
    flink = FlinkCluster.start(workDir.resolve("flink"), 2, 1);
  }

  @AfterAll
  static void stopKafkaAndFlink() throws Exception {
    try {
      if (flink != null) {
        flink.close();
      }
    } finally {
      if (kafka != null) {
        kafka.close();
      }
    }
  }

  @Test
  void aKilledTaskManagerIsReplacedAndTheJobRecoversWithoutLosingOrRepeatingAnything()
      throws Exception {
    try (Topics topics = Topics.create("killed-taskmanager")) {
      String jobId = topics.submit(2, null);
      topics.produceAndAwaitFirstCommit();

      ProcessHandle victim = flink.taskManagerProcesses().get(0);
      assertThat(victim.isAlive()).isTrue();
      flink.killTaskManager(victim);
      flink.startTaskManager();
      topics.produceAndAwaitAllTrained();

      topics.outputs.assertEachSampleCountedOnce(topics.samples);
      assertThat(flink.restoredCheckpoint(jobId).path("is_savepoint").asBoolean()).isFalse();
      assertThat(flink.restoredCheckpoint(jobId).path("id").asLong())
          .as("the checkpoint the job restored")
          .isPositive();
      topics.cancel(jobId);
    }
  }

  @Test
  void aBrokerRestartedMidStreamLosesAndRepeatsNothing() throws Exception {
    try (Topics topics = Topics.create("restarted-broker")) {
      String jobId = topics.submit(2, null);
      topics.produceAndAwaitFirstCommit();

      String before = kafka.bootstrapServers();
      kafka = kafka.restart();
      assertThat(kafka.bootstrapServers()).isEqualTo(before);
      topics.produceAndAwaitAllTrained();

      topics.outputs.assertEachSampleCountedOnce(topics.samples);
      topics.cancel(jobId);
    }
  }

  @Test
  void aJobStoppedWithASavepointResumesAtParallelismOneThenTwoAndEveryKeyKeepsItsModel()
      throws Exception {
    try (Topics topics = Topics.create("rescaled")) {
      String first = topics.submit(2, null);
      topics.produceAndAwaitAllTrained();
      String atOne = flink.stopWithSavepoint(first);
      assertThat(Await.until(JOB_END_TIMEOUT, () -> flink.jobStatus(first).equals("FINISHED")))
          .as("job %s FINISHED after its savepoint", first)
          .isTrue();

      String second = topics.submit(1, atOne);
      assertThat(flink.parallelism(second, TRAINER)).isEqualTo(1);
      topics.produceAndAwaitAllTrained();
      String atTwo = flink.stopWithSavepoint(second);

      String third = topics.submit(2, atTwo);
      assertThat(flink.parallelism(third, TRAINER)).isEqualTo(2);
      topics.produceAndAwaitAllTrained();

      // Versions go on from the savepoint (never back or twice), and each key's last model has
      // seen the samples of all three runs: the models came through both savepoints.
      topics.outputs.assertEachSampleCountedOnce(topics.samples);
      for (String resumed : List.of(second, third)) {
        assertThat(flink.restoredCheckpoint(resumed).path("is_savepoint").asBoolean())
            .as("job %s resumed from a savepoint", resumed)
            .isTrue();
      }
      topics.cancel(third);
    }
  }

  @Test
  void aTaskManagerRestartingTheJobKeepsTrainingWithNd4jLoadedOnce() throws Exception {
    try (Topics topics = Topics.create("restarted-job")) {
      Path failingJar =
          ClassFilesJar.write(topics.dir.resolve("fails-once-job.jar"), FailsOnceJob.class);
      String jobId =
          topics.submitted(
              StreamlearnCli.runMain(
                  topics.dir.resolve("submit.out"),
                  Duration.ofMinutes(2),
                  failingJar,
                  FailsOnceJob.class.getName(),
                  topics.config(2, null).toString(),
                  flink.restAddress(),
                  "3",
                  StreamlearnCli.jar("streamlearn.job.jar").toString(),
                  failingJar.toString()));
      topics.produceAndAwaitFirstCommit();
      topics.produceAndAwaitAllTrained();

      topics.outputs.assertEachSampleCountedOnce(topics.samples);
      assertThat(flink.jobExceptions(jobId))
          .as("exceptions that failed job %s", jobId)
          .anySatisfy(trace -> assertThat(trace).contains("Injected failure"));
      assertThat(flink.restoredCheckpoint(jobId).path("id").asLong()).isPositive();
      // ND4J and its native library come from lib/, parent-first: loaded once per TaskManager
      // however often a job's classes are loaded anew, which a second load would not survive.
      for (int i = 0; i < flink.taskManagerProcesses().size(); i++) {
        if (flink.taskManagerProcesses().get(i).isAlive()) {
          Path log = flink.taskManagerLogs().get(i);
          assertThat(count(log, ND4J_BACKEND_LOADED)).as("ND4J backend loads in %s", log).isOne();
        }
      }
      topics.cancel(jobId);
    }
  }

  private static long count(Path log, String line) throws IOException {
    try (Stream<String> lines = Files.lines(log)) {
      return lines.filter(text -> text.contains(line)).count();
    }
  }

  /**
   * One case's topics and the samples it has sent to them: what its jobs read and write, and what
   * they have committed so far.
   */
  private static final class Topics implements AutoCloseable {

    final String name;
    final Path dir;
    final List<LabeledSample> samples = new ArrayList<>();
    final CommittedOutputs outputs;
    private final RotatingHyperplane stream;

    private Topics(String name, Path dir) {
      this.name = name;
      this.dir = dir;
      // A slowly drifting concept with 5 % label noise, as a learning job sees it.
      this.stream = new RotatingHyperplane(name.hashCode(), FEATURES, KEYS, 0.0005, 0.05);
      this.outputs =
          new CommittedOutputs(
              kafka.bootstrapServers(), topic("predictions"), topic("model-checkpoints"));
    }

    static Topics create(String name) throws Exception {
      kafka.createTopic(name + "-samples", 2);
      kafka.createTopic(name + "-predictions", 2);
      // One partition: each key's models are read back in the order they were published.
      kafka.createTopic(name + "-model-checkpoints", 1);
      kafka.createTopic(name + "-dead-letters", 1);
      kafka.createTopic(name + "-metrics", 1);
      return new Topics(name, Files.createDirectories(workDir.resolve(name)));
    }

    String topic(String role) {
      return name + "-" + role;
    }

    /**
     * Submits the job with the packaged command line, resuming from {@code savepoint} unless null.
     */
    String submit(int parallelism, String savepoint) throws Exception {
      return submitted(
          StreamlearnCli.run(
              dir.resolve("submit.out"),
              Duration.ofMinutes(2),
              "run",
              "--config",
              config(parallelism, savepoint).toString(),
              "--jobmanager",
              flink.restAddress(),
              "--job-jar",
              StreamlearnCli.jar("streamlearn.job.jar").toString(),
              "--detached"));
    }

    /** The id of the job a submission printed, once all its tasks run. */
    String submitted(StreamlearnCli.Result submission) throws Exception {
      String id = submission.submittedJobId();
      assertThat(Await.until(JOB_END_TIMEOUT, () -> flink.jobFullyRunning(id)))
          .as("all tasks of job %s running; logs in %s", id, workDir)
          .isTrue();
      return id;
    }

    /**
     * The job's configuration: this case's topics, frequent checkpoints and models, and a state
     * directory of its own, so that a first submission never resumes from an earlier run's state.
     */
    Path config(int parallelism, String savepoint) throws IOException {
      String resume =
          savepoint == null
              ? ""
              : "flink:\n  execution.state-recovery.path: \"%s\"\n".formatted(savepoint);
      return Files.writeString(
          dir.resolve("streamlearn-" + parallelism + ".yaml"),
          """
          kafka:
            bootstrap-servers: %s
            group-id: %s
            topic:
              samples: %s
              predictions: %s
              checkpoints: %s
              dead-letters: %s
              metrics: %s
          model:
            features: %d
            checkpoint:
              every-steps: 10
              interval: 1 s
          batch:
            size: %d
          job:
            name: %s
            parallelism: %d
            checkpoint-interval: 1 s
            state-dir: "%s"
          %s"""
              .formatted(
                  kafka.bootstrapServers(),
                  name,
                  topic("samples"),
                  topic("predictions"),
                  topic("model-checkpoints"),
                  topic("dead-letters"),
                  topic("metrics"),
                  FEATURES,
                  BATCH_SIZE,
                  name,
                  parallelism,
                  dir.resolve("state"),
                  resume));
    }

    /** Sends the next samples and waits until a checkpoint has committed some of their output. */
    void produceAndAwaitFirstCommit() throws InterruptedException {
      int before = outputs.predictions().size();
      produce();
      assertThat(
              outputs.readUntil(
                  OUTPUT_TIMEOUT, committed -> committed.predictions().size() > before))
          .as("committed predictions of %s; logs in %s", name, workDir)
          .isTrue();
    }

    /**
     * Sends the next samples and waits until each key's last committed model has trained on all of
     * the key's samples and as many predictions as samples have been read.
     */
    void produceAndAwaitAllTrained() throws InterruptedException {
      produce();
      assertThat(
              outputs.readUntil(
                  OUTPUT_TIMEOUT, committed -> committed.trainedAndPredicted(samples)))
          .as(
              "every sample of %s trained within %d s (%d predictions read); logs in %s",
              name, OUTPUT_TIMEOUT.toSeconds(), outputs.predictions().size(), workDir)
          .isTrue();
    }

    private void produce() {
      List<LabeledSample> part = Stream.generate(stream::next).limit(SAMPLES_PER_PART).toList();
      KafkaConnectors.produce(kafka.bootstrapServers(), topic("samples"), part);
      samples.addAll(part);
    }

    /** Cancels the job and waits until it has ended, so that the next case finds free slots. */
    void cancel(String jobId) throws Exception {
      flink.cancelJob(jobId);
      assertThat(Await.until(JOB_END_TIMEOUT, () -> flink.jobStatus(jobId).equals("CANCELED")))
          .as("job %s CANCELED, the REST API says %s", jobId, flink.jobStatus(jobId))
          .isTrue();
    }

    @Override
    public void close() throws Exception {
      outputs.close();
      // A case that failed leaves its job running: cancel it, so that it leaves the slots free.
      for (String unfinished : flink.unfinishedJobs()) {
        cancel(unfinished);
      }
    }
  }
}
