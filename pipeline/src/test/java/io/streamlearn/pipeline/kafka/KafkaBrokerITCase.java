package io.streamlearn.pipeline.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamlearn.pipeline.generate.RotatingHyperplane;
import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.WireCodec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaBrokerITCase {

  @TempDir static Path workDir;

  private static KafkaBroker broker;

  @BeforeAll
  static void startBroker() throws Exception {
    long started = System.nanoTime();
    broker = KafkaBroker.start(workDir);
    System.out.printf(
        "Kafka broker up in %d ms at %s%n",
        Duration.ofNanos(System.nanoTime() - started).toMillis(), broker.bootstrapServers());
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void samplesProducedToATopicAreReadBackEqual() throws Exception {
    broker.createTopic("samples", 3);
    List<LabeledSample> samples =
        Stream.generate(new RotatingHyperplane(7, 4, 5, 0.001, 0.05)::next).limit(1000).toList();

    KafkaConnectors.produce(broker.bootstrapServers(), "samples", samples);
    List<LabeledSample> read =
        KafkaConnectors.readAll(
            broker.bootstrapServers(),
            "samples",
            WireCodec.labeledSamples(),
            samples.size(),
            Duration.ofSeconds(60));

    assertThat(read).containsExactlyInAnyOrderElementsOf(samples);
  }

  @Test
  void closeStopsTheBrokerForGoodAndARestartOnTheSameDirectoryKeepsTheData(@TempDir Path ownWorkDir)
      throws Exception {
    List<LabeledSample> samples =
        Stream.generate(new RotatingHyperplane(3, 2, 2, 0, 0)::next).limit(10).toList();
    KafkaBroker first = KafkaBroker.start(ownWorkDir);
    ProcessHandle firstProcess = first.process();
    try {
      assertThat(firstProcess.isAlive()).isTrue();
      assertThat(firstProcess.pid()).isNotEqualTo(ProcessHandle.current().pid());
      first.createTopic("kept", 1);
      KafkaConnectors.produce(first.bootstrapServers(), "kept", samples);
    } finally {
      first.close();
    }
    assertThat(firstProcess.isAlive()).isFalse();
    first.close();
    assertThat(firstProcess.isAlive()).isFalse();

    try (KafkaBroker second = KafkaBroker.start(ownWorkDir)) {
      assertThat(
              KafkaConnectors.readAll(
                  second.bootstrapServers(),
                  "kept",
                  WireCodec.labeledSamples(),
                  samples.size(),
                  Duration.ofSeconds(60)))
          .containsExactlyElementsOf(samples);
    }
  }

  /** As when another broker, starting at the same moment, took a port picked for this one. */
  @Test
  void aBrokerWhosePortWasTakenStartsAgainOnNewPorts(@TempDir Path ownWorkDir) throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      AtomicInteger picks = new AtomicInteger();
      KafkaBroker.PortPicker takenFirst =
          count -> {
            int[] ports = KafkaBroker.freeLoopbackPorts(count);
            if (picks.getAndIncrement() == 0) {
              ports[0] = taken.getLocalPort();
            }
            return ports;
          };

      try (KafkaBroker started = KafkaBroker.start(ownWorkDir, false, "", takenFirst)) {
        assertThat(picks).hasValue(2);
        assertThat(started.bootstrapServers()).doesNotEndWith(":" + taken.getLocalPort());
        assertThat(Files.readString(ownWorkDir.resolve("broker.log")))
            .contains("Address already in use");
        started.createTopic("after-a-retry", 1);
      }
    }
  }

  @Test
  void brokerStopsWhenTheJvmThatStartedItIsKilled(@TempDir Path ownWorkDir) throws Exception {
    Process parent =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                BrokerParent.class.getName(),
                ownWorkDir.toString())
            .redirectErrorStream(true)
            .start();
    ProcessHandle brokerProcess = null;
    try {
      brokerProcess = ProcessHandle.of(brokerPidPrintedBy(parent)).orElseThrow();
      assertThat(brokerProcess.isAlive()).isTrue();

      parent.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook runs in the parent

      brokerProcess.onExit().get(60, TimeUnit.SECONDS);
      assertThat(brokerProcess.isAlive()).isFalse();
    } finally {
      parent.destroyForcibly();
      if (brokerProcess != null) {
        brokerProcess.destroyForcibly();
      }
    }
  }

  private static long brokerPidPrintedBy(Process parent) throws IOException {
    BufferedReader output =
        new BufferedReader(new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8));
    List<String> lines = new ArrayList<>();
    for (String line = output.readLine(); line != null; line = output.readLine()) {
      if (line.startsWith(BrokerParent.PID_PREFIX)) {
        return Long.parseLong(line.substring(BrokerParent.PID_PREFIX.length()));
      }
      lines.add(line);
    }
    throw new AssertionError("The parent JVM ended without starting a broker:\n" + lines);
  }

  /** A JVM that starts a broker, tells its pid and waits to be killed. */
  static final class BrokerParent {
    static final String PID_PREFIX = "broker pid ";

    public static void main(String[] args) throws Exception {
      KafkaBroker broker = KafkaBroker.start(Path.of(args[0]));
      System.out.println(PID_PREFIX + broker.process().pid());
      Thread.sleep(Long.MAX_VALUE);
    }
  }
}
