package io.streamlearn.pipeline.kafka;

import io.streamlearn.schemas.WireCodec;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.flink.util.function.SerializableSupplier;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes each record to one topic, its value in Avro single-object encoding and its Kafka key the
 * model key in UTF-8, so that Kafka's default partitioner keeps all records of a key in one
 * partition, in order.
 */
final class WireCodecRecordSerializer<T> implements KafkaRecordSerializationSchema<T> {

  private static final long serialVersionUID = 1L;

  private final String topic;
  private final SerializableSupplier<WireCodec<T>> codecFactory;
  private final SerializableFunction<T, String> keyOf;

  /** WireCodec is neither serializable nor thread-safe: each serializer instance makes its own. */
  private transient WireCodec<T> codec;

  WireCodecRecordSerializer(
      String topic,
      SerializableSupplier<WireCodec<T>> codecFactory,
      SerializableFunction<T, String> keyOf) {
    this.topic = topic;
    this.codecFactory = codecFactory;
    this.keyOf = keyOf;
  }

  @Override
  public void open(
      SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
    codec = codecFactory.get();
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(
      T element, KafkaSinkContext context, Long timestamp) {
    // No timestamp: Kafka stamps the write time. Event times can be far in the past (replays,
    // generated data), and the broker's time-based retention would then delete the records early.
    return new ProducerRecord<>(topic, keyBytes(element), codec.encode(element));
  }

  /** A record without a key (a dead letter that could not be decoded) gets a null Kafka key. */
  private byte[] keyBytes(T element) {
    String key = keyOf.apply(element);
    return key == null ? null : key.getBytes(StandardCharsets.UTF_8);
  }
}
