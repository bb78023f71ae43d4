package io.streamlearn.pipeline.kafka;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * Where a Kafka cluster is and the settings every client needs there: {@code security.protocol},
 * {@code sasl.mechanism}, {@code sasl.jaas.config}, {@code ssl.truststore.location} and whatever
 * else a cluster asks of its clients, read from a Kafka client properties file (the format of
 * Kafka's own {@code --command-config}). Every client Streamlearn makes, in the command line and in
 * the job, starts from these settings; the settings a client relies on itself (its bootstrap
 * servers, read_committed, idempotence, transactions) win over the file's.
 */
public record KafkaClientSettings(String bootstrapServers, Map<String, String> clientProperties) {

  public KafkaClientSettings {
    clientProperties = Map.copyOf(clientProperties);
  }

  /** A cluster that needs no client settings: plaintext, no authentication. */
  public static KafkaClientSettings of(String bootstrapServers) {
    return new KafkaClientSettings(bootstrapServers, Map.of());
  }

  /**
   * The cluster at {@code bootstrapServers} with the client settings in {@code propertiesFile}, or
   * none when it is null.
   *
   * @throws IllegalArgumentException if the file cannot be read, naming it
   */
  public static KafkaClientSettings of(String bootstrapServers, Path propertiesFile) {
    if (propertiesFile == null) {
      return of(bootstrapServers);
    }
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(propertiesFile, StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "cannot read the Kafka client properties file " + propertiesFile + ": " + e, e);
    }
    Map<String, String> settings = new TreeMap<>();
    properties.stringPropertyNames().forEach(key -> settings.put(key, properties.getProperty(key)));
    return new KafkaClientSettings(bootstrapServers, settings);
  }

  /**
   * A client's configuration: these client settings, then {@code own} (which wins), then the
   * bootstrap servers.
   */
  public Map<String, Object> clientConfig(Map<String, Object> own) {
    Map<String, Object> config = new HashMap<>(clientProperties);
    config.putAll(own);
    config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return config;
  }

  /** The client settings as {@link Properties}, for Flink's Kafka source and sink builders. */
  public Properties properties() {
    Properties properties = new Properties();
    properties.putAll(clientProperties);
    return properties;
  }
}
