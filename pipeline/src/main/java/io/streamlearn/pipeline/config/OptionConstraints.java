package io.streamlearn.pipeline.config;

import static io.streamlearn.pipeline.config.Range.atLeast;
import static io.streamlearn.pipeline.config.Range.atMost;
import static io.streamlearn.pipeline.config.Range.greaterThan;
import static io.streamlearn.pipeline.config.Range.lessThan;
import static io.streamlearn.pipeline.config.StreamlearnOptions.BATCH_MAX_DELAY;
import static io.streamlearn.pipeline.config.StreamlearnOptions.BATCH_SIZE;
import static io.streamlearn.pipeline.config.StreamlearnOptions.JOB_CHECKPOINT_INTERVAL;
import static io.streamlearn.pipeline.config.StreamlearnOptions.JOB_PARALLELISM;
import static io.streamlearn.pipeline.config.StreamlearnOptions.KAFKA_MAX_RECORD_BYTES;
import static io.streamlearn.pipeline.config.StreamlearnOptions.KAFKA_TRANSACTION_TIMEOUT;
import static io.streamlearn.pipeline.config.StreamlearnOptions.LABELS_TIME_TO_LIVE;
import static io.streamlearn.pipeline.config.StreamlearnOptions.METRICS_SNAPSHOT_EVERY;
import static io.streamlearn.pipeline.config.StreamlearnOptions.METRICS_SNAPSHOT_INTERVAL;
import static io.streamlearn.pipeline.config.StreamlearnOptions.METRICS_TIME_WINDOW;
import static io.streamlearn.pipeline.config.StreamlearnOptions.METRICS_WINDOW;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_ACTIVATION;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_CHECKPOINT_EVERY_STEPS;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_CHECKPOINT_INTERVAL;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_CLASSES;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_DRIFT_BOOST_FACTOR;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_DRIFT_BOOST_STEPS;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_DRIFT_ROLLBACK_HORIZON;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_FEATURES;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_HIDDEN_LAYERS;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_INPUT_CHANNELS;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_INPUT_HEIGHT;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_INPUT_TIMESTEPS;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_INPUT_WIDTH;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_L2;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_LEARNING_RATE;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_STEPS_PER_BATCH;
import static io.streamlearn.pipeline.config.StreamlearnOptions.TRAINER_FUSE_KEYS;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

/**
 * The allowed values of each option beyond its type; rules that span keys are in CrossOptionRules.
 */
final class OptionConstraints {

  /**
   * Brokers refuse a producer whose transaction.timeout.ms exceeds their
   * transaction.max.timeout.ms, which is 15 minutes unless the broker is configured otherwise.
   */
  private static final Duration BROKER_DEFAULT_MAX_TRANSACTION_TIMEOUT = Duration.ofMinutes(15);

