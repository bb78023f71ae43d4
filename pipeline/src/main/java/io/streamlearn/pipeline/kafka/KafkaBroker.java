package io.streamlearn.pipeline.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.util.FileUtils;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * A real single-node Kafka broker (KRaft, broker and controller in one process) running Apache
 * Kafka's own code in a child JVM on free loopback ports, for the demo and for tests.
 *
 * <p>A child JVM rather than an in-process broker: the broker's threads, static state and log
 * output stay out of the Flink job's JVM, and it is stopped the way a real broker is. The child
 * dies with this JVM: {@link #close()} stops it, a shutdown hook calls {@code close()} on Ctrl-C,
 * and if this JVM is killed outright the child sees its stdin end and exits (see {@link
 * KafkaBrokerMain}).
 *
 * <p>Files in the work directory: {@code server.properties}, {@code cluster.id}, {@code data/} (the
 * log directory) and {@code broker.log} (everything the child prints). A broker started again on
 * the same directory (on new ports) keeps the topics and records of the one before; {@link
 * #restart()} starts it again on the same ports as well.
 *
 * <p>Clients connect without authentication on {@link #bootstrapServers()}. A broker started with
 * {@link #startWithSaslUser} also has a SASL_PLAINTEXT listener, {@link #saslBootstrapServers()},
 * that accepts one user and password with the PLAIN mechanism, for tests of what clients with right
 * and wrong credentials see.
 */
public final class KafkaBroker implements AutoCloseable {

  // Ready in about 10 s on an idle machine; a machine shared by parallel builds takes minutes.
  private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
  private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration POLL_INTERVAL = Duration.ofMillis(100);
  private static final int LOG_TAIL_LINES = 60;
  private static final String LOOPBACK = "127.0.0.1";
  private static final String SERVER_PROPERTIES = "server.properties";
  private static final int NO_PORT = 0;
  private static final int START_ATTEMPTS = 3;

  /** What the broker logs when it cannot bind a listener's port (java.net.BindException). */
  private static final String ADDRESS_IN_USE = "Address already in use";

  /** Sends all of the child's logging to its stdout, which {@link #start} appends to broker.log. */
  private static final String LOG4J_TO_STDOUT =
      """
      status = warn
      appender.stdout.type = Console
      appender.stdout.name = STDOUT
      appender.stdout.layout.type = PatternLayout
      appender.stdout.layout.pattern = [%d] %p %m (%c)%n
      rootLogger.level = INFO
      rootLogger.appenderRef.stdout.ref = STDOUT
      """;

  private final Process process;
  private final OutputStream parentAliveSignal;
  private final Path workDir;
  private final Path logFile;
  private final int brokerPort;
  private final int saslPort;
  private final String bootstrapServers;
  private final Thread shutdownHook;
  private final AtomicBoolean closed = new AtomicBoolean();
  private Admin admin;

  private KafkaBroker(Process process, Path workDir, Path logFile, int brokerPort, int saslPort) {
    this.process = process;
    // The child treats the end of its stdin as the parent's death: hold the pipe open, never write.
    this.parentAliveSignal = process.getOutputStream();
    this.workDir = workDir;
    this.logFile = logFile;
    this.brokerPort = brokerPort;
    this.saslPort = saslPort;
    this.bootstrapServers = LOOPBACK + ":" + brokerPort;
    this.shutdownHook = new Thread(this::close, "kafka-broker-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Starts a broker whose files live in {@code workDir} and returns once an admin client can
   * describe the cluster.
   *
   * @throws IllegalStateException if the broker is not up within 3 min or its JVM ends; the message
   *     holds the end of {@code broker.log}
   */
  public static KafkaBroker start(Path workDir) throws IOException, InterruptedException {
    return start(workDir, "");
  }

  /**
   * Starts a broker like {@link #start(Path)}, with {@code serverProperties} (lines of a properties
   * file) overriding its settings, for example {@code auto.create.topics.enable=true} to behave
   * like a broker with Kafka's defaults.
   */
  public static KafkaBroker start(Path workDir, String serverProperties)
      throws IOException, InterruptedException {
    return start(workDir, false, serverProperties);
  }

  /**
   * Starts a broker like {@link #start(Path, String)} with a second listener, {@link
   * #saslBootstrapServers()}: SASL_PLAINTEXT, mechanism PLAIN, where {@code user} authenticates
   * with {@code password} and nobody else does. The plaintext listener stays as it is, for the
   * broker's own clients and for setting up tests.
   */
  public static KafkaBroker startWithSaslUser(
      Path workDir, String user, String password, String serverProperties)
      throws IOException, InterruptedException {
    return start(workDir, true, saslListenerProperties(user, password) + serverProperties);
  }

  private static KafkaBroker start(Path workDir, boolean sasl, String serverProperties)
      throws IOException, InterruptedException {
    return start(workDir, sasl, serverProperties, KafkaBroker::freeLoopbackPorts);
  }

  /** Picks {@code count} different ports for a broker's listeners. */
  @FunctionalInterface
  interface PortPicker {
    int[] pick(int count) throws IOException;
  }

  /**
   * Starts a broker on the ports {@code ports} picks; when another process took one of them before
   * the broker bound it (another broker starting on this machine at the same moment), starts it
   * again on new ones, up to {@link #START_ATTEMPTS} times.
   */
  static KafkaBroker start(Path workDir, boolean sasl, String serverProperties, PortPicker ports)
      throws IOException, InterruptedException {
    Files.createDirectories(workDir);
    Path dataDir = workDir.resolve("data");
    for (int attempt = 1; ; attempt++) {
      int[] picked = ports.pick(sasl ? 3 : 2);
      int brokerPort = picked[0];
      int saslPort = sasl ? picked[2] : NO_PORT;
      Files.writeString(
          workDir.resolve(SERVER_PROPERTIES),
          serverProperties(dataDir, brokerPort, picked[1], saslPort) + serverProperties);
      try {
        return launch(workDir, brokerPort, saslPort);
      } catch (PortTakenException e) {
        if (attempt == START_ATTEMPTS) {
          throw e;
        }
        // Formatted for listeners it never opened: the next attempt starts from nothing.
        FileUtils.deleteDirectory(dataDir.toFile());
      }
    }
  }

  /**
   * Stops this broker in order, as an operator restarts one, and starts it again on the same log
   * directory and the same ports, so that clients which knew it reconnect to the same address.
   * Returns the new broker once it is up and every partition it holds has a leader again; this one
   * is closed.
   *
   * @throws IllegalStateException if the broker or a partition is not up again within 3 min
   */
  public KafkaBroker restart() throws IOException, InterruptedException {
    close();
    KafkaBroker restarted = launch(workDir, brokerPort, saslPort);
    try {
      restarted.awaitPartitionLeaders();
      return restarted;
    } catch (RuntimeException | InterruptedException e) {
      restarted.close();
      throw e;
    }
  }

  /** Starts the broker that {@code workDir}'s server.properties describes. */
  private static KafkaBroker launch(Path workDir, int brokerPort, int saslPort)
      throws IOException, InterruptedException {
    Path log4jConfig = workDir.resolve("log4j2-broker.properties");
    Files.writeString(log4jConfig, LOG4J_TO_STDOUT);
    Path logFile = workDir.resolve("broker.log");

    Process process =
        new ProcessBuilder(
                javaBinary(),
                // Kafka's scripts give a broker 1 GB; one holding test and demo data needs far
                // less, and it shares the machine with Flink and the model.
                "-Xmx512m",
                // Its load is light and its start is most of its work: C1 alone and the serial
                // collector start it on less than half the CPU (4 rather than 9 CPU-seconds on 2
                // cores), which the demo's job and the tests' need more.
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-Dlog4j2.configurationFile=" + log4jConfig.toAbsolutePath(),
                "-cp",
                System.getProperty("java.class.path"),
                KafkaBrokerMain.class.getName(),
                workDir.resolve(SERVER_PROPERTIES).toAbsolutePath().toString(),
                clusterId(workDir))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
            .start();
    KafkaBroker broker = new KafkaBroker(process, workDir, logFile, brokerPort, saslPort);
    try {
      broker.awaitReady(brokerPort);
      return broker;
    } catch (RuntimeException | InterruptedException e) {
      broker.close();
      throw e;
    }
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  /**
   * The SASL_PLAINTEXT listener of a broker started with {@link #startWithSaslUser}.
   *
   * @throws IllegalStateException if this broker has none
   */
  public String saslBootstrapServers() {
    if (saslPort == NO_PORT) {
      throw new IllegalStateException("this broker was started without a SASL listener");
    }
    return LOOPBACK + ":" + saslPort;
  }

  /** The broker's JVM, so callers can tell whether it still runs. */
  public ProcessHandle process() {
    return process.toHandle();
  }

  /**
   * Creates a topic (replication factor 1) and returns once every partition has a leader, so that
   * clients can use it right away.
   */
  public void createTopic(String name, int partitions)
      throws InterruptedException, ExecutionException, TimeoutException {
    admin
        .createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
        .all()
        .get(TOPIC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    long deadline = System.nanoTime() + TOPIC_TIMEOUT.toNanos();
    while (!allPartitionsHaveLeaders(name, partitions)) {
      if (System.nanoTime() > deadline) {
        throw new TimeoutException(
            "Topic " + name + " has no leader for all " + partitions + " partitions");
      }
      Thread.sleep(POLL_INTERVAL.toMillis());
    }
  }

  /** Stops the broker: SIGTERM, then SIGKILL if it has not exited within 30 s. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (admin != null) {
      admin.close(Duration.ofSeconds(5));
    }
    process.destroy();
    try {
      if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    } finally {
      closeQuietly(parentAliveSignal);
      removeShutdownHook();
    }
  }

  private void awaitReady(int brokerPort) throws InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    // Wait for the listener before creating the admin client, which would otherwise log a
    // connection warning for every attempt while the broker boots.
    while (!acceptsConnections(brokerPort)) {
      checkStillStarting(deadline);
      Thread.sleep(POLL_INTERVAL.toMillis());
    }
    admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000));
    while (!describesCluster()) {
      checkStillStarting(deadline);
      Thread.sleep(POLL_INTERVAL.toMillis());
    }
  }

  /**
   * Waits until every partition of every topic, internal ones included, has a leader: a broker that
   * answers may still be loading the logs it held, and a client that writes before then waits for
   * its delivery timeout.
   */
  private void awaitPartitionLeaders() throws InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (!allTopicsHaveLeaders()) {
      checkStillStarting(deadline);
      Thread.sleep(POLL_INTERVAL.toMillis());
    }
  }

  private boolean allTopicsHaveLeaders() throws InterruptedException {
    try {
      Set<String> topics =
          admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get();
      return admin.describeTopics(topics).allTopicNames().get().values().stream()
          .flatMap(description -> description.partitions().stream())
          .allMatch(partition -> partition.leader() != null && !partition.leader().isEmpty());
    } catch (ExecutionException e) {
      return false;
    }
  }

  private void checkStillStarting(long deadline) {
    if (!process.isAlive()) {
      String message = "The Kafka broker JVM exited with code " + process.exitValue() + logTail();
      throw message.contains(ADDRESS_IN_USE)
          ? new PortTakenException(message)
          : new IllegalStateException(message);
    }
    if (System.nanoTime() > deadline) {
      throw new IllegalStateException(
          "The Kafka broker did not come up within "
              + START_TIMEOUT.toSeconds()
              + " s"
              + logTail());
    }
  }

  private boolean describesCluster() throws InterruptedException {
    try {
      return !admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty();
    } catch (ExecutionException | TimeoutException e) {
      return false;
    }
  }

  private boolean allPartitionsHaveLeaders(String topic, int partitions)
      throws InterruptedException, ExecutionException {
    try {
      TopicDescription description =
          admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
      return description.partitions().size() == partitions
          && description.partitions().stream().allMatch(p -> p.leader() != null);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return false;
      }
      throw e;
    }
  }

  private String logTail() {
    try {
      List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
      return "; last lines of "
          + logFile
          + ":\n"
          + String.join(
              "\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    } catch (IOException e) {
      return "; cannot read " + logFile + ": " + e;
    }
  }

  private void removeShutdownHook() {
    if (Thread.currentThread() == shutdownHook) {
      return;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // The JVM is already shutting down: the hook may run, and close() is idempotent.
    }
  }

  private static String serverProperties(
      Path logDir, int brokerPort, int controllerPort, int saslPort) {
    String saslListener = saslPort == NO_PORT ? "" : ",SASL://" + LOOPBACK + ":" + saslPort;
    String template =
        """
        process.roles=broker,controller
        node.id=1
        controller.quorum.voters=1@%1$s:%3$d
        listeners=PLAINTEXT://%1$s:%2$d,CONTROLLER://%1$s:%3$d%5$s
        advertised.listeners=PLAINTEXT://%1$s:%2$d%5$s
        controller.listener.names=CONTROLLER
        inter.broker.listener.name=PLAINTEXT
        listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL:SASL_PLAINTEXT
        log.dirs=%4$s
        # One broker: internal topics cannot have more replicas, or the group and transaction
        # coordinators never become available.
        offsets.topic.replication.factor=1
        transaction.state.log.replication.factor=1
        transaction.state.log.min.isr=1
        # The default of 50 partitions each makes the first consumer group and the first
        # transaction wait for 50 partitions to be created; one is plenty on one broker.
        offsets.topic.num.partitions=1
        transaction.state.log.num.partitions=1
        num.partitions=1
        # Tests and the demo start one consumer group member and want its partitions at once.
        group.initial.rebalance.delay.ms=0
        # A misspelt topic name should fail loudly instead of creating an empty topic.
        auto.create.topics.enable=false
        """;
    return template.formatted(
        LOOPBACK,
        brokerPort,
        controllerPort,
        // Properties files read backslashes as escapes: write the path with forward slashes.
        logDir.toAbsolutePath().toString().replace('\\', '/'),
        saslListener);
  }

  /**
   * The SASL listener's settings: PLAIN, with Kafka's own login module checking the one user's
   * password (user_NAME="PASSWORD" is how it lists the users it accepts).
   */
  private static String saslListenerProperties(String user, String password) {
    return """
        listener.name.sasl.sasl.enabled.mechanisms=PLAIN
        listener.name.sasl.plain.sasl.jaas.config=\
          org.apache.kafka.common.security.plain.PlainLoginModule required user_%s="%s";
        """
        .formatted(user, password);
  }

  /**
   * The id the storage in {@code workDir} is (or will be) formatted with, kept beside it: a broker
   * restarted on the same directory must present the same id, or formatting fails.
   */
  private static String clusterId(Path workDir) throws IOException {
    Path file = workDir.resolve("cluster.id");
    if (Files.exists(file)) {
      return Files.readString(file).trim();
    }
    String id = Uuid.randomUuid().toString();
    Files.writeString(file, id);
    return id;
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * {@code count} different ports that were free a moment ago. They are bound together, so that the
   * system cannot hand out one port twice (taken one after the other, the broker's and the
   * controller's listener once got the same port, and the broker refused to start). Another process
   * may take one before the broker binds it; {@link #start} then starts the broker again on new
   * ones.
   */
  static int[] freeLoopbackPorts(int count) throws IOException {
    ServerSocket[] sockets = new ServerSocket[count];
    try {
      int[] ports = new int[count];
      for (int i = 0; i < count; i++) {
        sockets[i] = new ServerSocket();
        sockets[i].bind(new InetSocketAddress(LOOPBACK, 0));
        ports[i] = sockets[i].getLocalPort();
      }
      return ports;
    } finally {
      for (ServerSocket socket : sockets) {
        if (socket != null) {
          socket.close();
        }
      }
    }
  }

  private static boolean acceptsConnections(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(LOOPBACK, port), 1_000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void closeQuietly(OutputStream stream) {
    try {
      stream.close();
    } catch (IOException e) {
      // The child has exited: its end of the pipe is gone already.
    }
  }

  /** The broker exited because another process held one of its ports. */
  private static final class PortTakenException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    PortTakenException(String message) {
      super(message);
    }
  }
}
