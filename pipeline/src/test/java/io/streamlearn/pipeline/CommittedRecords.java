package io.streamlearn.pipeline;

import io.streamlearn.pipeline.kafka.KafkaConnectors;
import io.streamlearn.schemas.WireCodec;
import io.streamlearn.schemas.WireFormatException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads everything committed to a topic, the way a read_committed consumer sees it. Unlike {@code
 * KafkaConnectors.readAll}, which stops at an expected count, it reads up to the last stable offset
 * of every partition, so duplicates beyond the expected count are read too.
 */
final class CommittedRecords {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private CommittedRecords() {}

  /**
   * The committed records of {@code topic}, decoded, partition by partition in offset order.
   *
   * @throws IllegalStateException if the end is not reached within a minute, for example because a
   *     transaction left open hides everything after it
   */
  static <T> List<T> read(String bootstrapServers, String topic, WireCodec<T> codec) {
    try (KafkaConsumer<byte[], byte[]> consumer =
        KafkaConnectors.committedConsumer(bootstrapServers)) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(info -> new TopicPartition(topic, info.partition()))
              .toList();
      // read_committed: the end offsets are the last stable offsets.
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      List<T> records = new ArrayList<>();
      for (TopicPartition partition : partitions) {
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (consumer.position(partition) < ends.get(partition)) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException(
                "Did not reach offset " + ends.get(partition) + " of " + partition);
          }
          for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
            records.add(decode(codec, record));
          }
        }
      }
      return records;
    }
  }

  private static <T> T decode(WireCodec<T> codec, ConsumerRecord<byte[], byte[]> record) {
    try {
      return codec.decode(record.value());
    } catch (WireFormatException e) {
      throw new IllegalStateException(
          "Cannot decode " + record.topic() + "-" + record.partition() + "@" + record.offset(), e);
    }
  }
}