  private static final List<Constraint> ALL =
      List.of(
          Range.of(
              KAFKA_TRANSACTION_TIMEOUT,
              greaterThan(Duration.ZERO),
              atMost(BROKER_DEFAULT_MAX_TRANSACTION_TIMEOUT)),
          Range.of(KAFKA_MAX_RECORD_BYTES, atLeast(1)),
          Range.of(BATCH_SIZE, atLeast(1)),
          Range.of(TRAINER_FUSE_KEYS, atLeast(1)),
          Range.of(BATCH_MAX_DELAY, atLeast(Duration.ZERO)),
          Range.of(StreamlearnOptions.PREDICT_MAX_DELAY, atLeast(Duration.ZERO)),
          Range.of(LABELS_TIME_TO_LIVE, greaterThan(Duration.ZERO)),
          Range.of(MODEL_FEATURES, atLeast(1)),
          Range.of(MODEL_CLASSES, atLeast(2)),
          Range.of(StreamlearnOptions.MODEL_OUTPUTS, atLeast(1)),
          Range.of(StreamlearnOptions.MODEL_INITIAL_FREEZE_LAYERS, atLeast(0)),
          Range.of(StreamlearnOptions.MODEL_INITIAL_LEARNING_RATE, greaterThan(0.0)),
          Range.of(MODEL_INPUT_TIMESTEPS, atLeast(1)),
          Range.of(MODEL_INPUT_HEIGHT, atLeast(1)),
          Range.of(MODEL_INPUT_WIDTH, atLeast(1)),
          Range.of(MODEL_INPUT_CHANNELS, atLeast(1)),
          Range.ofEach(MODEL_HIDDEN_LAYERS, atLeast(1)),
          new ActivationNameConstraint(MODEL_ACTIVATION),
          Range.of(MODEL_LEARNING_RATE, greaterThan(0.0)),
          Range.of(MODEL_L2, atLeast(0.0)),
          Range.of(StreamlearnOptions.MODEL_L1, atLeast(0.0)),
          Range.of(StreamlearnOptions.MODEL_WEIGHT_DECAY, atLeast(0.0)),
          Range.of(StreamlearnOptions.MODEL_DROPOUT, atLeast(0.0), lessThan(1.0)),
          Range.of(StreamlearnOptions.MODEL_UPDATER_BETA1, atLeast(0.0), lessThan(1.0)),
          Range.of(StreamlearnOptions.MODEL_UPDATER_BETA2, atLeast(0.0), lessThan(1.0)),
          Range.of(StreamlearnOptions.MODEL_UPDATER_EPSILON, greaterThan(0.0)),
          Range.of(StreamlearnOptions.MODEL_UPDATER_MOMENTUM, atLeast(0.0), lessThan(1.0)),
          Range.of(StreamlearnOptions.MODEL_UPDATER_RHO, greaterThan(0.0), lessThan(1.0)),
          Range.of(StreamlearnOptions.MODEL_UPDATER_WEIGHT_DECAY, atLeast(0.0)),
          Range.of(StreamlearnOptions.MODEL_LEARNING_RATE_DECAY_RATE, greaterThan(0.0)),
          Range.of(StreamlearnOptions.MODEL_LEARNING_RATE_STEPS, atLeast(1)),
          Range.of(StreamlearnOptions.MODEL_LEARNING_RATE_POWER, greaterThan(0.0)),
          Range.of(StreamlearnOptions.MODEL_LEARNING_RATE_MAX, greaterThan(0.0)),
          Range.of(StreamlearnOptions.MODEL_GRADIENT_NORMALIZATION_THRESHOLD, greaterThan(0.0)),
          Range.of(MODEL_STEPS_PER_BATCH, atLeast(1)),
          Range.of(MODEL_CHECKPOINT_EVERY_STEPS, atLeast(0)),
          Range.of(MODEL_CHECKPOINT_INTERVAL, atLeast(Duration.ZERO)),
          Range.of(METRICS_WINDOW, atLeast(1)),
          Range.of(METRICS_TIME_WINDOW, greaterThan(Duration.ZERO)),
          Range.of(METRICS_SNAPSHOT_INTERVAL, greaterThan(Duration.ZERO)),
          Range.of(METRICS_SNAPSHOT_EVERY, atLeast(0)),
          Range.of(MODEL_DRIFT_BOOST_FACTOR, greaterThan(1.0)),
          Range.of(MODEL_DRIFT_BOOST_STEPS, atLeast(1)),
          Range.of(MODEL_DRIFT_ROLLBACK_HORIZON, atLeast(1)),
          Range.of(JOB_PARALLELISM, atLeast(1)),
          Range.of(JOB_CHECKPOINT_INTERVAL, greaterThan(Duration.ZERO)));

  private OptionConstraints() {}

  /**
   * Reports each given value that breaks its option's constraint. Defaults are not checked: they
   * are allowed by construction.
   */
  static void check(Configuration values, Map<String, String> rawByKey, Problems problems) {
    for (Constraint constraint : ALL) {
      ConfigOption<?> option = constraint.option();
      if (values.contains(option)) {
        constraint
            .violation(values.get(option), rawByKey.get(option.key()))
            .ifPresent(violation -> problems.add(option, violation));
      }
    }
  }

  /** What each constraint on the option allows, such as "must be >= 1". */
  static List<String> allowedValues(ConfigOption<?> option) {
    return ALL.stream()
        .filter(constraint -> constraint.option().equals(option))
        .map(Constraint::allowed)
        .toList();
  }
}
