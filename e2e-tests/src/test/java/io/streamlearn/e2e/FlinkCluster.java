package io.streamlearn.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamlearn.e2e.FlinkClusterConfig.Role;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A real Flink standalone session cluster: one JobManager and one TaskManager, each a child JVM
 * bound to loopback, with its files (configuration, logs, console output, temporary files) in a
 * work directory.
 *
 * <p>There is no Flink distribution: jars of the test class path, which holds Flink's runtime and
 * DL4J/ND4J, play the role of the distribution's lib/. The processes end with {@link #close()},
 * with this JVM's shutdown, and, should this JVM be killed, on their own.
 */
public final class FlinkCluster implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final int LOG_TAIL_LINES = 40;

  private final FlinkClusterConfig config;
  private final FlinkRestClient rest;

  /** In start order; stopped in reverse. */
  private final List<ChildJvm> processes = new ArrayList<>();

  private final Thread shutdownHook = new Thread(this::closeQuietly, "flink-cluster-shutdown");
  private ChildJvm jobManager;
  private ChildJvm taskManager;
  private boolean closed;

  private FlinkCluster(FlinkClusterConfig config) {
    this.config = config;
    this.rest = new FlinkRestClient(restAddress());
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Starts a cluster in {@code workDir} from the deployment's configuration (see {@link
   * FlinkClusterConfig}) and returns once its TaskManager has registered its slots with the
   * JobManager.
   */
  public static FlinkCluster start(Path workDir) throws IOException, InterruptedException {
    FlinkCluster cluster = new FlinkCluster(FlinkClusterConfig.write(workDir));
    try {
      cluster.launch(workDir);
      cluster.awaitTaskManagerSlots();
      return cluster;
    } catch (IOException | InterruptedException | RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  /** Host and port of the REST API, such as {@code 127.0.0.1:8081}. */
  public String restAddress() {
    return "127.0.0.1:" + config.restPort();
  }

  public int restPort() {
    return config.restPort();
  }

  /**
   * What the TaskManager's Prometheus reporter serves: every metric, in Prometheus' text format.
   */
  public String scrapeTaskManagerMetrics() throws IOException, InterruptedException {
    return new FlinkRestClient("127.0.0.1:" + config.metricsPort(Role.TASK_MANAGER))
        .getText("/metrics");
  }

  /** The job's state as the JobManager reports it, such as RUNNING or FINISHED. */
  public String jobStatus(String jobId) throws IOException, InterruptedException {
    return rest.get("/jobs/" + jobId).path("state").asText();
  }

  /** The ids of the jobs in state RUNNING. */
  public List<String> runningJobs() throws IOException, InterruptedException {
    JsonNode jobs = rest.get("/jobs/overview").path("jobs");
    return StreamSupport.stream(jobs.spliterator(), false)
        .filter(job -> job.path("state").asText().equals("RUNNING"))
        .map(job -> job.path("jid").asText())
        .toList();
  }

  /** Asks the JobManager to cancel the job; returns before the job has ended. */
  public void cancelJob(String jobId) throws IOException, InterruptedException {
    rest.patch("/jobs/" + jobId + "?mode=cancel");
  }

  public ProcessHandle jobManagerProcess() {
    return jobManager.handle();
  }

  public ProcessHandle taskManagerProcess() {
    return taskManager.handle();
  }

  /** Stops the TaskManager, then the JobManager, and waits until both have exited. */
  @Override
  public synchronized void close() throws InterruptedException {
    if (closed) {
      return;
    }
    closed = true;
    for (int i = processes.size() - 1; i >= 0; i--) {
      processes.get(i).stop();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // close() runs in the shutdown hook itself.
    }
  }

  private void launch(Path workDir) throws IOException, InterruptedException {
    String classPath = clusterClassPath(workDir);
    jobManager = start(Role.JOB_MANAGER, workDir, classPath);
    processes.add(jobManager);
    taskManager = start(Role.TASK_MANAGER, workDir, classPath);
    processes.add(taskManager);
  }

  /**
   * Starts a cluster process the way Flink's scripts do: with the JVM options and the resources
   * (memory flags and properties) config.yaml gives it, plus the test-only overrides.
   */
  private ChildJvm start(Role role, Path workDir, String classPath)
      throws IOException, InterruptedException {
    Path configDir = config.configDir();
    FlinkProcessResources resources =
        FlinkProcessResources.compute(role.resourceCommand, classPath, configDir);
    List<String> args =
        concat(
            List.of("--configDir", configDir.toString()),
            concat(resources.dynamicProperties(), config.dynamicProperties(role)));
    List<String> jvmFlags = concat(config.jvmFlags(role), resources.jvmFlags());
    return ChildJvm.start(role.processName, workDir, classPath, jvmFlags, role.mainClass, args);
  }

  private void awaitTaskManagerSlots() throws InterruptedException {
    boolean ready =
        Await.until(
            START_TIMEOUT,
            () -> {
              for (ChildJvm process : processes) {
                if (!process.isAlive()) {
                  throw new IllegalStateException(failureReport("A cluster process died"));
                }
              }
              JsonNode overview = rest.get("/overview");
              return overview.path("taskmanagers").asInt() == 1
                  && overview.path("slots-total").asInt() == config.taskSlots();
            });
    if (!ready) {
      throw new IllegalStateException(
          failureReport(
              "No TaskManager with "
                  + config.taskSlots()
                  + " slots registered within "
                  + START_TIMEOUT.toSeconds()
                  + " s"));
    }
  }

  private String failureReport(String problem) {
    return processes.stream()
        .map(process -> process.tail(LOG_TAIL_LINES))
        .collect(Collectors.joining("", problem + "\n", ""));
  }

  /**
   * The cluster's lib/ as the build lists it (e2e-tests/pom.xml): Flink's runtime and DL4J/ND4J,
   * but neither the test classes nor what a job jar brings, so that a job's classes come from its
   * jar, loaded child-first as on a real cluster. Plus a jar holding {@link DiesWithParent}.
   */
  private static String clusterClassPath(Path workDir) throws IOException {
    String lib = Files.readString(Path.of(Jvm.buildProperty("flink.cluster.lib"))).trim();
    Path launcherJar =
        ClassFilesJar.write(workDir.resolve("dies-with-parent.jar"), DiesWithParent.class);
    return lib + File.pathSeparator + launcherJar;
  }

  private static List<String> concat(List<String> first, List<String> second) {
    return Stream.concat(first.stream(), second.stream()).toList();
  }

  private void closeQuietly() {
    try {
      close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
