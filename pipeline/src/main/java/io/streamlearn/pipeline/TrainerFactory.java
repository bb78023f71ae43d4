package io.streamlearn.pipeline;

import io.streamlearn.operators.Batching;
import io.streamlearn.operators.FusedTrainer;
import io.streamlearn.operators.OnlineTrainer;
import io.streamlearn.operators.TrainerSettings;
import java.time.Duration;
import java.util.function.BiFunction;

/**
 * Makes the trainer operator of each trainer mode. A test seam: integration tests make trainers
 * that fail where they plan, to prove recovery through the real topology, sinks and state backends;
 * the job itself always uses {@link #STANDARD}.
 *
 * @param perKey the per-key trainer of the settings and batching
 * @param fused the fused trainer of the settings, {@code trainer.fuse-keys} and {@code
 *     batch.max-delay}
 */
record TrainerFactory(
    BiFunction<TrainerSettings, Batching, ? extends OnlineTrainer> perKey,
    FusedTrainerMaker fused) {

  static final TrainerFactory STANDARD = new TrainerFactory(OnlineTrainer::new, FusedTrainer::new);

  /** Makes a fused trainer: {@link FusedTrainer}'s constructor, or a subclass's. */
  interface FusedTrainerMaker {
    FusedTrainer make(TrainerSettings settings, Batching batching, int fuseKeys, Duration maxDelay);
  }
}
