package io.streamlearn.pipeline.generate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The abrupt drift of MOA's {@code LEDGeneratorDrift} and {@code WaveformGeneratorDrift}: the
 * concept stays, but the attributes trade places, so that a model must learn again which one
 * carries what. Here each change of a key's concept draws a new random order of all attributes; the
 * first concept keeps them in place.
 */
final class ShuffledAttributes {

  private final int attributes;
  private final long conceptLength;
  private final SplittableRandom random;
  private final long[] concepts;
  private final int[][] orders;

  /**
   * @param conceptLength samples of a key between changes; 0 for none
   */
  ShuffledAttributes(int attributes, int keyCount, long conceptLength, SplittableRandom random) {
    KeyedSampleStream.checkConceptLength(conceptLength);
    this.attributes = attributes;
    this.conceptLength = conceptLength;
    this.random = random;
    this.concepts = new long[keyCount];
    this.orders = new int[keyCount][];
    for (int key = 0; key < keyCount; key++) {
      orders[key] = identity();
    }
  }

  /**
   * The values of a key's {@code n}-th sample in the attribute order of its concept: value {@code
   * i} goes to attribute {@code where(key)[i]}.
   */
  List<Float> place(int key, long n, float[] values) {
    long concept = KeyedSampleStream.conceptOf(n, conceptLength);
    if (concept != concepts[key]) {
      concepts[key] = concept;
      orders[key] = shuffled();
    }
    Float[] placed = new Float[attributes];
    for (int i = 0; i < attributes; i++) {
      placed[orders[key][i]] = values[i];
    }
    return new ArrayList<>(Arrays.asList(placed));
  }

  /** Where each value of the key's current concept goes. */
  int[] where(int key) {
    return orders[key].clone();
  }

  private int[] identity() {
    int[] order = new int[attributes];
    for (int i = 0; i < attributes; i++) {
      order[i] = i;
    }
    return order;
  }

  /** A uniformly random order (Fisher-Yates). */
  private int[] shuffled() {
    int[] order = identity();
    for (int i = attributes - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
    return order;
  }
}
