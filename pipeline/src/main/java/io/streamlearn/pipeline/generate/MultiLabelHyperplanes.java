package io.streamlearn.pipeline.generate;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * An endless, learnable, drifting multi-label stream: each class is a rotating hyperplane of its
 * own ({@link DriftingHyperplane}, after Hulten, Spencer and Domingos 2001). A sample's features
 * {@code x} are uniform in [0, 1]^d, and class {@code c} holds when {@code sum(w_ci x_i) >=
 * sum(w_ci) / 2}: each class for half of the samples (the cube is symmetric about the hyperplane's
 * centre), and any set of classes, the empty one too, can hold. Read, Bifet, Holmes and Pfahringer
 * (2012, "Scalable and efficient multi-label classification for evolving data streams") also make
 * multi-label streams of binary ones; this one is simpler, one hyperplane per class and no imposed
 * dependence between the labels.
 *
 * <p>The weights are uniform in [-1, 1] rather than the binary stream's [0, 1], so that the
 * classes' hyperplanes point every way: with weights all positive every class would mostly say
 * whether the features' sum is large, and the classes would mostly agree. Each key has its own
 * hyperplanes; after each sample of a key every weight of its hyperplanes moves by {@code
 * driftPerSample}, as in {@link RotatingHyperplane}.
 */
public final class MultiLabelHyperplanes extends KeyedSampleStream {

  private final int features;
  private final double driftPerSample;
  private final List<List<DriftingHyperplane>> concepts = new ArrayList<>();
  private final SplittableRandom featureRandom;
  private final SplittableRandom driftRandom;

  /**
   * @param classes the classes each sample may hold any set of, at least 1
   * @param driftPerSample how far each weight moves after each sample of its key; 0 for fixed
   *     concepts
   */
  public MultiLabelHyperplanes(
      long seed, int features, int keyCount, int classes, double driftPerSample) {
    super(keyCount);
    if (features < 1 || classes < 1) {
      throw new IllegalArgumentException(
          "multilabel needs at least 1 feature and 1 class, got " + features + " and " + classes);
    }
    if (driftPerSample < 0) {
      throw new IllegalArgumentException("driftPerSample must be >= 0");
    }
    this.features = features;
    this.driftPerSample = driftPerSample;
    SplittableRandom root = new SplittableRandom(seed);
    SplittableRandom weightRandom = root.split();
    featureRandom = root.split();
    driftRandom = root.split();
    for (int k = 0; k < keyCount; k++) {
      List<DriftingHyperplane> perClass = new ArrayList<>(classes);
      for (int c = 0; c < classes; c++) {
        perClass.add(new DriftingHyperplane(features, weightRandom, -1));
      }
      concepts.add(perClass);
    }
  }

  @Override
  public int features() {
    return features;
  }

  @Override
  public int classes() {
    return concepts.get(0).size();
  }

  @Override
  public boolean multiLabel() {
    return true;
  }

  /** The current weights of a key's hyperplane of class {@code c}. */
  double[] weights(int key, int c) {
    return concepts.get(key).get(c).weights();
  }

  @Override
  Example draw(int key, long n) {
    List<Float> x = new ArrayList<>(features);
    for (int i = 0; i < features; i++) {
      x.add((float) featureRandom.nextDouble());
    }
    List<DriftingHyperplane> perClass = concepts.get(key);
    List<Integer> labels = new ArrayList<>();
    for (int c = 0; c < perClass.size(); c++) {
      if (perClass.get(c).holds(x)) {
        labels.add(c);
      }
      perClass.get(c).drift(driftPerSample, driftRandom);
    }
    return Example.labelSet(x, labels);
  }
}
