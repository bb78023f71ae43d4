package io.streamlearn.pipeline.kafka;

import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Transactional producers of raw records, for tests that write transactions as a sink does. */
public final class TransactionalProducers {

  private TransactionalProducers() {}

  /**
   * A producer of {@code transactionalId} with its transactions initialized, whose open transaction
   * the broker aborts after {@code transactionTimeoutMs}.
   */
  public static KafkaProducer<byte[], byte[]> open(
      String bootstrapServers, String transactionalId, int transactionTimeoutMs) {
    KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                transactionalId,
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                transactionTimeoutMs),
            new ByteArraySerializer(),
            new ByteArraySerializer());
    producer.initTransactions();
    return producer;
  }
}
