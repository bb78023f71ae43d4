package io.streamlearn.operators.fused;

import java.util.function.IntToDoubleFunction;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Per-key scalars (learning rates, momenta, bias corrections) as a [K, 1] column, so that one
 * broadcast operation applies each key's own value to its row of the stacked arrays. Keys of one
 * fused step may be at different iterations, so schedules and Adam's bias correction differ.
 */
final class KeyColumns {

  private KeyColumns() {}

  static INDArray of(int[] iterations, DataType type, IntToDoubleFunction valueAtIteration) {
    double[] values = new double[iterations.length];
    for (int key = 0; key < values.length; key++) {
      values[key] = valueAtIteration.applyAsDouble(iterations[key]);
    }
    return Nd4j.createFromArray(values).castTo(type).reshape(values.length, 1);
  }
}
