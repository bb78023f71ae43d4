package io.streamlearn.pipeline.kafka;

import io.streamlearn.operators.SourceRecord;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Passes each Kafka record on undecoded, with its topic, partition and offset. Decoding happens in
 * a Flink operator after the source, where a record that cannot be decoded is reported with its
 * origin instead of failing the source.
 */
public final class SourceRecordDeserializationSchema
    implements KafkaRecordDeserializationSchema<SourceRecord> {

  private static final long serialVersionUID = 1L;

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<SourceRecord> out) {
    out.collect(
        new SourceRecord(record.topic(), record.partition(), record.offset(), record.value()));
  }

  @Override
  public TypeInformation<SourceRecord> getProducedType() {
    return TypeInformation.of(SourceRecord.class);
  }
}
