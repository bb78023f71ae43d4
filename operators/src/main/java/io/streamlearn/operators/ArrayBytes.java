package io.streamlearn.operators;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;
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

  /** Encoded vectors of one length, float or double, one after another as doubles. */
  static double[] concatenated(List<ByteBuffer> encoded, long length) {
    int width = Math.toIntExact(length);
    double[] values = new double[encoded.size() * width];
    for (int row = 0; row < encoded.size(); row++) {
      ByteBuffer vector = encoded.get(row);
      if (typeOf(vector) == DOUBLE) {
        values(vector, DOUBLE, width).asDoubleBuffer().get(values, row * width, width);
      } else {
        FloatBuffer floats = values(vector, FLOAT, width).asFloatBuffer();
        for (int i = 0; i < width; i++) {
          values[row * width + i] = floats.get(i);
        }
      }
    }
    return values;
  }

  /**
   * Vectors of {@code width} values, one after another, each encoded as {@link #encode} encodes a
   * vector of {@code type}: as doubles, or rounded to floats for any other type.
   */
  static ByteBuffer[] encodeRows(double[] rows, int width, DataType type) {
    int count = rows.length / width;
    ByteBuffer[] encoded = new ByteBuffer[count];
    for (int row = 0; row < count; row++) {
      if (type == DataType.DOUBLE) {
        ByteBuffer bytes = allocate(1 + width * Double.BYTES).put(DOUBLE);
        bytes.asDoubleBuffer().put(rows, row * width, width);
        encoded[row] = ByteBuffer.wrap(bytes.array());
      } else {
        ByteBuffer bytes = allocate(1 + width * Float.BYTES).put(FLOAT);
        FloatBuffer floats = bytes.asFloatBuffer();
        for (int i = row * width; i < (row + 1) * width; i++) {
          floats.put((float) rows[i]);
        }
        encoded[row] = ByteBuffer.wrap(bytes.array());
      }
    }
    return encoded;
  }

  private static byte typeOf(ByteBuffer encoded) {
    return encoded.get(encoded.position());
  }

  /** The values after the type byte, checked to be {@code width} values of {@code type}. */
  private static ByteBuffer values(ByteBuffer encoded, byte type, int width) {
    ByteBuffer bytes = encoded.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    byte actual = bytes.get();
    ByteBuffer values = bytes.slice().order(ByteOrder.LITTLE_ENDIAN);
    int size = type == DOUBLE ? Double.BYTES : Float.BYTES;
    if (actual != type || values.remaining() != width * size) {
      throw new IllegalStateException(
          "Expected "
              + width
              + " values of type "
              + (char) type
              + ", got "
              + values.remaining()
              + " bytes of type "
              + (char) actual);
    }
    return values;
  }

  private static ByteBuffer allocate(int size) {
    return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
  }
}
