package io.streamlearn.pipeline.kafka;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * What every command checks before it starts work: that the bootstrap servers answer as Kafka, and
 * that the topics it reads exist. Kafka's clients retry an unreachable broker for minutes without a
 * word (a producer blocks up to {@code max.block.ms} per record, a Flink job fails over forever);
 * this answers within {@link #CHECK_TIMEOUT} and says what failed, in one line.
 *
 * <p>The servers are first reached with plain TCP, which tells an unknown host from a refused
 * connection from silence; then an admin client asks the cluster for its brokers, which fails on a
 * listener that wants authentication, and checks that the address the brokers advertise can be
 * reached too (a wrong {@code advertised.listeners} passes bootstrap and then hangs every client).
 */
public final class KafkaPreflight implements AutoCloseable {

  /** How long one server may take to accept a TCP connection. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /** How long the cluster may take to answer the admin client. */
  static final Duration CHECK_TIMEOUT = Duration.ofSeconds(10);

  private final String bootstrapServers;
  private final Admin admin;

  private KafkaPreflight(String bootstrapServers, Admin admin) {
    this.bootstrapServers = bootstrapServers;
    this.admin = admin;
  }

  /**
   * Checks that the bootstrap servers lead to a Kafka cluster that a client with these settings can
   * use (its credentials included), and keeps an admin client open on it for the topic checks.
   *
   * @throws KafkaUnavailableException naming the servers and what failed with each
   */
  public static KafkaPreflight connect(KafkaClientSettings kafka) {
    String bootstrapServers = kafka.bootstrapServers();
    List<String> failures = new ArrayList<>();
    boolean anyReachable = false;
    for (String server : bootstrapServers.split(",")) {
      String failure = probe(server.trim());
      if (failure == null) {
        anyReachable = true;
        break;
      }
      failures.add(server.trim() + ": " + failure);
    }
    if (!anyReachable) {
      throw new KafkaUnavailableException(
          "Kafka at " + bootstrapServers + " cannot be reached: " + String.join("; ", failures));
    }
    Admin admin =
        Admin.create(
            kafka.clientConfig(
                Map.of(
                    AdminClientConfig.CLIENT_ID_CONFIG,
                    "streamlearn-preflight",
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                    (int) CHECK_TIMEOUT.toMillis(),
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                    (int) CHECK_TIMEOUT.toMillis())));
    KafkaPreflight preflight = new KafkaPreflight(bootstrapServers, admin);
    try {
      preflight.checkAdvertisedBrokers();
      return preflight;
    } catch (RuntimeException e) {
      preflight.close();
      throw e;
    }
  }

  /**
   * The topics of {@code topics} that do not exist, in the given order.
   *
   * @throws KafkaUnavailableException if the cluster does not answer
   */
  public List<String> missingTopics(Collection<String> topics) {
    Set<String> existing = await(admin.listTopics().names(), "list its topics");
    return topics.stream().filter(topic -> !existing.contains(topic)).distinct().toList();
  }

  /**
   * Fails unless every topic exists.
   *
   * @throws KafkaUnavailableException naming the missing topics and what to do
   */
  public void requireTopics(Collection<String> topics, String remedy) {
    List<String> missing = missingTopics(topics);
    if (!missing.isEmpty()) {
      throw new KafkaUnavailableException(
          (missing.size() == 1 ? "No topic " : "No topics ")
              + String.join(", ", missing)
              + " on "
              + bootstrapServers
              + remedy);
    }
  }

  /**
   * Creates those of {@code topics} that do not exist yet and returns their names; a topic that
   * another client creates meanwhile is left as it is.
   */
  public List<String> createMissingTopics(
      Collection<String> topics, int partitions, short replicationFactor) {
    List<String> missing = missingTopics(topics);
    List<NewTopic> created =
        missing.stream().map(name -> new NewTopic(name, partitions, replicationFactor)).toList();
    try {
      admin.createTopics(created).all().get(CHECK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new KafkaUnavailableException(
            "Cannot create topics " + missing + " on " + bootstrapServers + ": " + reason(e), e);
      }
    } catch (TimeoutException e) {
      throw new KafkaUnavailableException(
          "Kafka at " + bootstrapServers + " did not create topics " + missing + " in time", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaUnavailableException("Interrupted while creating topics", e);
    }
    return missing;
  }

  @Override
  public void close() {
    admin.close(Duration.ofSeconds(5));
  }

  /** Bootstrap succeeded; the brokers it returned are where every client goes next. */
  private void checkAdvertisedBrokers() {
    Collection<Node> nodes = await(admin.describeCluster().nodes(), "describe the cluster");
    Set<String> failures = new LinkedHashSet<>();
    for (Node node : nodes) {
      String failure = probe(node.host() + ":" + node.port());
      if (failure == null) {
        return;
      }
      failures.add(node.host() + ":" + node.port() + ": " + failure);
    }
    throw new KafkaUnavailableException(
        "Kafka at "
            + bootstrapServers
            + " answers, but the brokers it advertises cannot be reached (check the brokers'"
            + " advertised.listeners): "
            + String.join("; ", failures));
  }

  private <T> T await(org.apache.kafka.common.KafkaFuture<T> future, String what) {
    try {
      return future.get(CHECK_TIMEOUT.toMillis() + 1_000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new KafkaUnavailableException(
          "Kafka at " + bootstrapServers + " did not " + what + ": " + reason(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaUnavailableException("Interrupted while checking Kafka", e);
    }
  }

  /** What went wrong, in words a user can act on, without the exception's class names. */
  private static String reason(Exception e) {
    Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
    if (cause instanceof AuthenticationException) {
      return "authentication failed (" + cause.getMessage() + ")";
    }
    if (cause instanceof AuthorizationException) {
      return "not authorized (" + cause.getMessage() + ")";
    }
    if (cause instanceof TimeoutException
        || cause instanceof org.apache.kafka.common.errors.TimeoutException) {
      return "no answer within "
          + CHECK_TIMEOUT.toSeconds()
          + " s (is it a Kafka listener, and one that needs no TLS or SASL authentication?)";
    }
    return cause.getMessage();
  }

  /** Null if {@code server} (HOST:PORT) accepts a TCP connection, otherwise what failed. */
  static String probe(String server) {
    int colon = server.lastIndexOf(':');
    if (colon < 1 || colon == server.length() - 1) {
      return "not of the form HOST:PORT";
    }
    String host = server.substring(0, colon).replaceAll("^\\[|]$", "");
    int port;
    try {
      port = Integer.parseInt(server.substring(colon + 1));
    } catch (NumberFormatException e) {
      return "port " + server.substring(colon + 1) + " is not a number";
    }
    InetAddress[] addresses;
    try {
      addresses = InetAddress.getAllByName(host);
    } catch (UnknownHostException e) {
      return "unknown host " + host;
    }
    String failure = null;
    for (InetAddress address : addresses) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(address, port), (int) CONNECT_TIMEOUT.toMillis());
        return null;
      } catch (ConnectException e) {
        failure = "connection refused";
      } catch (SocketTimeoutException e) {
        failure = "no answer within " + CONNECT_TIMEOUT.toSeconds() + " s";
      } catch (IOException e) {
        failure = e.getMessage();
      }
    }
    return failure;
  }
}
