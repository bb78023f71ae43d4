package io.streamlearn.pipeline.config;

import static io.streamlearn.pipeline.config.Problems.quote;
import static io.streamlearn.pipeline.config.StreamlearnOptions.KAFKA_BOOTSTRAP_SERVERS;
import static io.streamlearn.pipeline.config.StreamlearnOptions.KAFKA_PROPERTIES_FILE;
import static io.streamlearn.pipeline.config.StreamlearnOptions.KAFKA_TOPIC_CHECKPOINTS;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_INITIAL_PARENT_KEY;

import io.streamlearn.pipeline.kafka.KafkaClientSettings;
import io.streamlearn.pipeline.kafka.KafkaConnectors;
import io.streamlearn.pipeline.kafka.KafkaPreflight;
import io.streamlearn.pipeline.kafka.KafkaUnavailableException;
import io.streamlearn.schemas.ModelCheckpoint;
import io.streamlearn.schemas.WireCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

/**
 * The job's checkpoints topic, read committed from its beginning to the end offsets it has when the
 * reading starts, as any downstream consumer sees it: the records of open or aborted transactions
 * are not part of it. Only the parent key's records are decoded.
 */
final class KafkaParentCheckpoints implements ParentCheckpoints {

  /** How long reading the topic to its end may take, once the cluster has answered. */
  static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

  private static final Duration POLL = Duration.ofMillis(200);

  @Override
  public Optional<ModelCheckpoint> latest(ReadableConfig job, String key) {
    String topic = job.get(KAFKA_TOPIC_CHECKPOINTS);
    KafkaClientSettings kafka;
    try {
      kafka =
          KafkaClientSettings.of(
              job.get(KAFKA_BOOTSTRAP_SERVERS),
              job.getOptional(KAFKA_PROPERTIES_FILE).map(Path::of).orElse(null));
      try (KafkaPreflight preflight = KafkaPreflight.connect(kafka)) {
        preflight.requireTopics(List.of(topic), " (kafka.topic.checkpoints)");
      }
      return read(kafka, topic, key);
    } catch (KafkaUnavailableException
        | KafkaException
        | IllegalArgumentException
        | IllegalStateException e) {
      // IllegalStateException: a record of the key that does not decode, and taking an older one
      // instead would be a guess.
      throw unreadable(key, topic, e.getMessage(), e);
    }
  }

  private static Optional<ModelCheckpoint> read(
      KafkaClientSettings kafka, String topic, String key) {
    byte[] wanted = key.getBytes(StandardCharsets.UTF_8);
    WireCodec<ModelCheckpoint> codec = WireCodec.modelCheckpoints();
    long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
    ModelCheckpoint latest = null;
    try (KafkaConsumer<byte[], byte[]> consumer = KafkaConnectors.committedConsumer(kafka)) {
      // Assigned partitions, no consumer group: nothing to rebalance and no offsets left behind.
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, READ_TIMEOUT).stream()
              .map(info -> new TopicPartition(topic, info.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      // Read committed, these are the last stable offsets: what committed transactions wrote.
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, READ_TIMEOUT);
      while (!reachedEnds(consumer, ends)) {
        if (System.nanoTime() > deadline) {
          throw new KafkaException(
              "did not read it to its end within " + READ_TIMEOUT.toSeconds() + " s");
        }
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
          if (Arrays.equals(record.key(), wanted)) {
            ModelCheckpoint checkpoint = KafkaConnectors.decode(codec, record);
            if (latest == null || checkpoint.getVersion() > latest.getVersion()) {
              latest = checkpoint;
            }
          }
        }
      }
    }
    return Optional.ofNullable(latest);
  }

  private static boolean reachedEnds(
      KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> ends) {
    return ends.entrySet().stream()
        .allMatch(end -> consumer.position(end.getKey(), READ_TIMEOUT) >= end.getValue());
  }

  private static ConfigException unreadable(
      String key, String topic, String reason, Throwable cause) {
    return new ConfigException(
        MODEL_INITIAL_PARENT_KEY.key()
            + ": cannot read the checkpoints of key "
            + quote(key)
            + " from "
            + topic
            + ": "
            + reason,
        cause);
  }
}
