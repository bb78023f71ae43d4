package io.streamlearn.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** The configuration directory of a test cluster: config.yaml and the log4j configuration. */
final class FlinkClusterConfig {

  static final int TASK_SLOTS = 2;

  private static final String LOG4J_RESOURCE = "flink-cluster-log4j2.properties";

  private FlinkClusterConfig() {}

  /** Writes config.yaml and log4j2.properties into {@code configDir}; returns the log4j file. */
  static Path write(Path configDir, int restPort, int rpcPort, Path tmpDir) throws IOException {
    Files.writeString(configDir.resolve("config.yaml"), configYaml(restPort, rpcPort, tmpDir));
    Path log4j = configDir.resolve("log4j2.properties");
    try (InputStream in = FlinkClusterConfig.class.getResourceAsStream("/" + LOG4J_RESOURCE)) {
      if (in == null) {
        throw new IOException(LOG4J_RESOURCE + " is missing from the test class path");
      }
      Files.copy(in, log4j);
    }
    return log4j;
  }

  private static String configYaml(int restPort, int rpcPort, Path tmpDir) {
    return """
    # A session cluster for tests: loopback only, ports that were free when it was written.
    jobmanager.rpc.address: localhost
    jobmanager.rpc.port: %d
    jobmanager.bind-host: localhost
    taskmanager.bind-host: localhost
    taskmanager.host: localhost
    rest.address: 127.0.0.1
    rest.bind-address: 127.0.0.1
    rest.port: %d
    io.tmp.dirs: '%s'

    jobmanager.memory.process.size: 1g
    taskmanager.memory.process.size: 2g
    # Managed memory only serves RocksDB state and batch operators here: the default share
    # (40 %% of Flink memory) would leave the task heap too small.
    taskmanager.memory.managed.size: 256m
    # ND4J keeps its arrays in native memory that JavaCPP allocates outside the Java heap.
    # Reserving it as task off-heap memory keeps it inside the process size Flink plans for.
    taskmanager.memory.task.off-heap.size: 512m
    taskmanager.numberOfTaskSlots: %d
    parallelism.default: 1

    # User code stays child-first, except DL4J, ND4J and JavaCPP: a JNI library can be bound
    # to one class loader per JVM only, so they must be loaded once, by the parent, from
    # the cluster's class path (Flink's lib/), never from a job jar.
    classloader.parent-first-patterns.additional: [org.nd4j., org.deeplearning4j., org.bytedeco.]
    """
        .formatted(rpcPort, restPort, tmpDir, TASK_SLOTS);
  }
}
