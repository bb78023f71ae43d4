package io.streamlearn.pipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.stream.IntStream;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.Filter;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.properties.PropertiesConfigurationFactory;
import org.apache.logging.log4j.core.filter.AbstractFilterable;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.message.SimpleMessage;
import org.junit.jupiter.api.Test;

/** The log4j2.properties that bin/streamlearn runs with (tests run with their own). */
class BundledLoggingTest {

  private static final String NETWORK_CLIENT = "org.apache.kafka.clients.NetworkClient";

  @Test
  void kafkaClientWarningsAboutAnUnreachableBrokerAreLoggedButNotEveryRetry() throws IOException {
    LoggerConfig kafka = bundledConfiguration().getLoggerConfig(NETWORK_CLIENT);

    assertThat(kafka.getLevel().isLessSpecificThan(Level.WARN)).isTrue();
    long passed =
        IntStream.range(0, 100)
            .filter(n -> passes(kafka, warning("Connection to node 1 could not be established")))
            .count();
    assertThat(passed).isBetween(1L, 10L);
    assertThat(passes(kafka, event(Level.ERROR, "an error after the burst"))).isTrue();
  }

  @Test
  void thePreflightChecksClientsAreLeftOutSinceTheCommandSaysWhatTheyMet() throws IOException {
    AbstractFilterable stderr = (AbstractFilterable) bundledConfiguration().getAppender("stderr");
    String failure =
        " Connection to node -1 (localhost/127.0.0.1:9094) failed authentication due to:"
            + " Authentication failed: Invalid username or password";

    assertThat(
            stderr.isFiltered(
                event(Level.ERROR, "[AdminClient clientId=streamlearn-preflight]" + failure)))
        .isTrue();
    assertThat(stderr.isFiltered(event(Level.ERROR, "[Producer clientId=producer-1]" + failure)))
        .isFalse();
  }

  @Test
  void aFailedCheckpointIsOneLineWithItsReasonNotAStackTrace() throws IOException {
    LoggerConfig checkpoints =
        bundledConfiguration()
            .getLoggerConfig("org.apache.flink.runtime.checkpoint.CheckpointFailureManager");
    LogEvent declined =
        Log4jLogEvent.newBuilder()
            .setLoggerName(checkpoints.getName())
            .setLevel(Level.WARN)
            .setMessage(
                new SimpleMessage(
                    "Failed to trigger or complete checkpoint 6 for job 1f. (0 consecutive failed"
                        + " attempts so far)"))
            .setThrown(
                new IllegalStateException(
                    "Checkpoint was declined (task is closing)",
                    new IllegalStateException("Task name with subtask: Source: samples (1/2)")))
            .build();

    assertThat(checkpoints.isAdditive()).isFalse();
    assertThat(checkpoints.getAppenders()).hasSize(1);
    String written =
        checkpoints
            .getAppenders()
            .values()
            .iterator()
            .next()
            .getLayout()
            .toSerializable(declined)
            .toString();
    assertThat(written)
        .endsWith(
            " WARN  CheckpointFailureManager - Failed to trigger or complete checkpoint 6 for job"
                + " 1f. (0 consecutive failed attempts so far): Checkpoint was declined (task is"
                + " closing)"
                + System.lineSeparator())
        .hasLineCount(1);
  }

  private static boolean passes(LoggerConfig logger, LogEvent event) {
    Filter filter = logger.getFilter();
    return event.getLevel().isMoreSpecificThan(logger.getLevel())
        && (filter == null || filter.filter(event) != Filter.Result.DENY);
  }

  private static LogEvent warning(String message) {
    return event(Level.WARN, message);
  }

  private static LogEvent event(Level level, String message) {
    return Log4jLogEvent.newBuilder()
        .setLoggerName(NETWORK_CLIENT)
        .setLevel(level)
        .setMessage(new SimpleMessage(message))
        .build();
  }

  private static Configuration bundledConfiguration() throws IOException {
    try (InputStream properties =
        BundledLoggingTest.class.getResourceAsStream("/log4j2.properties")) {
      Configuration configuration =
          new PropertiesConfigurationFactory()
              .getConfiguration(
                  new LoggerContext("bundled-logging-test"), new ConfigurationSource(properties));
      configuration.initialize();
      configuration.start();
      return configuration;
    }
  }
}
