package io.streamlearn.pipeline.config;

import static io.streamlearn.pipeline.config.StreamlearnOptions.TRAINER_MODE;

import io.streamlearn.operators.FusedTrainer;
import io.streamlearn.operators.ModelOverride;
import io.streamlearn.operators.ModelSpec;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves {@link StreamlearnOptions#TRAINER_MODE} against the models the configuration builds. The
 * fused trainer steps one network: model.overrides that give keys another network (or steps per
 * batch) make {@code fused} a problem and {@code auto} train per key; overrides that change only
 * where keys start (model.initial) fuse.
 */
final class TrainerModes {

  private static final Logger LOG = LoggerFactory.getLogger(TrainerModes.class);

  private TrainerModes() {}

  /** {@code fused} for models the fused trainer cannot train is a problem, with the reason. */
  static void check(
      Configuration values, ModelSpec model, List<ModelOverride> overrides, Problems problems) {
    if (model == null || values.get(TRAINER_MODE) != TrainerMode.FUSED) {
      return;
    }
    String reason = notFusableReason(values, model, overrides);
    if (reason != null) {
      problems.add(
          TRAINER_MODE,
          "fused cannot train this model: " + reason + "; set per-key or auto to train it per key");
    }
  }

  /**
   * Whether the keys' models train fused: {@code fused}, or {@code auto} and the models allow; an
   * {@code auto} that trains per key logs why.
   */
  static boolean fused(Configuration values, ModelSpec model, List<ModelOverride> overrides) {
    return switch (values.get(TRAINER_MODE)) {
      case PER_KEY -> false;
      case FUSED -> true;
      case AUTO -> {
        String reason = notFusableReason(values, model, overrides);
        if (reason != null) {
          LOG.info("trainer.mode auto trains each key's model per key: {}", reason);
        }
        yield reason == null;
      }
    };
  }

  private static String notFusableReason(
      Configuration values, ModelSpec model, List<ModelOverride> overrides) {
    String reason =
        FusedTrainer.notFusableReason(model.configurationJson(), InputShapes.of(values));
    return reason != null ? reason : FusedTrainer.notFusableReason(model, overrides);
  }
}
