package io.streamlearn.operators.fused;

import org.nd4j.linalg.learning.config.IUpdater;

/**
 * What differs between the keys of one fused step: each key's iteration count and the factor its
 * drift reaction puts on its learning rate. Keys of one fused step may be at different iterations,
 * so schedules and Adam's bias correction differ between them, and a key whose drift reaction
 * boosts its learning rate trains with a multiple of the configured rate.
 */
final class KeyRates {

  private final int[] iterations;
  private final double[] learningRateFactors;

  KeyRates(int[] iterations, double[] learningRateFactors) {
    if (iterations.length != learningRateFactors.length) {
      throw new IllegalArgumentException(
          iterations.length + " iteration counts for " + learningRateFactors.length + " factors");
    }
    this.iterations = iterations;
    this.learningRateFactors = learningRateFactors;
  }

  int iteration(int key) {
    return iterations[key];
  }

  /** The key's learning rate: its factor times the configured rate at its iteration. */
  double learningRate(int key, IUpdater configuration, int epoch) {
    return learningRateFactors[key] * configuration.getLearningRate(iterations[key], epoch);
  }
}
