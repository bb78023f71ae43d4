package io.streamlearn.operators.fused;

import java.util.function.IntToDoubleFunction;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * What differs between the keys of one fused step, and per-key scalars (learning rates, momenta,
 * bias corrections) made from it as a [K, 1] column, so that one broadcast operation applies each
 * key's own value to its row of the stacked arrays. Keys of one fused step may be at different
 * iterations, so schedules and Adam's bias correction differ, and a key whose drift reaction boosts
 * its learning rate trains with a multiple of the configured rate.
 */
final class KeyColumns {

  /** How a per-key value follows from the key's learning rate and iteration. */
  interface RateFunction {
    double valueAt(double learningRate, int iteration);
  }

  private final int[] iterations;
  private final double[] learningRateFactors;
  private final DataType type;

  KeyColumns(int[] iterations, double[] learningRateFactors, DataType type) {
    if (iterations.length != learningRateFactors.length) {
      throw new IllegalArgumentException(
          iterations.length + " iteration counts for " + learningRateFactors.length + " factors");
    }
    this.iterations = iterations;
    this.learningRateFactors = learningRateFactors;
    this.type = type;
  }

  int keys() {
    return iterations.length;
  }

  int iteration(int key) {
    return iterations[key];
  }

  /** Each key's value at its iteration. */
  INDArray of(IntToDoubleFunction valueAtIteration) {
    double[] values = new double[iterations.length];
    for (int key = 0; key < values.length; key++) {
      values[key] = valueAtIteration.applyAsDouble(iterations[key]);
    }
    return column(values);
  }

  /** Each key's learning rate: its factor times the configured rate at its iteration. */
  INDArray learningRates(IUpdater configuration, int epoch) {
    return ofLearningRate(configuration, epoch, (rate, iteration) -> rate);
  }

  /** A value of each key's learning rate (factor included) and iteration. */
  INDArray ofLearningRate(IUpdater configuration, int epoch, RateFunction function) {
    double[] values = new double[iterations.length];
    for (int key = 0; key < values.length; key++) {
      double rate =
          learningRateFactors[key] * configuration.getLearningRate(iterations[key], epoch);
      values[key] = function.valueAt(rate, iterations[key]);
    }
    return column(values);
  }

  private INDArray column(double[] values) {
    return Nd4j.createFromArray(values).castTo(type).reshape(values.length, 1);
  }
}
