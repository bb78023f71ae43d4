package io.streamlearn.pipeline.generate;

import java.util.List;
import java.util.SplittableRandom;

/**
 * The SEA concepts of Street and Kim (2001, "A streaming ensemble algorithm (SEA) for large-scale
 * classification"): three features uniform in [0, 10), of which only the first two matter. A sample
 * is of class 1 when {@code f1 + f2 <= theta}, else of class 0. The concepts differ in theta, which
 * takes the paper's values 8, 9, 7 and 9.5 in turn, changing abruptly every {@code conceptLength}
 * samples of a key (the paper: 12,500). A fraction {@code noise} of labels is flipped: the paper's
 * class noise is 10%.
 */
public final class SeaConcepts extends KeyedSampleStream {

  /** The paper's thresholds, one per concept, in the order the stream visits them. */
  static final List<Double> THETAS = List.of(8.0, 9.0, 7.0, 9.5);

  /** The paper's class noise. */
  public static final double PAPER_NOISE = 0.1;

  static final double RANGE = 10;

  private final long conceptLength;
  private final double noise;
  private final SplittableRandom random;

  /**
   * @param conceptLength samples of a key between changes of its concept; 0 for none
   * @param noise fraction of labels flipped, in [0, 1]
   */
  public SeaConcepts(long seed, int keyCount, long conceptLength, double noise) {
    super(keyCount);
    checkConceptLength(conceptLength);
    checkNoise(noise);
    this.conceptLength = conceptLength;
    this.noise = noise;
    this.random = new SplittableRandom(seed);
  }

  @Override
  public int features() {
    return 3;
  }

  @Override
  public int classes() {
    return 2;
  }

  /** The threshold of a key's {@code n}-th sample. */
  double theta(long n) {
    return THETAS.get((int) (conceptOf(n, conceptLength) % THETAS.size()));
  }

  @Override
  Example draw(int key, long n) {
    // Labelled from the very values sent, so that a reader recomputing f1 + f2 agrees.
    float f1 = (float) (random.nextDouble() * RANGE);
    float f2 = (float) (random.nextDouble() * RANGE);
    float f3 = (float) (random.nextDouble() * RANGE);
    int label = (double) f1 + f2 <= theta(n) ? 1 : 0;
    if (random.nextDouble() < noise) {
      label = 1 - label;
    }
    return new Example(List.of(f1, f2, f3), label);
  }
}
