package io.streamlearn.pipeline;

import static io.streamlearn.pipeline.config.StreamlearnOptions.BATCH_MAX_DELAY;
import static io.streamlearn.pipeline.config.StreamlearnOptions.BATCH_SIZE;
import static io.streamlearn.pipeline.config.StreamlearnOptions.JOB_NAME;
import static io.streamlearn.pipeline.config.StreamlearnOptions.KAFKA_BOOTSTRAP_SERVERS;
import static io.streamlearn.pipeline.config.StreamlearnOptions.KAFKA_GROUP_ID;
import static io.streamlearn.pipeline.config.StreamlearnOptions.KAFKA_MAX_RECORD_BYTES;
import static io.streamlearn.pipeline.config.StreamlearnOptions.KAFKA_PREDICTIONS_DELIVERY_GUARANTEE;
import static io.streamlearn.pipeline.config.StreamlearnOptions.KAFKA_PROPERTIES_FILE;
import static io.streamlearn.pipeline.config.StreamlearnOptions.KAFKA_TOPIC_CHECKPOINTS;
import static io.streamlearn.pipeline.config.StreamlearnOptions.KAFKA_TOPIC_DEAD_LETTERS;
import static io.streamlearn.pipeline.config.StreamlearnOptions.KAFKA_TOPIC_LABELS;
import static io.streamlearn.pipeline.config.StreamlearnOptions.KAFKA_TOPIC_METRICS;
import static io.streamlearn.pipeline.config.StreamlearnOptions.KAFKA_TOPIC_PREDICTIONS;
import static io.streamlearn.pipeline.config.StreamlearnOptions.KAFKA_TOPIC_SAMPLES;
import static io.streamlearn.pipeline.config.StreamlearnOptions.KAFKA_TRANSACTION_TIMEOUT;
import static io.streamlearn.pipeline.config.StreamlearnOptions.LABELS_TIME_TO_LIVE;
import static io.streamlearn.pipeline.config.StreamlearnOptions.METRICS_DRIFT_DETECTOR;
import static io.streamlearn.pipeline.config.StreamlearnOptions.METRICS_SNAPSHOT_EVERY;
import static io.streamlearn.pipeline.config.StreamlearnOptions.METRICS_SNAPSHOT_INTERVAL;
import static io.streamlearn.pipeline.config.StreamlearnOptions.METRICS_TIME_WINDOW;
import static io.streamlearn.pipeline.config.StreamlearnOptions.METRICS_WINDOW;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_CHECKPOINT_AT_JOB_CHECKPOINTS;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_CHECKPOINT_EVERY_STEPS;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_CHECKPOINT_INTERVAL;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_CLASSES;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_DRIFT_BOOST_FACTOR;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_DRIFT_BOOST_STEPS;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_DRIFT_REACTION;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_DRIFT_ROLLBACK_HORIZON;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_FEATURES;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_OUTPUTS;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_SCALING;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_STEPS_PER_BATCH;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_TASK;
import static io.streamlearn.pipeline.config.StreamlearnOptions.PREDICT_MAX_DELAY;
import static io.streamlearn.pipeline.config.StreamlearnOptions.TRAINER_FUSE_KEYS;

import io.streamlearn.operators.Batching;
import io.streamlearn.operators.DelayedLabels;
import io.streamlearn.operators.DriftSettings;
import io.streamlearn.operators.ModelShape;
import io.streamlearn.operators.SourceRecord;
import io.streamlearn.operators.TrainerSettings;
import io.streamlearn.operators.evaluation.EvaluationSettings;
import io.streamlearn.pipeline.config.StreamlearnConfig;
import io.streamlearn.pipeline.kafka.KafkaClientSettings;
import io.streamlearn.pipeline.kafka.KafkaConnectors;
import io.streamlearn.schemas.DeadLetter;
import io.streamlearn.schemas.MetricsEvent;
import io.streamlearn.schemas.ModelCheckpoint;
import io.streamlearn.schemas.Prediction;
import io.streamlearn.schemas.WireCodec;
import java.nio.file.Path;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.flink.util.function.SerializableSupplier;

/**
 * The topology wired to Kafka as a configuration says: what {@code run} and {@code demo} execute.
 */
public final class KafkaJob {

  private KafkaJob() {}

  /** The job that reads its input topics for as long as it runs. */
  public static void define(StreamExecutionEnvironment env, StreamlearnConfig config) {
    define(env, config, false);
  }

  /**
   * The job; {@code untilEnd} makes it a bounded job that reads its input topics up to the offsets
   * that are the latest when it starts, then flushes every key's batches, publishes every key's
   * final model and ends.
   */
  public static void define(
      StreamExecutionEnvironment env, StreamlearnConfig config, boolean untilEnd) {
    StreamlearnJob.defineWorkflow(
        env,
        samplesSource(config, untilEnd),
        labelsSource(config, untilEnd),
        sinks(config),
        pipelineSettings(config));
  }

  /**
   * The samples topic the configuration names; {@code stopAtLatestOffsets} ends the input at the
   * offsets that are the latest when the job starts. Public, like {@link #sinks} and {@link
   * #pipelineSettings}, so that integration tests assemble this same job over a bounded input,
   * which ends and publishes every key's final model, and with failures injected, and bench's
   * pass-through job reads and writes exactly what this job does.
   */
  public static KafkaSource<SourceRecord> samplesSource(
      StreamlearnConfig config, boolean stopAtLatestOffsets) {
    return KafkaConnectors.samplesSource(
        kafkaClientSettings(config),
        config.get(KAFKA_TOPIC_SAMPLES),
        config.get(KAFKA_GROUP_ID),
        stopAtLatestOffsets);
  }

