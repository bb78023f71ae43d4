package io.streamlearn.pipeline.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamlearn.schemas.Prediction;
import io.streamlearn.schemas.WireCodec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.flink.util.InstantiationUtil;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class WireCodecRecordSerializerTest {

  private static final Prediction PREDICTION =
      new Prediction(
          "key-3-17",
          "key-3",
          17L,
          List.of(0.25f, 0.75f),
          1,
          0,
          null,
          null,
          null,
          null,
          Instant.parse("2024-01-01T00:00:01Z"),
          Instant.parse("2024-01-01T00:00:02Z"));

  @Test
  void writesTheModelKeyAsKafkaKeyAndTheRecordSingleObjectEncoded() throws Exception {
    // Flink ships the serializer to the task managers: use a copy that went through Java
    // serialization, as the sink's would.
    WireCodecRecordSerializer<Prediction> serializer =
        InstantiationUtil.clone(
            new WireCodecRecordSerializer<>(
                "predictions", WireCodec::predictions, Prediction::getKey));
    serializer.open(null, null);

    ProducerRecord<byte[], byte[]> record = serializer.serialize(PREDICTION, null, 1234L);

    assertThat(record.topic()).isEqualTo("predictions");
    assertThat(record.partition()).as("left to Kafka's key hash").isNull();
    assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("key-3");
    assertThat(WireCodec.predictions().decode(record.value())).isEqualTo(PREDICTION);
    assertThat(record.timestamp()).as("Kafka stamps the write time").isNull();
  }
}
