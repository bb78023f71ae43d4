package io.streamlearn.pipeline.kafka;

import io.streamlearn.operators.SourceRecord;
import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.WireCodec;
import io.streamlearn.schemas.WireFormatException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaSinkBuilder;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.flink.util.function.SerializableSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The Kafka ends of the Flink job (the samples source, the predictions and checkpoints sinks) and
 * plain Kafka clients for the command line and tests. Every value on Kafka is one record in Avro
 * single-object encoding ({@link WireCodec}); every key is the model key in UTF-8.
 */
public final class KafkaConnectors {

  private static final String READ_COMMITTED = "read_committed";

  /**
   * Longest {@link #settledEndOffsets} waits for the ended transactions' markers: they take
   * milliseconds, and a transaction open longer than this was left behind.
   */
  public static final Duration SETTLE_LIMIT = Duration.ofSeconds(10);

  private static final Duration SETTLE_POLL = Duration.ofMillis(50);

  private KafkaConnectors() {}

  /**
   * Reads the samples topic (or the labels topic, which is read the same way) as raw {@link
   * SourceRecord}s. Starts at the group's committed offsets, or at the beginning for a new group,
   * and reads only committed transactional data.
   *
   * @param boundedAtLatest stop at the offsets that are the latest when the job starts, so that a
   *     job over the data already in the topic finishes (tests, replays); otherwise read forever
   */
  @SuppressWarnings("deprecation") // committedOffsets takes no other reset type in 5.0.0-2.2
  public static KafkaSource<SourceRecord> samplesSource(
      KafkaClientSettings kafka, String topic, String groupId, boolean boundedAtLatest) {
    KafkaSourceBuilder<SourceRecord> builder =
        KafkaSource.<SourceRecord>builder()
            .setProperties(kafka.properties())
            .setBootstrapServers(kafka.bootstrapServers())
            .setTopics(topic)
            .setGroupId(groupId)
            .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
            .setDeserializer(new SourceRecordDeserializationSchema())
            .setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, READ_COMMITTED);
    if (boundedAtLatest) {
      builder.setBounded(OffsetsInitializer.latest());
    }
    return builder.build();
  }

  /**
   * Writes records to {@code topic}, encoded by the codec that {@code codecFactory} makes, keyed by
   * {@code keyOf}.
   *
   * @param transactionalIdPrefix used with {@link DeliveryGuarantee#EXACTLY_ONCE} only; must be
   *     unique per sink among all jobs writing to the cluster and stable across restarts
   * @param transactionTimeout used with {@link DeliveryGuarantee#EXACTLY_ONCE} only; must exceed
   *     the longest expected checkpoint interval plus restart time and may not exceed the broker's
   *     {@code transaction.max.timeout.ms} (15 min by default). The connector's own default of 1 h
   *     exceeds that, and every transaction then fails.
   */
  public static <T> KafkaSink<T> sink(
      KafkaClientSettings kafka,
      String topic,
      SerializableSupplier<WireCodec<T>> codecFactory,
      SerializableFunction<T, String> keyOf,
      DeliveryGuarantee guarantee,
      String transactionalIdPrefix,
      Duration transactionTimeout) {
    KafkaSinkBuilder<T> builder =
        KafkaSink.<T>builder()
            .setKafkaProducerConfig(kafka.properties())
            .setBootstrapServers(kafka.bootstrapServers())
            .setRecordSerializer(new WireCodecRecordSerializer<>(topic, codecFactory, keyOf))
            .setDeliveryGuarantee(guarantee);
    if (guarantee == DeliveryGuarantee.EXACTLY_ONCE) {
      builder
          .setTransactionalIdPrefix(transactionalIdPrefix)
          .setProperty(
              ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
              Long.toString(transactionTimeout.toMillis()));
    }
    return builder.build();
  }

  /**
   * A consumer of raw records that sees what downstream read-committed consumers see: no records of
   * open or aborted transactions. It has no group, commits nothing and creates no topic; assign it
   * partitions.
   */
  public static KafkaConsumer<byte[], byte[]> committedConsumer(KafkaClientSettings kafka) {
    return new KafkaConsumer<>(
        kafka.clientConfig(
            Map.of(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                READ_COMMITTED,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                // Reading a topic must never create it, whatever the broker's auto.create.topics.
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG,
                false)),
        new ByteArrayDeserializer(),
        new ByteArrayDeserializer());
  }

  /** A committed consumer of a cluster that needs no client settings, such as a test's broker. */
  public static KafkaConsumer<byte[], byte[]> committedConsumer(String bootstrapServers) {
    return committedConsumer(KafkaClientSettings.of(bootstrapServers));
  }

  /**
   * Reads {@code topic} from the beginning, committed records only, until at least {@code expected}
   * records have arrived or {@code timeout} has passed, and returns what it read: fewer than
   * expected on timeout, more if the last poll brought more.
   *
   * @throws IllegalStateException if a record cannot be decoded, naming its offset
   * @throws IllegalArgumentException if the topic does not exist
   */
  public static <T> List<T> readAll(
      KafkaClientSettings kafka, String topic, WireCodec<T> codec, int expected, Duration timeout) {
    try (KafkaConsumer<byte[], byte[]> consumer = committedConsumer(kafka)) {
      // Assigned partitions, no consumer group: nothing to rebalance and no offsets left behind.
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(info -> new TopicPartition(topic, info.partition()))
              .toList();
      if (partitions.isEmpty()) {
        throw new IllegalArgumentException("No topic " + topic + " on " + kafka.bootstrapServers());
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);

      List<T> records = new ArrayList<>();
      long deadline = System.nanoTime() + timeout.toNanos();
      while (records.size() < expected && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          records.add(decode(codec, record));
        }
      }
      return records;
    }
  }

  /**
   * Everything committed to {@code topic}, decoded, partition by partition in offset order: read up
   * to each partition's {@linkplain #settledEndOffsets settled end}. Unlike {@link #readAll}, which
   * stops at an expected count or waits out its timeout, it returns as soon as it has read that
   * far, and it reads duplicates and extras too; once the writers have ended, it is the topic's
   * whole content.
   *
   * @throws IllegalStateException if a partition's end is not reached within {@code timeout}, for
   *     example because a transaction left open hides what follows it, or a record cannot be
   *     decoded
   * @throws IllegalArgumentException if the topic does not exist
   */
  public static <T> List<T> readCommitted(
      String bootstrapServers, String topic, WireCodec<T> codec, Duration timeout) {
    try (KafkaConsumer<byte[], byte[]> consumer = committedConsumer(bootstrapServers)) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(info -> new TopicPartition(topic, info.partition()))
              .toList();
      if (partitions.isEmpty()) {
        throw new IllegalArgumentException("No topic " + topic + " on " + bootstrapServers);
      }
      Map<TopicPartition, Long> ends =
          settledEndOffsets(KafkaClientSettings.of(bootstrapServers), partitions);
      List<T> records = new ArrayList<>();
      long deadline = System.nanoTime() + timeout.toNanos();
      for (TopicPartition partition : partitions) {
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
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

  /**
   * The partitions' last stable offsets once the transactions that have ended in them are settled,
   * for reading everything committed after the writers ended: a producer's commit returns once the
   * transaction coordinator has logged it, and the broker writes the commit markers into the
   * partitions after that, so for a moment a committed transaction still hides its records from
   * read-committed consumers. Waits until the last stable offsets reach the high watermarks (no
   * transaction open or settling), or at most {@link #SETTLE_LIMIT}: a transaction still open then
   * was left behind by a writer that died, and only its timeout will end it; it and what follows it
   * are not counted.
   */
  public static Map<TopicPartition, Long> settledEndOffsets(
      KafkaClientSettings kafka, Collection<TopicPartition> partitions) {
    return settledEndOffsets(kafka, partitions, SETTLE_LIMIT);
  }

  /** {@link #settledEndOffsets(KafkaClientSettings, Collection)} waiting at most {@code limit}. */
  static Map<TopicPartition, Long> settledEndOffsets(
      KafkaClientSettings kafka, Collection<TopicPartition> partitions, Duration limit) {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    partitions.forEach(partition -> latest.put(partition, OffsetSpec.latest()));
    try (Admin admin = Admin.create(kafka.clientConfig(Map.of()))) {
      long deadline = System.nanoTime() + limit.toNanos();
      while (true) {
        Map<TopicPartition, Long> stable = offsets(admin, latest, IsolationLevel.READ_COMMITTED);
        Map<TopicPartition, Long> high = offsets(admin, latest, IsolationLevel.READ_UNCOMMITTED);
        if (stable.equals(high) || System.nanoTime() > deadline) {
          return stable;
        }
        Thread.sleep(SETTLE_POLL.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while reading the end offsets", e);
    } catch (ExecutionException e) {
      throw new KafkaException("Cannot read the end offsets of " + partitions, e.getCause());
    }
  }

  private static Map<TopicPartition, Long> offsets(
      Admin admin, Map<TopicPartition, OffsetSpec> specs, IsolationLevel isolation)
      throws InterruptedException, ExecutionException {
    Map<TopicPartition, Long> offsets = new HashMap<>();
    admin
        .listOffsets(specs, new ListOffsetsOptions(isolation))
        .all()
        .get()
        .forEach((partition, info) -> offsets.put(partition, info.offset()));
    return offsets;
  }

  /** Reads a topic of a cluster that needs no client settings, as {@link #readAll} does. */
  public static <T> List<T> readAll(
      String bootstrapServers, String topic, WireCodec<T> codec, int expected, Duration timeout) {
    return readAll(KafkaClientSettings.of(bootstrapServers), topic, codec, expected, timeout);
  }

  /**
   * Writes samples in Avro single-object encoding, keyed by model key, and returns once all are
   * acknowledged by the broker. Idempotent with {@code acks=all}, so retries neither lose nor
   * duplicate records.
   *
   * @throws KafkaException if a record could not be written
   */
  public static void produce(
      KafkaClientSettings kafka, String topic, Iterable<LabeledSample> samples) {
    produce(kafka, topic, samples, WireCodec.labeledSamples(), LabeledSample::getKey);
  }

  /** Writes samples to a cluster that needs no client settings, such as a test's broker. */
  public static void produce(
      String bootstrapServers, String topic, Iterable<LabeledSample> samples) {
    produce(KafkaClientSettings.of(bootstrapServers), topic, samples);
  }

  /**
   * Writes records in Avro single-object encoding, keyed by model key, like {@link
   * #produce(KafkaClientSettings, String, Iterable)} writes samples.
   *
   * @throws KafkaException if a record could not be written
   */
  public static <T> void produce(
      KafkaClientSettings kafka,
      String topic,
      Iterable<T> records,
      WireCodec<T> codec,
      Function<T, String> keyOf) {
    Map<String, Object> config =
        kafka.clientConfig(
            Map.of(
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true));
    AtomicReference<Exception> firstFailure = new AtomicReference<>();
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (T value : records) {
        ProducerRecord<byte[], byte[]> record =
            new ProducerRecord<>(
                topic, keyOf.apply(value).getBytes(StandardCharsets.UTF_8), codec.encode(value));
        producer.send(
            record,
            (metadata, failure) -> {
              if (failure != null) {
                firstFailure.compareAndSet(null, failure);
              }
            });
      }
      producer.flush();
    }
    if (firstFailure.get() != null) {
      throw new KafkaException("Cannot write records to " + topic, firstFailure.get());
    }
  }

  /**
   * Decodes a record's value.
   *
   * @throws IllegalStateException if it cannot be decoded, naming its topic, partition and offset
   */
  public static <T> T decode(WireCodec<T> codec, ConsumerRecord<byte[], byte[]> record) {
    try {
      return codec.decode(record.value());
    } catch (WireFormatException e) {
      throw new IllegalStateException(
          "Cannot decode the record at "
              + record.topic()
              + "-"
              + record.partition()
              + "@"
              + record.offset()
              + " ("
              + e.reason()
              + "): "
              + e.getMessage(),
          e);
    }
  }
}
