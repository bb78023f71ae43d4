package io.streamlearn.pipeline.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamlearn.operators.SourceRecord;
import io.streamlearn.pipeline.MiniClusters;
import io.streamlearn.pipeline.generate.RotatingHyperplane;
import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.Prediction;
import io.streamlearn.schemas.WireCodec;
import io.streamlearn.schemas.WireFormatException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

class KafkaConnectorsITCase {

  @RegisterExtension static final MiniClusterExtension FLINK = MiniClusters.withSlots(2);

  private static final OutputTag<SourceRecord> UNDECODABLE =
      new OutputTag<>("undecodable", TypeInformation.of(SourceRecord.class));

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void exactlyOnceJobWritesOnePredictionPerSampleAndReportsGarbageWithItsOrigin() throws Exception {
    String bootstrap = KAFKA.broker().bootstrapServers();
    KAFKA.broker().createTopic("samples", 2);
    KAFKA.broker().createTopic("predictions", 2);
    List<LabeledSample> samples =
        Stream.generate(new RotatingHyperplane(11, 4, 6, 0.001, 0.1)::next).limit(500).toList();
    KafkaConnectors.produce(bootstrap, "samples", samples);
    List<SourceRecord> garbage =
        List.of(
            writeRaw(bootstrap, "samples", 0, "not Avro".getBytes(StandardCharsets.UTF_8)),
            writeRaw(bootstrap, "samples", 1, new byte[] {(byte) 0xC3, 0x01, 1, 2, 3}));

    // A failing job would otherwise restart forever and the test would hang instead of failing.
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(
            new Configuration().set(RestartStrategyOptions.RESTART_STRATEGY, "none"));
    env.setParallelism(2);
    env.enableCheckpointing(500);
    SingleOutputStreamOperator<Prediction> predictions =
        env.fromSource(
                KafkaConnectors.samplesSource(
                    KafkaClientSettings.of(bootstrap), "samples", "connectors-it", true),
                WatermarkStrategy.noWatermarks(),
                "samples")
            .process(new EchoPredictions());
    predictions.sinkTo(
        KafkaConnectors.sink(
            KafkaClientSettings.of(bootstrap),
            "predictions",
            WireCodec::predictions,
            Prediction::getKey,
            DeliveryGuarantee.EXACTLY_ONCE,
            "connectors-it-predictions",
            Duration.ofMinutes(5)));
    CloseableIterator<SourceRecord> undecodable =
        predictions.getSideOutput(UNDECODABLE).collectAsync();
    env.execute("KafkaConnectorsITCase");

    List<SourceRecord> reported = new ArrayList<>();
    undecodable.forEachRemaining(reported::add);
    assertThat(reported).containsExactlyInAnyOrderElementsOf(garbage);

    // Asking for one more than expected shows that nothing was written twice; the job has
    // finished, so the 5 s only bound the wait for a record that should not exist.
    List<Prediction> written =
        KafkaConnectors.readAll(
            bootstrap,
            "predictions",
            WireCodec.predictions(),
            samples.size() + 1,
            Duration.ofSeconds(5));
    assertThat(written)
        .containsExactlyInAnyOrderElementsOf(
            samples.stream().map(EchoPredictions::predictionFor).toList());
  }

  /**
   * A commit returns before the broker has written the transaction's markers: read at once, the
   * last stable offset can still be short of the committed record, as it was when the demo read its
   * final model checkpoint right after the job ended.
   */
  @Test
  void settledEndsCountEachTransactionRightAfterItsCommit() throws Exception {
    KAFKA.broker().createTopic("settled", 1);
    TopicPartition partition = new TopicPartition("settled", 0);
    KafkaClientSettings kafka = KafkaClientSettings.of(KAFKA.broker().bootstrapServers());
    try (KafkaProducer<byte[], byte[]> producer = transactionalProducer("settled-writer")) {
      for (int transaction = 1; transaction <= 30; transaction++) {
        producer.beginTransaction();
        producer.send(new ProducerRecord<>("settled", new byte[] {(byte) transaction}));
        producer.commitTransaction();

        // Each transaction is its record and its commit marker.
        assertThat(KafkaConnectors.settledEndOffsets(kafka, List.of(partition)))
            .as("after transaction %d", transaction)
            .containsExactly(Map.entry(partition, 2L * transaction));
      }
    }
  }

  @Test
  void settledEndsStopBeforeATransactionLeftOpen() throws Exception {
    KAFKA.broker().createTopic("left-open", 1);
    TopicPartition partition = new TopicPartition("left-open", 0);
    KafkaClientSettings kafka = KafkaClientSettings.of(KAFKA.broker().bootstrapServers());
    try (KafkaProducer<byte[], byte[]> producer = transactionalProducer("left-open-writer")) {
      producer.beginTransaction();
      producer.send(new ProducerRecord<>("left-open", new byte[] {1}));
      producer.commitTransaction();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>("left-open", new byte[] {2}));
      producer.flush();

      assertThat(
              KafkaConnectors.settledEndOffsets(kafka, List.of(partition), Duration.ofSeconds(1)))
          .containsExactly(Map.entry(partition, 2L));
      producer.abortTransaction();
    }
  }

  private static KafkaProducer<byte[], byte[]> transactionalProducer(String transactionalId) {
    return TransactionalProducers.open(KAFKA.broker().bootstrapServers(), transactionalId, 60_000);
  }

  /** Writes raw bytes to one partition and returns the record as the source should report it. */
  private static SourceRecord writeRaw(String bootstrap, String topic, int partition, byte[] value)
      throws Exception {
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
            new ByteArraySerializer(),
            new ByteArraySerializer())) {
      RecordMetadata written =
          producer.send(new ProducerRecord<>(topic, partition, null, value)).get();
      return new SourceRecord(topic, written.partition(), written.offset(), value);
    }
  }

  /**
   * Stands in for the model: decodes each record and answers with a prediction made from the sample
   * alone, so the expected output is known; records that cannot be decoded go to the side output.
   */
  private static final class EchoPredictions extends ProcessFunction<SourceRecord, Prediction> {

    private transient WireCodec<LabeledSample> codec;

    @Override
    public void open(OpenContext openContext) {
      codec = WireCodec.labeledSamples();
    }

    @Override
    public void processElement(SourceRecord record, Context context, Collector<Prediction> out) {
      try {
        out.collect(predictionFor(codec.decode(record.value)));
      } catch (WireFormatException e) {
        context.output(UNDECODABLE, record);
      }
    }

    static Prediction predictionFor(LabeledSample sample) {
      return Prediction.newBuilder()
          .setSampleId(sample.getId())
          .setKey(sample.getKey())
          .setModelVersion(0L)
          .setScores(List.of(0.5f, 0.5f))
          .setPredictedLabel(sample.getLabel())
          .setLabel(sample.getLabel())
          .setTarget(null)
          .setEventTime(sample.getEventTime())
          .setPredictionTime(sample.getEventTime())
          .build();
    }
  }
}
