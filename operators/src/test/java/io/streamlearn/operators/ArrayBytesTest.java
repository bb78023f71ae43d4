package io.streamlearn.operators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ArrayBytesTest {

  @Test
  void roundTripsFloatVectorsBitForBit() {
    INDArray vector = Nd4j.rand(DataType.FLOAT, 1, 1000).subi(0.5).muli(1e-3);

    INDArray decoded = ArrayBytes.decode(ByteBuffer.wrap(ArrayBytes.encode(vector)));

    assertThat(decoded.dataType()).isEqualTo(DataType.FLOAT);
    assertThat(decoded.toFloatVector()).containsExactly(vector.toFloatVector());
  }

  @Test
  void roundTripsDoubleVectorsBitForBit() {
    INDArray vector = Nd4j.rand(DataType.DOUBLE, 1, 257);

    byte[] encoded = ArrayBytes.encode(vector);
    INDArray decoded = ArrayBytes.decode(ByteBuffer.wrap(encoded));

    assertThat(encoded).hasSize(1 + 257 * Double.BYTES);
    assertThat(decoded.dataType()).isEqualTo(DataType.DOUBLE);
    assertThat(decoded.toDoubleVector()).containsExactly(vector.toDoubleVector());
  }

  @Test
  void encodesRowsOfAFusedStepAsEachVectorAloneIsEncoded() {
    INDArray floatRows = Nd4j.rand(DataType.FLOAT, 3, 7).subi(0.5);
    INDArray doubleRows = Nd4j.rand(DataType.DOUBLE, 2, 5);

    ByteBuffer[] floats =
        ArrayBytes.encodeRows(floatRows.ravel().toDoubleVector(), 7, DataType.FLOAT);
    ByteBuffer[] doubles =
        ArrayBytes.encodeRows(doubleRows.ravel().toDoubleVector(), 5, DataType.DOUBLE);

    assertThat(floats).hasSize(3);
    for (int row = 0; row < 3; row++) {
      assertThat(floats[row].array()).containsExactly(ArrayBytes.encode(floatRows.getRow(row)));
    }
    assertThat(doubles).hasSize(2);
    for (int row = 0; row < 2; row++) {
      assertThat(doubles[row].array()).containsExactly(ArrayBytes.encode(doubleRows.getRow(row)));
    }
    assertThat(ArrayBytes.concatenated(Arrays.asList(floats), 7))
        .containsExactly(floatRows.ravel().toDoubleVector());
  }

  @Test
  void rejectsAnUnknownEncoding() {
    assertThatThrownBy(() -> ArrayBytes.decode(ByteBuffer.wrap(new byte[] {'X', 0, 0, 0, 0})))
        .isInstanceOf(IllegalStateException.class);
  }
}
