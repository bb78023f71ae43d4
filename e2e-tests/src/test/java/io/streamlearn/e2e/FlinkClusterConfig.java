package io.streamlearn.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.TaskManagerOptions;

/**
 * The configuration of a test cluster: the deployment's {@code docker/conf/config.yaml}, copied
 * unchanged into the cluster's configuration directory so that the tests run what a deployment
 * runs, and the few test-only overrides each process gets as {@code -D key=value} dynamic
 * properties, which win over the file: loopback addresses, free ports, directories in the work
 * directory.
 */
final class FlinkClusterConfig {

  private static final String LOG4J_RESOURCE = "flink-cluster-log4j2.properties";

  /** A cluster process: how it is started and which of the file's JVM options it takes. */
  enum Role {
    JOB_MANAGER(
        "jobmanager",
        "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
        FlinkProcessResources.JOB_MANAGER,
        CoreOptions.FLINK_JM_JVM_OPTIONS),
    TASK_MANAGER(
        "taskmanager",
        "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
        FlinkProcessResources.TASK_MANAGER,
        CoreOptions.FLINK_TM_JVM_OPTIONS);

    final String processName;
    final String mainClass;
    final String resourceCommand;
    private final ConfigOption<String> jvmOptions;

    Role(
        String processName,
        String mainClass,
        String resourceCommand,
        ConfigOption<String> jvmOptions) {
      this.processName = processName;
      this.mainClass = mainClass;
      this.resourceCommand = resourceCommand;
      this.jvmOptions = jvmOptions;
    }
  }

  private final Path configDir;
  private final Path log4j;
  private final Configuration deployment;
  private final int restPort;
  private final Map<String, String> overrides;
  private final int taskSlots;

  private FlinkClusterConfig(Path configDir, Path log4j, Path workDir, Integer slotsOverride)
      throws IOException {
    this.configDir = configDir;
    this.log4j = log4j;
    this.deployment = GlobalConfiguration.loadConfiguration(configDir.toString());
    this.restPort = FreePort.next();
    this.overrides = testOverrides(workDir, restPort, FreePort.next());
    this.taskSlots =
        slotsOverride != null ? slotsOverride : deployment.get(TaskManagerOptions.NUM_TASK_SLOTS);
    if (slotsOverride != null) {
      overrides.put(TaskManagerOptions.NUM_TASK_SLOTS.key(), slotsOverride.toString());
    }
  }

  /**
   * Copies the deployment's config.yaml and the test log4j configuration into {@code workDir/conf}
   * and chooses the ports.
   *
   * @param slotsOverride task slots per TaskManager instead of the file's, or null for the file's
   */
  static FlinkClusterConfig write(Path workDir, Integer slotsOverride) throws IOException {
    Path configDir = Files.createDirectories(workDir.resolve("conf"));
    Files.copy(
        Path.of(Jvm.buildProperty("streamlearn.flink.config")),
        configDir.resolve(GlobalConfiguration.FLINK_CONF_FILENAME));
    Path log4j = configDir.resolve("log4j2.properties");
    try (InputStream in = FlinkClusterConfig.class.getResourceAsStream("/" + LOG4J_RESOURCE)) {
      if (in == null) {
        throw new IOException(LOG4J_RESOURCE + " is missing from the test class path");
      }
      Files.copy(in, log4j);
    }
    return new FlinkClusterConfig(configDir, log4j, workDir, slotsOverride);
  }

  Path configDir() {
    return configDir;
  }

  int restPort() {
    return restPort;
  }

  int taskSlots() {
    return taskSlots;
  }

  /**
   * The JVM options the file gives the role, as Flink's start scripts apply them ({@code
   * env.java.default-opts.all}, {@code env.java.opts.all}, then the role's), and the log4j file.
   */
  List<String> jvmFlags(Role role) {
    List<String> flags = new ArrayList<>();
    for (ConfigOption<String> option :
        List.of(
            CoreOptions.FLINK_DEFAULT_JVM_OPTIONS,
            CoreOptions.FLINK_JVM_OPTIONS,
            role.jvmOptions)) {
      String value = deployment.get(option);
      if (value != null && !value.isBlank()) {
        flags.addAll(Arrays.asList(value.trim().split("\\s+")));
      }
    }
    flags.add("-Dlog4j.configurationFile=" + log4j);
    return flags;
  }

  /**
   * The test-only overrides for one process, as program arguments: every process serves its
   * Prometheus endpoint on a port of its own, and a TaskManager takes {@code rpcPort}, by which the
   * REST API's list of TaskManagers tells them apart. (Not a configured resource id, which would
   * make a TaskManager keep its working directory when it stops.)
   */
  List<String> dynamicProperties(Role role, int rpcPort, int metricsPort) {
    Map<String, String> properties = new LinkedHashMap<>(overrides);
    properties.put("metrics.reporter.prom.port", Integer.toString(metricsPort));
    if (role == Role.TASK_MANAGER) {
      properties.put(TaskManagerOptions.RPC_PORT.key(), Integer.toString(rpcPort));
    }
    return properties.entrySet().stream()
        .flatMap(property -> Stream.of("-D", property.getKey() + "=" + property.getValue()))
        .toList();
  }

  /** Everything that must differ from a deployment for a cluster on a shared test machine. */
  private static Map<String, String> testOverrides(Path workDir, int restPort, int rpcPort)
      throws IOException {
    Map<String, String> overrides = new LinkedHashMap<>();
    overrides.put("jobmanager.rpc.address", "localhost");
    overrides.put("jobmanager.rpc.port", Integer.toString(rpcPort));
    overrides.put("jobmanager.bind-host", "localhost");
    overrides.put("taskmanager.bind-host", "localhost");
    overrides.put("taskmanager.host", "localhost");
    overrides.put("rest.address", "127.0.0.1");
    overrides.put("rest.bind-address", "127.0.0.1");
    overrides.put("rest.port", Integer.toString(restPort));
    // A TaskManager that was killed is noticed after this many failed heartbeats (2) rather than
    // 2 × 10 s, so that its replacement takes over sooner.
    overrides.put("heartbeat.interval", "2 s");
    overrides.put("io.tmp.dirs", Files.createDirectories(workDir.resolve("tmp")).toString());
    overrides.put("execution.checkpointing.dir", workDir.resolve("checkpoints").toUri().toString());
    overrides.put(
        "execution.checkpointing.savepoint-dir", workDir.resolve("savepoints").toUri().toString());
    return overrides;
  }
}