  /**
   * The labels topic the configuration names, read like the samples topic; null when it names none
   * (unset or empty).
   */
  static KafkaSource<SourceRecord> labelsSource(
      StreamlearnConfig config, boolean stopAtLatestOffsets) {
    String topic = config.get(KAFKA_TOPIC_LABELS);
    if (topic == null) {
      return null;
    }
    return KafkaConnectors.samplesSource(
        kafkaClientSettings(config), topic, config.get(KAFKA_GROUP_ID), stopAtLatestOffsets);
  }

  /**
   * The configuration's Kafka cluster and the client settings of its kafka.properties-file, which
   * every Kafka client of the job and of the command line that runs it uses.
   *
   * @throws IllegalArgumentException if the properties file cannot be read
   */
  public static KafkaClientSettings kafkaClientSettings(StreamlearnConfig config) {
    String propertiesFile = config.get(KAFKA_PROPERTIES_FILE);
    return KafkaClientSettings.of(
        config.get(KAFKA_BOOTSTRAP_SERVERS),
        propertiesFile == null ? null : Path.of(propertiesFile));
  }

  /** The Kafka sinks the configuration names: predictions, checkpoints, dead letters, metrics. */
  public static PipelineSinks sinks(StreamlearnConfig config) {
    return new PipelineSinks(
        sink(
            config,
            KAFKA_TOPIC_PREDICTIONS,
            WireCodec::predictions,
            Prediction::getKey,
            config.get(KAFKA_PREDICTIONS_DELIVERY_GUARANTEE)),
        sink(
            config,
            KAFKA_TOPIC_CHECKPOINTS,
            WireCodec::modelCheckpoints,
            ModelCheckpoint::getKey,
            DeliveryGuarantee.EXACTLY_ONCE),
        sink(
            config,
            KAFKA_TOPIC_DEAD_LETTERS,
            WireCodec::deadLetters,
            DeadLetter::getKey,
            DeliveryGuarantee.EXACTLY_ONCE),
        sink(
            config,
            KAFKA_TOPIC_METRICS,
            WireCodec::metricsEvents,
            MetricsEvent::getKey,
            DeliveryGuarantee.EXACTLY_ONCE));
  }

  /** A sink to the topic an option names, its records keyed by model key. */
  private static <T> KafkaSink<T> sink(
      StreamlearnConfig config,
      ConfigOption<String> topicOption,
      SerializableSupplier<WireCodec<T>> codec,
      SerializableFunction<T, String> keyOf,
      DeliveryGuarantee guarantee) {
    String topic = config.get(topicOption);
    return KafkaConnectors.sink(
        kafkaClientSettings(config),
        topic,
        codec,
        keyOf,
        guarantee,
        // Transactional ids must not collide between the jobs and sinks sharing a cluster.
        config.get(JOB_NAME) + "-" + topic,
        config.get(KAFKA_TRANSACTION_TIMEOUT));
  }

  /**
   * The topology's settings from a configuration, as {@code run} uses them. Public for bench's
   * quality benchmark, which runs the same topology over generated, bounded inputs.
   */
  public static PipelineSettings pipelineSettings(StreamlearnConfig config) {
    int features = config.get(MODEL_FEATURES);
    ModelShape shape =
        (switch (config.get(MODEL_TASK)) {
              case CLASSIFICATION -> ModelShape.classification(features, config.get(MODEL_CLASSES));
              case BINARY -> ModelShape.binary(features);
              case MULTI_LABEL -> ModelShape.multiLabel(features, config.get(MODEL_CLASSES));
              case REGRESSION -> ModelShape.regression(features, config.get(MODEL_OUTPUTS));
            })
            .withInput(config.inputShape());
    return new PipelineSettings(
        config.get(KAFKA_MAX_RECORD_BYTES),
        new Batching(
            config.get(BATCH_SIZE), config.get(BATCH_MAX_DELAY), config.get(PREDICT_MAX_DELAY)),
        new TrainerSettings.Builder(
                config.modelConfigurationJson(),
                shape,
                config.get(MODEL_CHECKPOINT_EVERY_STEPS),
                config.get(MODEL_CHECKPOINT_INTERVAL),
                config.get(METRICS_WINDOW),
                new DriftSettings(
                    config.get(METRICS_DRIFT_DETECTOR),
                    config.get(MODEL_DRIFT_REACTION),
                    config.get(MODEL_DRIFT_BOOST_FACTOR),
                    config.get(MODEL_DRIFT_BOOST_STEPS),
                    config.get(MODEL_DRIFT_ROLLBACK_HORIZON)))
            .delayedLabels(
                new DelayedLabels(
                    config.get(LABELS_TIME_TO_LIVE),
                    config.get(BATCH_SIZE),
                    config.get(BATCH_MAX_DELAY)))
            .stepsPerBatch(config.get(MODEL_STEPS_PER_BATCH))
            .initialModel(config.initialModel())
            .initialStatistics(config.initialStatistics())
            .scaling(config.get(MODEL_SCALING))
            .overrides(config.modelOverrides())
            .checkpointBeforeBarriers(config.get(MODEL_CHECKPOINT_AT_JOB_CHECKPOINTS))
            .build(),
        new EvaluationSettings(
            config.get(METRICS_WINDOW),
            config.get(METRICS_TIME_WINDOW),
            config.get(METRICS_SNAPSHOT_INTERVAL),
            config.get(METRICS_SNAPSHOT_EVERY),
            config.get(METRICS_DRIFT_DETECTOR),
            shape),
        config.fusedTraining(),
        config.get(TRAINER_FUSE_KEYS));
  }
}
