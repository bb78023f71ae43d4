package io.streamlearn.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
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

  private final int restPort;
  private final FlinkRestClient rest;

  /** In start order; stopped in reverse. */
  private final List<ChildJvm> processes = new ArrayList<>();

  private final Thread shutdownHook = new Thread(this::closeQuietly, "flink-cluster-shutdown");
  private ChildJvm jobManager;
  private ChildJvm taskManager;
  private boolean closed;

  private FlinkCluster(int restPort) {
    this.restPort = restPort;
    this.rest = new FlinkRestClient(restAddress());
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Starts a cluster in {@code workDir} and returns once its TaskManager has registered its slots
   * with the JobManager.
   */
  public static FlinkCluster start(Path workDir) throws IOException, InterruptedException {
    Path configDir = Files.createDirectories(workDir.resolve("conf"));
    Path tmpDir = Files.createDirectories(workDir.resolve("tmp"));
    int restPort = freePort();
    Path log4j = FlinkClusterConfig.write(configDir, restPort, freePort(), tmpDir);

    FlinkCluster cluster = new FlinkCluster(restPort);
    try {
      cluster.launch(workDir, configDir, log4j);
      cluster.awaitTaskManagerSlots();
      return cluster;
    } catch (IOException | InterruptedException | RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  /** Host and port of the REST API, such as {@code 127.0.0.1:8081}. */
  public String restAddress() {
    return "127.0.0.1:" + restPort;
  }

  public int restPort() {
    return restPort;
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

  private void launch(Path workDir, Path configDir, Path log4j)
      throws IOException, InterruptedException {
    Launcher launcher =
        new Launcher(workDir, configDir, clusterClassPath(workDir), commonJvmFlags(log4j));
    jobManager =
        launcher.start(
            "jobmanager",
            "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
            FlinkProcessResources.JOB_MANAGER);
    processes.add(jobManager);
    taskManager =
        launcher.start(
            "taskmanager",
            "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
            FlinkProcessResources.TASK_MANAGER);
    processes.add(taskManager);
  }

  /** Starts the cluster's processes, each with the resources its config.yaml gives it. */
  private record Launcher(
      Path workDir, Path configDir, String classPath, List<String> commonJvmFlags) {

    ChildJvm start(String name, String mainClass, String resourceCommand)
        throws IOException, InterruptedException {
      FlinkProcessResources resources =
          FlinkProcessResources.compute(resourceCommand, classPath, configDir);
      List<String> args =
          concat(List.of("--configDir", configDir.toString()), resources.dynamicProperties());
      return ChildJvm.start(
          name, workDir, classPath, concat(commonJvmFlags, resources.jvmFlags()), mainClass, args);
    }
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
                  && overview.path("slots-total").asInt() == FlinkClusterConfig.TASK_SLOTS;
            });
    if (!ready) {
      throw new IllegalStateException(
          failureReport(
              "No TaskManager with "
                  + FlinkClusterConfig.TASK_SLOTS
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

  private static List<String> commonJvmFlags(Path log4j) {
    return concat(Jvm.flinkOpens(), List.of("-Dlog4j.configurationFile=" + log4j));
  }

  private static List<String> concat(List<String> first, List<String> second) {
    return Stream.concat(first.stream(), second.stream()).toList();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private void closeQuietly() {
    try {
      close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
