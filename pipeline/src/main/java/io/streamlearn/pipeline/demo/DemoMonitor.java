package io.streamlearn.pipeline.demo;

import io.streamlearn.pipeline.kafka.KafkaClientSettings;
import io.streamlearn.pipeline.kafka.KafkaConnectors;
import io.streamlearn.schemas.MetricsEvent;
import io.streamlearn.schemas.MetricsEventKind;
import io.streamlearn.schemas.ModelCheckpoint;
import io.streamlearn.schemas.Prediction;
import io.streamlearn.schemas.WireCodec;
import io.streamlearn.schemas.WireFormatException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * Follows the job's output topics, as a downstream consumer would (read committed), and keeps the
 * figures the demo prints: counts, versions per key, the whole job's latest metrics snapshot and
 * the number of drift alerts.
 */
public final class DemoMonitor implements AutoCloseable {

  private static final Duration POLL_INTERVAL = Duration.ofMillis(200);

  private final KafkaClientSettings kafka;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final List<TopicPartition> partitions = new ArrayList<>();
  private final String predictionsTopic;
  private final String checkpointsTopic;
  private final Thread thread;
  private final WireCodec<Prediction> predictionCodec = WireCodec.predictions();
  private final WireCodec<ModelCheckpoint> checkpointCodec = WireCodec.modelCheckpoints();
  private final WireCodec<MetricsEvent> metricsCodec = WireCodec.metricsEvents();

  private long predictions;
  private long checkpoints;
  private long drifts;
  private Map<String, Double> jobMetrics = Map.of();
  private final Map<String, Long> versions = new TreeMap<>();
  private final Map<String, Long> trainedByKey = new TreeMap<>();
  private final Map<TopicPartition, Long> positions = new HashMap<>();
  private volatile RuntimeException failure;

  public DemoMonitor(
      KafkaClientSettings kafka,
      String predictionsTopic,
      String checkpointsTopic,
      String metricsTopic) {
    this.kafka = kafka;
    this.predictionsTopic = predictionsTopic;
    this.checkpointsTopic = checkpointsTopic;
    this.consumer = KafkaConnectors.committedConsumer(kafka);
    for (String topic : List.of(predictionsTopic, checkpointsTopic, metricsTopic)) {
      consumer
          .partitionsFor(topic)
          .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
    }
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    this.thread = new Thread(this::follow, "demo-monitor");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /** The figures so far; rethrows what stopped the monitor, if anything did. */
  public synchronized DemoStats stats(long samples, double seconds) {
    if (failure != null) {
      throw failure;
    }
    long trained = trainedByKey.values().stream().mapToLong(Long::longValue).sum();
    return new DemoStats(
        samples,
        predictions,
        trained,
        checkpoints,
        jobMetrics,
        drifts,
        Map.copyOf(versions),
        seconds);
  }

  /**
   * The figures once everything the job has committed so far is read: call it after the job has
   * ended, when nothing more will commit. Reads up to the output topics' {@linkplain
   * KafkaConnectors#settledEndOffsets settled ends}: the job's last commits are in, and an open
   * transaction that the job left behind cannot hold it up.
   *
   * @throws IllegalStateException if the monitor has not read that far within {@code timeout}
   */
  public DemoStats statsOfEverythingCommitted(long samples, double seconds, Duration timeout)
      throws InterruptedException {
    Map<TopicPartition, Long> ends = KafkaConnectors.settledEndOffsets(kafka, partitions);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!hasRead(ends)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "The demo monitor did not read the job's output up to " + ends + " in time");
      }
      Thread.sleep(POLL_INTERVAL.toMillis());
    }
    return stats(samples, seconds);
  }

  private synchronized boolean hasRead(Map<TopicPartition, Long> ends) {
    if (failure != null) {
      throw failure;
    }
    return ends.entrySet().stream()
        .allMatch(end -> positions.getOrDefault(end.getKey(), 0L) >= end.getValue());
  }

  /** Predictions read so far: cheap, for pacing a generator. */
  public synchronized long predictions() {
    return predictions;
  }

  @Override
  public void close() throws InterruptedException {
    consumer.wakeup();
    thread.join(10_000);
  }

  private void follow() {
    try {
      while (true) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL_INTERVAL)) {
          if (record.topic().equals(predictionsTopic)) {
            add(predictionCodec.decode(record.value()));
          } else if (record.topic().equals(checkpointsTopic)) {
            add(checkpointCodec.decode(record.value()));
          } else {
            add(metricsCodec.decode(record.value()));
          }
        }
        // The position, not the last record's offset: it also passes transaction markers and
        // aborted records, which a read_committed consumer skips.
        updatePositions();
      }
    } catch (WakeupException e) {
      // close() asked us to stop.
    } catch (WireFormatException | RuntimeException e) {
      failure = new IllegalStateException("The demo monitor cannot read the job's output", e);
    } finally {
      consumer.close();
    }
  }

  private void updatePositions() {
    Map<TopicPartition, Long> now = new HashMap<>();
    for (TopicPartition partition : partitions) {
      now.put(partition, consumer.position(partition));
    }
    synchronized (this) {
      positions.putAll(now);
    }
  }

  private synchronized void add(Prediction prediction) {
    predictions++;
    versions.merge(prediction.getKey(), prediction.getModelVersion(), Math::max);
  }

  /** The whole job's latest snapshot is what the demo shows; every drift alert is counted. */
  private synchronized void add(MetricsEvent event) {
    if (event.getKind() == MetricsEventKind.DRIFT) {
      drifts++;
    } else if (event.getKey() == null) {
      jobMetrics = Map.copyOf(event.getMetrics());
    }
  }

  private synchronized void add(ModelCheckpoint checkpoint) {
    checkpoints++;
    trainedByKey.merge(checkpoint.getKey(), checkpoint.getSamplesSeen(), Math::max);
  }
}
