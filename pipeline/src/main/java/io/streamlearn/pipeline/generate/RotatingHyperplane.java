package io.streamlearn.pipeline.generate;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * An endless, learnable, drifting binary classification stream: the rotating hyperplane of Hulten,
 * Spencer and Domingos (2001, "Mining time-changing data streams"), as MOA's {@code
 * HyperplaneGenerator} implements it, with one hyperplane per model key.
 *
 * <p>Each key has its own weight vector {@code w}, drawn uniformly from [0, 1]. A sample's features
 * {@code x} are uniform in [0, 1]^d and its label is 1 when {@code sum(w_i x_i) >= sum(w_i) / 2},
 * else 0, which gives about as many ones as zeros. After each sample of a key, every weight of that
 * key moves by {@code driftPerSample} in its current direction, and each direction reverses with
 * probability 10%, so the concept rotates gradually. A fraction {@code noise} of labels is flipped.
 *
 * <p>Keys, ids and event times are those of every generated stream ({@link KeyedSampleStream}). The
 * stream is a function of the seed alone, and the features do not depend on drift or noise: two
 * generators with the same seed and sizes produce the same features whatever their drift and noise.
 */
public final class RotatingHyperplane extends KeyedSampleStream {

  private final int features;
  private final double driftPerSample;
  private final double noise;
  private final List<DriftingHyperplane> concepts = new ArrayList<>();
  // Separate streams, so that features stay the same when only drift or noise change.
  private final SplittableRandom featureRandom;
  private final SplittableRandom noiseRandom;
  private final SplittableRandom driftRandom;

  /**
   * @param keyCount number of model keys, named {@code key-0 ... key-<keyCount - 1>}
   * @param driftPerSample how far each weight moves after each sample of its key; 0 for a fixed
   *     concept
   * @param noise fraction of labels flipped, in [0, 1]
   */
  public RotatingHyperplane(
      long seed, int features, int keyCount, double driftPerSample, double noise) {
    super(keyCount);
    if (features < 1) {
      throw new IllegalArgumentException("features must be at least 1");
    }
    if (driftPerSample < 0) {
      throw new IllegalArgumentException("driftPerSample must be >= 0");
    }
    checkNoise(noise);
    this.features = features;
    this.driftPerSample = driftPerSample;
    this.noise = noise;
    SplittableRandom root = new SplittableRandom(seed);
    SplittableRandom weightRandom = root.split();
    featureRandom = root.split();
    noiseRandom = root.split();
    driftRandom = root.split();
    for (int k = 0; k < keyCount; k++) {
      concepts.add(new DriftingHyperplane(features, weightRandom, 0));
    }
  }

  @Override
  public int features() {
    return features;
  }

  @Override
  public int classes() {
    return 2;
  }

  @Override
  Example draw(int key, long n) {
    DriftingHyperplane concept = concepts.get(key);
    List<Float> x = new ArrayList<>(features);
    for (int i = 0; i < features; i++) {
      x.add((float) featureRandom.nextDouble());
    }
    int label = concept.holds(x) ? 1 : 0;
    if (noiseRandom.nextDouble() < noise) {
      label = 1 - label;
    }
    concept.drift(driftPerSample, driftRandom);
    return new Example(x, label);
  }
}
