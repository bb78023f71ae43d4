package io.streamlearn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/** A job submitted from this JVM runs on the TaskManager process of a real cluster. */
@TestMethodOrder(OrderAnnotation.class)
class FlinkClusterE2ECase {

  private static final long COUNT = 1000;

  // Kept when a test fails: the cluster's logs are there.
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  static Path workDir;

  private static FlinkCluster cluster;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = FlinkCluster.start(workDir);
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void runsAShippedJobOnTheTaskManagerUntilItFinishes() throws Exception {
    // The cluster's class path lacks the test classes: this jar is the only way there.
    Path jobJar = ClassFilesJar.write(workDir.resolve("square-job.jar"), SquareOnTaskManager.class);
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.createRemoteEnvironment(
            "127.0.0.1", cluster.restPort(), jobJar.toString());

    CloseableIterator<Tuple2<Long, Long>> results =
        env.fromSequence(1, COUNT).map(new SquareOnTaskManager()).collectAsync();
    JobClient job = env.executeAsync("squares");
    List<Tuple2<Long, Long>> collected = new ArrayList<>();
    try (results) {
      results.forEachRemaining(collected::add);
    }

    assertThat(collected).hasSize((int) COUNT);
    assertThat(collected.stream().mapToLong(squareAndPid -> squareAndPid.f0).sum())
        .isEqualTo(COUNT * (COUNT + 1) * (2 * COUNT + 1) / 6);
    assertThat(collected)
        .extracting(squareAndPid -> squareAndPid.f1)
        .containsOnly(cluster.taskManagerProcess().pid());
    String jobId = job.getJobID().toHexString();
    assertThat(Await.until(Duration.ofSeconds(30), () -> isFinished(jobId)))
        .as("job %s FINISHED, the REST API says %s", jobId, cluster.jobStatus(jobId))
        .isTrue();
    assertThat(cluster.runningJobs()).isEmpty();
  }

  /** Runs last; {@link #stopCluster()} closes the cluster a second time, which must be harmless. */
  @Test
  @Order(Integer.MAX_VALUE)
  void closeEndsBothProcesses() throws Exception {
    ProcessHandle jobManager = cluster.jobManagerProcess();
    ProcessHandle taskManager = cluster.taskManagerProcess();
    assertThat(jobManager.isAlive()).isTrue();
    assertThat(taskManager.isAlive()).isTrue();

    cluster.close();

    assertThat(jobManager.isAlive()).as("JobManager alive").isFalse();
    assertThat(taskManager.isAlive()).as("TaskManager alive").isFalse();
    // Flink removes its temporary files only when shut down in order (SIGTERM), not when killed.
    assertThat(workDir.resolve("tmp")).isEmptyDirectory();
  }

  private static boolean isFinished(String jobId) throws IOException, InterruptedException {
    return cluster.jobStatus(jobId).equals("FINISHED");
  }

  /** Squares a number and tells which process did it. */
  static final class SquareOnTaskManager implements MapFunction<Long, Tuple2<Long, Long>> {
    @Override
    public Tuple2<Long, Long> map(Long n) {
      return Tuple2.of(n * n, ProcessHandle.current().pid());
    }
  }
}
