package io.streamlearn.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamlearn.e2e.FlinkClusterConfig.Role;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A real Flink standalone session cluster: one JobManager and one or more TaskManagers, each a
 * child JVM bound to loopback, with its files (configuration, logs, console output, temporary
 * files) in a work directory.
 *
 * <p>There is no Flink distribution: jars of the test class path, which holds Flink's runtime and
 * DL4J/ND4J, play the role of the distribution's lib/. The processes end with {@link #close()},
 * with this JVM's shutdown, and, should this JVM be killed, on their own.
 */
public final class FlinkCluster implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration SAVEPOINT_TIMEOUT = Duration.ofMinutes(2);
  private static final int LOG_TAIL_LINES = 40;

  /** Job states after which a job does nothing any more. */
  private static final Set<String> ENDED_STATES = Set.of("FINISHED", "CANCELED", "FAILED");

  private final FlinkClusterConfig config;
  private final FlinkRestClient rest;
  private final Path workDir;
  private final String classPath;

  /** In start order; stopped in reverse. */
  private final List<ChildJvm> processes = new ArrayList<>();

  /** Every TaskManager started, in start order, killed ones included. */
  private final List<TaskManager> taskManagers = new ArrayList<>();

  private final Thread shutdownHook = new Thread(this::closeQuietly, "flink-cluster-shutdown");
  private ChildJvm jobManager;
  private boolean closed;

  /** A TaskManager process, its RPC port and the port of its Prometheus endpoint. */
  private record TaskManager(ChildJvm process, int rpcPort, int metricsPort) {}

  /**
   * The port in a TaskManager's RPC address, such as {@code pekko.tcp://flink@localhost:4321/...}.
   */
  private static final Pattern RPC_PORT = Pattern.compile(":(\\d+)/");

  private FlinkCluster(FlinkClusterConfig config, Path workDir) throws IOException {
    this.config = config;
    this.workDir = workDir;
    this.rest = new FlinkRestClient(restAddress());
    this.classPath = clusterClassPath(workDir);
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Starts a cluster of one TaskManager in {@code workDir} from the deployment's configuration (see
   * {@link FlinkClusterConfig}) and returns once the TaskManager has registered its slots with the
   * JobManager.
   */
  public static FlinkCluster start(Path workDir) throws IOException, InterruptedException {
    return start(workDir, 1, null);
  }

  /**
   * Starts a cluster of {@code taskManagers} TaskManagers with {@code slotsPerTaskManager} slots
   * each (null: the deployment's number) and returns once all have registered their slots.
   */
  public static FlinkCluster start(Path workDir, int taskManagers, Integer slotsPerTaskManager)
      throws IOException, InterruptedException {
    FlinkCluster cluster =
        new FlinkCluster(FlinkClusterConfig.write(workDir, slotsPerTaskManager), workDir);
    try {
      cluster.jobManager =
          cluster.startProcess(Role.JOB_MANAGER, Role.JOB_MANAGER.processName, 0, FreePort.next());
      // TaskManagers starting alongside would compete for the CPU with the JobManager, whose RPC
      // system fails if it is not up within 10 s.
      cluster.awaitJobManager();
      for (int i = 0; i < taskManagers; i++) {
        cluster.launchTaskManager();
      }
      cluster.awaitRegisteredTaskManagers();
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
   * What the first TaskManager's Prometheus reporter serves: every metric, in Prometheus' text
   * format.
   */
  public String scrapeTaskManagerMetrics() throws IOException, InterruptedException {
    return new FlinkRestClient("127.0.0.1:" + taskManagers.get(0).metricsPort())
        .getText("/metrics");
  }

  /** The job's state as the JobManager reports it, such as RUNNING or FINISHED. */
  public String jobStatus(String jobId) throws IOException, InterruptedException {
    return rest.get("/jobs/" + jobId).path("state").asText();
  }

  /** Whether the job and every one of its tasks run. */
  public boolean jobFullyRunning(String jobId) throws IOException, InterruptedException {
    JsonNode job = rest.get("/jobs/" + jobId);
    return job.path("state").asText().equals("RUNNING")
        && StreamSupport.stream(job.path("vertices").spliterator(), false)
            .allMatch(vertex -> vertex.path("status").asText().equals("RUNNING"));
  }

  /** The ids of the jobs in state RUNNING. */
  public List<String> runningJobs() throws IOException, InterruptedException {
    JsonNode jobs = rest.get("/jobs/overview").path("jobs");
    return StreamSupport.stream(jobs.spliterator(), false)
        .filter(job -> job.path("state").asText().equals("RUNNING"))
        .map(job -> job.path("jid").asText())
        .toList();
  }

  /** The ids of the jobs that have not ended: running, restarting, cancelling and so on. */
  public List<String> unfinishedJobs() throws IOException, InterruptedException {
    JsonNode jobs = rest.get("/jobs/overview").path("jobs");
    return StreamSupport.stream(jobs.spliterator(), false)
        .filter(job -> !ENDED_STATES.contains(job.path("state").asText()))
        .map(job -> job.path("jid").asText())
        .toList();
  }

  /** The parallelism of the job's first vertex whose name contains {@code operatorName}. */
  public int parallelism(String jobId, String operatorName)
      throws IOException, InterruptedException {
    return StreamSupport.stream(rest.get("/jobs/" + jobId).path("vertices").spliterator(), false)
        .filter(vertex -> vertex.path("name").asText().contains(operatorName))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("No " + operatorName + " in " + jobId))
        .path("parallelism")
        .asInt();
  }

  /**
   * The checkpoint the job last restored its state from ({@code id}, {@code is_savepoint}, ...), or
   * a missing node if it has restored none.
   */
  public JsonNode restoredCheckpoint(String jobId) throws IOException, InterruptedException {
    return rest.get("/jobs/" + jobId + "/checkpoints").path("latest").path("restored");
  }

  /** The exceptions that failed the job's tasks, each with its stack trace, oldest last. */
  public List<String> jobExceptions(String jobId) throws IOException, InterruptedException {
    JsonNode entries = rest.get("/jobs/" + jobId + "/exceptions").path("exceptionHistory");
    return StreamSupport.stream(entries.path("entries").spliterator(), false)
        .map(entry -> entry.path("stacktrace").asText())
        .toList();
  }

  /** Asks the JobManager to cancel the job; returns before the job has ended. */
  public void cancelJob(String jobId) throws IOException, InterruptedException {
    rest.patch("/jobs/" + jobId + "?mode=cancel");
  }

  /**
   * Stops the job with a savepoint into the cluster's savepoint directory, as {@code flink stop}
   * does (without draining), and returns the savepoint's location once it is complete.
   */
  public String stopWithSavepoint(String jobId) throws IOException, InterruptedException {
    ObjectNode request = JsonNodeFactory.instance.objectNode().put("drain", false);
    String trigger = rest.post("/jobs/" + jobId + "/stop", request).path("request-id").asText();
    AtomicReference<JsonNode> operation = new AtomicReference<>();
    boolean done =
        Await.until(
            SAVEPOINT_TIMEOUT,
            () -> {
              JsonNode status = rest.get("/jobs/" + jobId + "/savepoints/" + trigger);
              operation.set(status.path("operation"));
              return status.path("status").path("id").asText().equals("COMPLETED");
            });
    JsonNode result = operation.get();
    if (!done || result == null || !result.hasNonNull("location")) {
      throw new IllegalStateException(
          "No savepoint of job "
              + jobId
              + " within "
              + SAVEPOINT_TIMEOUT.toSeconds()
              + " s: "
              + result);
    }
    return result.path("location").asText();
  }

  public ProcessHandle jobManagerProcess() {
    return jobManager.handle();
  }

  /** The first TaskManager started. */
  public ProcessHandle taskManagerProcess() {
    return taskManagers.get(0).process().handle();
  }

  /** Every TaskManager started so far, in start order, including killed ones. */
  public List<ProcessHandle> taskManagerProcesses() {
    return taskManagers.stream().map(taskManager -> taskManager.process().handle()).toList();
  }

  /** The log file of every TaskManager started so far, in start order. */
  public List<Path> taskManagerLogs() {
    return taskManagers.stream().map(taskManager -> taskManager.process().logFile()).toList();
  }

  /**
   * Kills a TaskManager as a crash would (SIGKILL, no shutdown hooks) and waits until it is gone.
   */
  public void killTaskManager(ProcessHandle taskManager) throws InterruptedException {
    taskManagers.stream()
        .map(TaskManager::process)
        .filter(process -> process.handle().equals(taskManager))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("Not a TaskManager: " + taskManager))
        .kill();
  }

  /**
   * Starts one more TaskManager, as an operator replaces a lost one, and returns once the
   * JobManager lists exactly the TaskManagers that are alive, each with all its slots.
   */
  public ProcessHandle startTaskManager() throws IOException, InterruptedException {
    ChildJvm started = launchTaskManager();
    awaitRegisteredTaskManagers();
    return started.handle();
  }

  /** Stops the TaskManagers, then the JobManager, and waits until all have exited. */
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

  private synchronized ChildJvm launchTaskManager() throws IOException, InterruptedException {
    int rpcPort = FreePort.next();
    int metricsPort = FreePort.next();
    ChildJvm process =
        startProcess(
            Role.TASK_MANAGER,
            Role.TASK_MANAGER.processName + "-" + (taskManagers.size() + 1),
            rpcPort,
            metricsPort);
    taskManagers.add(new TaskManager(process, rpcPort, metricsPort));
    return process;
  }

  /**
   * Starts a cluster process the way Flink's scripts do: with the JVM options and the resources
   * (memory flags and properties) config.yaml gives it, plus the test-only overrides and, for the
   * JobManager, {@link Jvm#startUpFlags()}.
   */
  private ChildJvm startProcess(Role role, String name, int rpcPort, int metricsPort)
      throws IOException, InterruptedException {
    Path configDir = config.configDir();
    FlinkProcessResources resources =
        FlinkProcessResources.compute(role.resourceCommand, classPath, configDir);
    List<String> args =
        concat(
            List.of("--configDir", configDir.toString()),
            concat(
                resources.dynamicProperties(),
                config.dynamicProperties(role, rpcPort, metricsPort)));
    List<String> jvmFlags = concat(config.jvmFlags(role), resources.jvmFlags());
    if (role == Role.JOB_MANAGER) {
      jvmFlags = concat(jvmFlags, Jvm.startUpFlags());
    }
    ChildJvm process = ChildJvm.start(name, workDir, classPath, jvmFlags, role.mainClass, args);
    processes.add(process);
    return process;
  }

  private void awaitJobManager() throws InterruptedException {
    awaitWhileRunning(
        "The JobManager's REST API",
        List.of(jobManager),
        () -> rest.get("/overview").has("jobs-running"));
  }

  /** Waits until the JobManager lists exactly the living TaskManagers, each with all its slots. */
  private void awaitRegisteredTaskManagers() throws InterruptedException {
    List<TaskManager> alive = taskManagers.stream().filter(tm -> tm.process().isAlive()).toList();
    List<ChildJvm> mustRun = new ArrayList<>(List.of(jobManager));
    alive.forEach(taskManager -> mustRun.add(taskManager.process()));
    Set<String> alivePorts =
        alive.stream()
            .map(taskManager -> Integer.toString(taskManager.rpcPort()))
            .collect(Collectors.toSet());
    awaitWhileRunning(
        "TaskManagers on RPC ports "
            + alivePorts
            + " with "
            + config.taskSlots()
            + " slots each, and no others,",
        mustRun,
        () -> {
          Set<String> registeredPorts = new HashSet<>();
          for (JsonNode taskManager : rest.get("/taskmanagers").path("taskmanagers")) {
            Matcher port = RPC_PORT.matcher(taskManager.path("path").asText());
            if (taskManager.path("slotsNumber").asInt() != config.taskSlots() || !port.find()) {
              return false;
            }
            registeredPorts.add(port.group(1));
          }
          return registeredPorts.equals(alivePorts);
        });
  }

  /**
   * Waits until {@code condition} holds, as long as the processes that must run do.
   *
   * @throws IllegalStateException with the end of every process's logs if one of them ends or the
   *     condition does not hold in time
   */
  private void awaitWhileRunning(String what, List<ChildJvm> mustRun, Await.Probe condition)
      throws InterruptedException {
    boolean ready =
        Await.until(
            START_TIMEOUT,
            () -> {
              for (ChildJvm process : mustRun) {
                if (!process.isAlive()) {
                  throw new IllegalStateException(failureReport(process.name() + " died"));
                }
              }
              return condition.holds();
            });
    if (!ready) {
      throw new IllegalStateException(
          failureReport(what + " not up within " + START_TIMEOUT.toSeconds() + " s"));
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
