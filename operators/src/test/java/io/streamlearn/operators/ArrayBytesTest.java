package io.streamlearn.operators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
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
  void rejectsAnUnknownEncoding() {
    assertThatThrownBy(() -> ArrayBytes.decode(ByteBuffer.wrap(new byte[] {'X', 0, 0, 0, 0})))
        .isInstanceOf(IllegalStateException.class);
  }
}
