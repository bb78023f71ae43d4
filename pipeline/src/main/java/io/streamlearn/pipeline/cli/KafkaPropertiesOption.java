package io.streamlearn.pipeline.cli;

import io.streamlearn.pipeline.kafka.KafkaClientSettings;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --kafka-properties FILE}: the client settings a cluster asks for (security protocol, SASL
 * mechanism and credentials, TLS trust store), for the commands that take {@code
 * --bootstrap-servers}. {@code run} reads them from its configuration's kafka.properties-file.
 */
final class KafkaPropertiesOption {

  @Option(
      names = "--kafka-properties",
      paramLabel = "FILE",
      description =
          "Kafka client properties file, as Kafka's own tools take with --command-config:"
              + " security.protocol, sasl.mechanism, sasl.jaas.config, ... (default: plaintext,"
              + " no authentication).")
  Path file;

  /** The cluster at {@code bootstrapServers}, reached with the file's settings. */
  KafkaClientSettings settings(String bootstrapServers) {
    return KafkaClientSettings.of(bootstrapServers, file);
  }
}
