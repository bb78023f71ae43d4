package io.streamlearn.pipeline;

import static org.apache.flink.api.common.JobStatus.FINISHED;
import static org.apache.flink.api.common.JobStatus.RUNNING;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamlearn.pipeline.config.StreamlearnConfig;
import io.streamlearn.pipeline.generate.RotatingHyperplane;
import io.streamlearn.pipeline.kafka.KafkaBroker;
import io.streamlearn.pipeline.kafka.KafkaBrokerExtension;
import io.streamlearn.pipeline.kafka.KafkaConnectors;
import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.MetricsEvent;
import io.streamlearn.schemas.ModelCheckpoint;
import io.streamlearn.schemas.Prediction;
import io.streamlearn.schemas.StandardScaling;
import io.streamlearn.schemas.WireCodec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.FileUtils;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What the ITCases of the Kafka-wired job share: a real broker with the job's topics, the job
 * submitted as {@code run} wires it ({@link KafkaJob#define}), a drain that publishes its final
 * output, and readers that see exactly what read-committed consumers see.
 *
 * <p>A JUnit extension: a test class registers one as a static field, which starts the broker
 * before its tests and stops the broker's JVM after them, whether they pass or fail.
 */
final class KafkaJobFixture implements BeforeAllCallback, AfterAllCallback {

  static final String SAMPLES = "samples";
  static final String LABELS = "labels";
  static final String PREDICTIONS = "predictions";
  static final String CHECKPOINTS = "model-checkpoints";
  static final String DEAD_LETTERS = "dead-letters";
  static final String METRICS = "metrics";

  private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(2);

  /** How long to wait for predictions before looking whether the job still runs. */
  private static final Duration AWAIT_SLICE = Duration.ofSeconds(5);

  private final KafkaBrokerExtension kafka = new KafkaBrokerExtension();
  private KafkaBroker broker;
  private Path savepoints;

  /**
   * Starts a broker in a directory of its own and creates the job's topics under their default
   * names: samples, labels and predictions with two partitions, so that both source and both sink
   * subtasks have work; checkpoints, dead letters and metrics with one.
   */
  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    savepoints = Files.createTempDirectory("kafka-job-savepoints");
    kafka.beforeAll(context);
    broker = kafka.broker();
    broker.createTopic(SAMPLES, 2);
    broker.createTopic(LABELS, 2);
    broker.createTopic(PREDICTIONS, 2);
    broker.createTopic(CHECKPOINTS, 1);
    broker.createTopic(DEAD_LETTERS, 1);
    broker.createTopic(METRICS, 1);
  }

  /** Stops the broker, also when a test or the start failed, and removes the savepoints. */
  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    kafka.afterAll(context);
    if (savepoints != null) {
      FileUtils.deleteDirectory(savepoints.toFile());
    }
  }

  String bootstrapServers() {
    return broker.bootstrapServers();
  }

  /** A configuration of the given options that talks to this broker. */
  StreamlearnConfig config(Map<String, String> options) {
    Map<String, String> withBroker = new HashMap<>(options);
    withBroker.put("kafka.bootstrap-servers", broker.bootstrapServers());
    return StreamlearnConfig.fromMap(withBroker);
  }

  /**
   * Writes {@code count} samples of a rotating-hyperplane stream without drift or noise (linearly
   * separable per key) to the samples topic, and returns them.
   */
  List<LabeledSample> produceHyperplane(long seed, int features, int keys, int count) {
    RotatingHyperplane generator = new RotatingHyperplane(seed, features, keys, 0.0, 0.0);
    List<LabeledSample> samples = new ArrayList<>(count);
    for (int n = 0; n < count; n++) {
      samples.add(generator.next());
    }
    KafkaConnectors.produce(broker.bootstrapServers(), SAMPLES, samples);
    return samples;
  }

  /**
   * Writes the samples to the samples topic, runs the job until {@code predicted} predictions are
   * committed, drains it, and returns every prediction on the topic.
   */
  List<Prediction> predict(
      StreamlearnConfig config, String jobName, List<LabeledSample> samples, int predicted)
      throws Exception {
    KafkaConnectors.produce(broker.bootstrapServers(), SAMPLES, samples);
    drainOncePredicted(submit(config, jobName), predicted, Duration.ofMinutes(4));
    return readCommitted(PREDICTIONS, WireCodec.predictions());
  }

  /** The {@code count} predictions of the latest samples, by event time. */
  static List<Prediction> latest(List<Prediction> predictions, int count) {
    return predictions.stream()
        .sorted(Comparator.comparing(Prediction::getEventTime))
        .skip(Math.max(0, predictions.size() - count))
        .toList();
  }

  /** The key's metrics snapshot of the furthest position on the metrics topic. */
  MetricsEvent latestSnapshot(String key) {
    return readCommitted(METRICS, WireCodec.metricsEvents()).stream()
        .filter(event -> key.equals(event.getKey()))
        .max(Comparator.comparing(MetricsEvent::getPosition))
        .orElseThrow();
  }

  /**
   * The mean absolute error of the predictions' values, and that of predicting the mean target of
   * the same predictions: a model that learned is far below the second.
   */
  static double[] absoluteErrorsOfModelAndMean(
      List<Prediction> predictions,
      ToDoubleFunction<Prediction> predicted,
      ToDoubleFunction<Prediction> target) {
    double mean = predictions.stream().mapToDouble(target).average().orElseThrow();
    double model =
        predictions.stream()
            .mapToDouble(p -> Math.abs(predicted.applyAsDouble(p) - target.applyAsDouble(p)))
            .average()
            .orElseThrow();
    double ofMean =
        predictions.stream()
            .mapToDouble(p -> Math.abs(mean - target.applyAsDouble(p)))
            .average()
            .orElseThrow();
    return new double[] {model, ofMean};
  }

  /** Submits the job as {@code run} wires it, and returns at once. */
  JobClient submit(StreamlearnConfig config, String jobName) throws Exception {
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(config.flinkConfiguration());
    KafkaJob.define(env, config);
    return env.executeAsync(jobName);
  }

  /**
   * Stops the job with a drained savepoint, as before an upgrade: the end of input flushes open
   * batches, publishes every key's unpublished model and commits the sinks' last transactions.
   */
  void drain(JobClient job) throws Exception {
    job.stopWithSavepoint(true, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
        .get(DRAIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Lets the job run until {@code predictions} predictions are committed, then drains it. With
   * {@code flink.restart-strategy.type: none} this also shows the job never failed: a failure would
   * have ended it, and it must still be running when the predictions are in.
   */
  void drainOncePredicted(JobClient job, int predictions, Duration timeout) throws Exception {
    awaitPredictionsWhileRunning(job, predictions, timeout);
    assertThat(job.getJobStatus().get()).as("job status before the drain").isEqualTo(RUNNING);
    drain(job);
    job.getJobExecutionResult().get(DRAIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(job.getJobStatus().get()).as("job status after the drain").isEqualTo(FINISHED);
  }

  /** Fails as soon as the job has ended, with the job's own failure, not when time runs out. */
  private void awaitPredictionsWhileRunning(JobClient job, int expected, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    int committed = 0;
    while (committed < expected) {
      if (job.getJobStatus().get().isGloballyTerminalState()) {
        // Throws the failure that ended the job, if one did.
        job.getJobExecutionResult().get();
        throw new AssertionError("The job ended after " + committed + " predictions");
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            committed + " of " + expected + " predictions committed within " + timeout);
      }
      committed = await(PREDICTIONS, WireCodec.predictions(), expected, AWAIT_SLICE).size();
    }
  }

  /** Writes the records in order and returns where each landed, in the same order. */
  List<RecordMetadata> produce(List<ProducerRecord<byte[], byte[]>> records) throws Exception {
    Map<String, Object> config =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            broker.bootstrapServers(),
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            true);
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
      List<Future<RecordMetadata>> sent = new ArrayList<>(records.size());
      for (ProducerRecord<byte[], byte[]> record : records) {
        sent.add(producer.send(record));
      }
      List<RecordMetadata> written = new ArrayList<>(records.size());
      for (Future<RecordMetadata> metadata : sent) {
        written.add(metadata.get());
      }
      return written;
    }
  }

  /** Waits until at least {@code expected} committed records are on the topic; see readAll. */
  <T> List<T> await(String topic, WireCodec<T> codec, int expected, Duration timeout) {
    return KafkaConnectors.readAll(broker.bootstrapServers(), topic, codec, expected, timeout);
  }

  /**
   * Everything committed on the topic, read up to its last stable offset. Unlike waiting for a
   * count, this sees records that should not be there (duplicates, extras) without waiting out a
   * timeout; after a drain it is the topic's complete content.
   */
  <T> List<T> readCommitted(String topic, WireCodec<T> codec) {
    return KafkaConnectors.readCommitted(
        broker.bootstrapServers(), topic, codec, Duration.ofMinutes(1));
  }

  /** The published model, loaded the way docs/wire-format.md tells consumers to. */
  static MultiLayerNetwork restore(ModelCheckpoint checkpoint) {
    try {
      return ModelSerializer.restoreMultiLayerNetwork(
          new ByteArrayInputStream(bytes(checkpoint.getModel())), true);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot restore the model of " + checkpoint.getKey(), e);
    }
  }

  /**
   * The sample's features as a one-row matrix for the published model, scaled by the checkpoint's
   * scaler when it has one, the way docs/wire-format.md tells consumers to.
   */
  static INDArray modelInput(LabeledSample sample, ModelCheckpoint checkpoint) {
    List<Float> features = sample.getFeatures();
    StandardScaling scaler = checkpoint.getScaler();
    float[] row = new float[features.size()];
    for (int i = 0; i < row.length; i++) {
      row[i] =
          scaler == null
              ? features.get(i)
              : (float) ((features.get(i) - scaler.getMean().get(i)) / scaler.getStd().get(i));
    }
    return Nd4j.create(new float[][] {row});
  }

  /** The buffer's remaining bytes, without assuming it wraps a whole array. */
  static byte[] bytes(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.duplicate().get(bytes);
    return bytes;
  }
}
