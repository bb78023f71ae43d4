package io.streamlearn.pipeline.demo;

import static io.streamlearn.pipeline.OutputRecords.checkpoint;
import static io.streamlearn.pipeline.OutputRecords.prediction;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamlearn.pipeline.kafka.KafkaBrokerExtension;
import io.streamlearn.pipeline.kafka.KafkaClientSettings;
import io.streamlearn.pipeline.kafka.TransactionalProducers;
import io.streamlearn.schemas.Prediction;
import io.streamlearn.schemas.WireCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The demo's monitor against a real broker and real transactions, as the job's exactly-once sinks
 * write them: what it reads at the end is everything committed, and nothing else.
 */
class DemoMonitorITCase {

  private static final String PREDICTIONS = "predictions";
  private static final String CHECKPOINTS = "model-checkpoints";
  private static final String METRICS = "metrics";

  /** Far longer than the monitor is given: a monitor waiting for it would fail the test. */
  private static final int OPEN_TRANSACTION_TIMEOUT_MS = 300_000;

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  @BeforeAll
  static void createTopics() throws Exception {
    KAFKA.broker().createTopic(PREDICTIONS, 2);
    KAFKA.broker().createTopic(CHECKPOINTS, 1);
    KAFKA.broker().createTopic(METRICS, 1);
  }

  @Test
  void readsEverythingCommittedPastAbortedRecordsAndAnOpenTransaction() throws Exception {
    try (KafkaProducer<byte[], byte[]> job = transactionalProducer("job", 60_000);
        KafkaProducer<byte[], byte[]> lingering =
            transactionalProducer("lingering", OPEN_TRANSACTION_TIMEOUT_MS)) {
      job.beginTransaction();
      sendPredictions(job, "a", 3);
      job.send(
          new ProducerRecord<>(
              CHECKPOINTS,
              key("key-0"),
              WireCodec.modelCheckpoints().encode(checkpoint("key-0", 7, 768))));
      job.commitTransaction();
      job.beginTransaction();
      sendPredictions(job, "aborted", 2);
      job.flush();
      job.abortTransaction();
      job.beginTransaction();
      sendPredictions(job, "b", 1);
      job.commitTransaction();
      // Left open, as a cancelled job's sink leaves its last transaction.
      lingering.beginTransaction();
      sendPredictions(lingering, "open", 5);
      lingering.flush();

      DemoStats stats;
      try (DemoMonitor monitor =
          new DemoMonitor(
              KafkaClientSettings.of(KAFKA.broker().bootstrapServers()),
              PREDICTIONS,
              CHECKPOINTS,
              METRICS)) {
        stats = monitor.statsOfEverythingCommitted(10, 2.0, Duration.ofSeconds(60));
      }

      assertThat(stats.predictions()).isEqualTo(4);
      assertThat(stats.checkpoints()).isOne();
      assertThat(stats.trained()).isEqualTo(768);
      assertThat(stats.versions()).containsExactly(Map.entry("key-0", 7L));
      assertThat(stats.samples()).isEqualTo(10);
      lingering.abortTransaction();
    }
  }

  private static void sendPredictions(
      KafkaProducer<byte[], byte[]> producer, String idPrefix, int count) {
    for (int i = 0; i < count; i++) {
      Prediction prediction = prediction(idPrefix + "-" + i, "key-0", 7, i);
      // Both partitions, so that the monitor must reach the end of each.
      producer.send(
          new ProducerRecord<>(
              PREDICTIONS, i % 2, key("key-0"), WireCodec.predictions().encode(prediction)));
    }
  }

  private static byte[] key(String key) {
    return key.getBytes(StandardCharsets.UTF_8);
  }

  private static KafkaProducer<byte[], byte[]> transactionalProducer(
      String transactionalId, int transactionTimeoutMs) {
    return TransactionalProducers.open(
        KAFKA.broker().bootstrapServers(), transactionalId, transactionTimeoutMs);
  }
}
