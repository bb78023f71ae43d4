package io.streamlearn.pipeline.config;

import static io.streamlearn.pipeline.config.Problems.quote;
import static io.streamlearn.pipeline.config.StreamlearnOptions.JOB_CHECKPOINT_INTERVAL;
import static io.streamlearn.pipeline.config.StreamlearnOptions.KAFKA_TRANSACTION_TIMEOUT;
import static io.streamlearn.pipeline.config.StreamlearnOptions.METRICS_DRIFT_DETECTOR;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_CHECKPOINT_AT_JOB_CHECKPOINTS;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_CHECKPOINT_EVERY_STEPS;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_CHECKPOINT_INTERVAL;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_CONFIGURATION_FILE;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_DRIFT_REACTION;

import io.streamlearn.operators.drift.DetectorType;
import io.streamlearn.operators.drift.DriftReaction;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

/**
 * Rules that involve more than one key. Each rule is skipped while one of its keys already has a
 * problem, since it would otherwise judge a default the user did not mean.
 */
final class CrossOptionRules {

  private CrossOptionRules() {}

  static void check(
      Configuration values,
      Map<String, String> rawByKey,
      Configuration flinkPassThrough,
      Problems problems) {
    checkConfigurationFileExcludesCompactSpec(values, rawByKey, problems);
    InitialModelRules.check(values, rawByKey, problems);
    InputShapes.check(values, problems);
    ModelSpecRules.check(values, problems);
    TrainingControls.check(values, problems);
    checkModelCheckpointsAreOn(values, problems);
    checkTransactionsOutliveCheckpointInterval(values, problems);
    checkDriftReactionHasADetector(values, problems);
    checkNoFlinkKeySetsADerivedOption(flinkPassThrough, problems);
  }

  /** The JSON file defines the whole network; compact keys next to it would be silently ignored. */
  private static void checkConfigurationFileExcludesCompactSpec(
      Configuration values, Map<String, String> rawByKey, Problems problems) {
    if (!values.contains(MODEL_CONFIGURATION_FILE)) {
      return;
    }
    for (ConfigOption<?> compactKey : ModelFactory.COMPACT_SPEC) {
      if (rawByKey.containsKey(compactKey.key())) {
        problems.add(
            compactKey,
            quote(rawByKey.get(compactKey.key()))
                + " cannot be set together with "
                + MODEL_CONFIGURATION_FILE.key()
                + ", which defines the whole network; remove one of the two");
      }
    }
  }

  private static void checkModelCheckpointsAreOn(Configuration values, Problems problems) {
    if (problems.concernAny(List.of(MODEL_CHECKPOINT_EVERY_STEPS, MODEL_CHECKPOINT_INTERVAL))) {
      return;
    }
    int everySteps = values.get(MODEL_CHECKPOINT_EVERY_STEPS);
    Duration interval = values.get(MODEL_CHECKPOINT_INTERVAL);
    if (everySteps == 0 && interval.isZero() && !values.get(MODEL_CHECKPOINT_AT_JOB_CHECKPOINTS)) {
      problems.add(
          MODEL_CHECKPOINT_EVERY_STEPS.key() + " and " + MODEL_CHECKPOINT_INTERVAL.key(),
          "both are 0 (off) and "
              + MODEL_CHECKPOINT_AT_JOB_CHECKPOINTS.key()
              + " is false: one must be on or the model is never checkpointed");
    }
  }

  private static void checkTransactionsOutliveCheckpointInterval(
      Configuration values, Problems problems) {
    if (problems.concernAny(List.of(KAFKA_TRANSACTION_TIMEOUT, JOB_CHECKPOINT_INTERVAL))) {
      return;
    }
    Duration timeout = values.get(KAFKA_TRANSACTION_TIMEOUT);
    Duration checkpointInterval = values.get(JOB_CHECKPOINT_INTERVAL);
    if (timeout.compareTo(checkpointInterval) <= 0) {
      problems.add(
          KAFKA_TRANSACTION_TIMEOUT,
          OptionValues.format(timeout)
              + " must be longer than "
              + JOB_CHECKPOINT_INTERVAL.key()
              + " ("
              + OptionValues.format(checkpointInterval)
              + "): a transaction stays open until the next checkpoint commits it");
    }
  }

  /** A reaction without a detector would never happen: the configuration means something else. */
  private static void checkDriftReactionHasADetector(Configuration values, Problems problems) {
    if (problems.concernAny(List.of(MODEL_DRIFT_REACTION, METRICS_DRIFT_DETECTOR))) {
      return;
    }
    DriftReaction reaction = values.get(MODEL_DRIFT_REACTION);
    if (reaction != DriftReaction.ALERT
        && values.get(METRICS_DRIFT_DETECTOR) == DetectorType.NONE) {
      problems.add(
          MODEL_DRIFT_REACTION,
          quote(reaction.name())
              + " needs a drift detector, but "
              + METRICS_DRIFT_DETECTOR.key()
              + " is NONE; choose ADWIN or PAGE_HINKLEY, or the reaction ALERT");
    }
  }

  private static void checkNoFlinkKeySetsADerivedOption(
      Configuration flinkPassThrough, Problems problems) {
    for (DerivedFlinkOptions.Derivation<?> derivation : DerivedFlinkOptions.ALL) {
      String flinkKey = derivation.flinkOption().key();
      if (flinkPassThrough.containsKey(flinkKey)) {
        problems.add(
            StreamlearnConfig.FLINK_PREFIX + flinkKey,
            quote(flinkPassThrough.toMap().get(flinkKey))
                + " conflicts with "
                + derivation.source().key()
                + ", which sets Flink's "
                + flinkKey
                + "; set "
                + derivation.source().key()
                + " instead");
      }
    }
  }
}
