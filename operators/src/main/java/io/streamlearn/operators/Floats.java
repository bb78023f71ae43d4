package io.streamlearn.operators;

import java.util.List;

/** Between ND4J's float arrays and the Avro records' lists of floats. */
public final class Floats {

  private Floats() {}

  static List<Float> boxed(float[] values) {
    Float[] boxed = new Float[values.length];
    for (int i = 0; i < values.length; i++) {
      boxed[i] = values[i];
    }
    return List.of(boxed);
  }

  public static float[] unboxed(List<Float> values) {
    float[] unboxed = new float[values.size()];
    for (int i = 0; i < unboxed.length; i++) {
      unboxed[i] = values.get(i);
    }
    return unboxed;
  }
}
