package io.streamlearn.pipeline.cli;

import static io.streamlearn.pipeline.config.StreamlearnOptions.KAFKA_GROUP_ID;
import static io.streamlearn.pipeline.config.StreamlearnOptions.KAFKA_TOPIC_LABELS;
import static io.streamlearn.pipeline.config.StreamlearnOptions.KAFKA_TOPIC_SAMPLES;

import io.streamlearn.pipeline.KafkaJob;
import io.streamlearn.pipeline.config.StreamlearnConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.TopicPartition;

/** The job's input topics (samples, and labels if any) and their offsets, as Kafka has them. */
final class InputOffsets implements AutoCloseable {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final Admin admin;
  private final String group;
  private final Set<String> topics = new HashSet<>();

  InputOffsets(StreamlearnConfig config) {
    this.admin =
        Admin.create(
            KafkaJob.kafkaClientSettings(config)
                .clientConfig(
                    Map.of(
                        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                        (int) TIMEOUT.toMillis())));
    this.group = config.get(KAFKA_GROUP_ID);
    topics.add(config.get(KAFKA_TOPIC_SAMPLES));
    if (config.get(KAFKA_TOPIC_LABELS) != null) {
      topics.add(config.get(KAFKA_TOPIC_LABELS));
    }
  }

  String group() {
    return group;
  }

  /** The offsets the consumer group has committed on the input topics. */
  Map<TopicPartition, Long> committed()
      throws InterruptedException, ExecutionException, TimeoutException {
    Map<TopicPartition, Long> committed = new HashMap<>();
    admin
        .listConsumerGroupOffsets(group)
        .partitionsToOffsetAndMetadata()
        .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)
        .forEach(
            (partition, offset) -> {
              if (offset != null && topics.contains(partition.topic())) {
                committed.put(partition, offset.offset());
              }
            });
    return committed;
  }

  @Override
  public void close() {
    admin.close();
  }
}
