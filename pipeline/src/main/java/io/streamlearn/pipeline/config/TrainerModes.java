package io.streamlearn.pipeline.config;

import static io.streamlearn.pipeline.config.StreamlearnOptions.TRAINER_MODE;

import io.streamlearn.operators.FusedTrainer;
import org.apache.flink.configuration.Configuration;

/** Resolves {@link StreamlearnOptions#TRAINER_MODE} against the model the configuration builds. */
final class TrainerModes {

  private TrainerModes() {}

  /** {@code fused} for a model the fused trainer cannot train is a problem, with the reason. */
  static void check(Configuration values, String model, Problems problems) {
    if (model == null || values.get(TRAINER_MODE) != TrainerMode.FUSED) {
      return;
    }
    String reason = FusedTrainer.notFusableReason(model, InputShapes.of(values));
    if (reason != null) {
      problems.add(
          TRAINER_MODE,
          "fused cannot train this model: " + reason + "; set per-key or auto to train it per key");
    }
  }

  /** Whether the keys' models train fused: {@code fused}, or {@code auto} and the model allows. */
  static boolean fused(Configuration values, String model) {
    return switch (values.get(TRAINER_MODE)) {
      case PER_KEY -> false;
      case FUSED -> true;
      case AUTO -> FusedTrainer.notFusableReason(model, InputShapes.of(values)) == null;
    };
  }
}
