package io.streamlearn.operators;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Flat parameter and updater vectors as bytes for keyed state: one type byte ({@code F} or {@code
 * D}), then the values, little-endian. Exact for both float and double networks, and a bulk copy
 * each way: this runs twice per batch, where {@code Nd4j.toByteArray}'s stream of single values
 * would cost more than a small network's training step.
 */
final class ArrayBytes {

  private static final byte FLOAT = 'F';
  private static final byte DOUBLE = 'D';

  private ArrayBytes() {}

  static byte[] encode(INDArray vector) {
    if (vector.dataType() == DataType.DOUBLE) {
      double[] values = vector.toDoubleVector();
      ByteBuffer bytes = allocate(1 + values.length * Double.BYTES).put(DOUBLE);
      bytes.asDoubleBuffer().put(values);
      return bytes.array();
    }
    float[] values = vector.toFloatVector();
    ByteBuffer bytes = allocate(1 + values.length * Float.BYTES).put(FLOAT);
    bytes.asFloatBuffer().put(values);
    return bytes.array();
  }

  /** A row vector holding the encoded values. */
  static INDArray decode(ByteBuffer encoded) {
    ByteBuffer bytes = encoded.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    byte type = bytes.get();
    ByteBuffer values = bytes.slice().order(ByteOrder.LITTLE_ENDIAN);
    if (type == DOUBLE) {
      double[] doubles = new double[values.remaining() / Double.BYTES];
      values.asDoubleBuffer().get(doubles);
      return Nd4j.createFromArray(doubles).reshape(1, doubles.length);
    }
    if (type != FLOAT) {
      throw new IllegalStateException("Unknown parameter encoding " + type);
    }
    float[] floats = new float[values.remaining() / Float.BYTES];
    values.asFloatBuffer().get(floats);
    return Nd4j.createFromArray(floats).reshape(1, floats.length);
  }

  private static ByteBuffer allocate(int size) {
    return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
  }
}
