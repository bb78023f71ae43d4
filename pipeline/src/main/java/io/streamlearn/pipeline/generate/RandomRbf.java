package io.streamlearn.pipeline.generate;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The random radial-basis-function stream with drifting centroids of Bifet, Holmes, Pfahringer,
 * Kirkby and Gavaldà (2009, "New ensemble methods for evolving data streams"), as MOA's {@code
 * RandomRBFGeneratorDrift} implements it, with centroids of its own for each model key.
 *
 * <p>Each centroid has a centre uniform in [0, 1]^d, a class drawn uniformly, a standard deviation
 * uniform in [0, 1) and a weight uniform in [0, 1). A sample picks a centroid with probability in
 * proportion to its weight, a direction uniformly, and a distance from the centre that is normal
 * with the centroid's standard deviation; its label is the centroid's class. After each sample of a
 * key, every centroid of the key moves {@code speed} along a direction of its own, drawn at the
 * start; a coordinate that would leave [0, 1] stops at the border and turns back.
 */
public final class RandomRbf extends KeyedSampleStream {

  /** MOA's default number of centroids. */
  public static final int DEFAULT_CENTROIDS = 50;

  private final int features;
  private final int classes;
  private final double speed;
  private final List<Centroid[]> keyCentroids = new ArrayList<>();
  private final SplittableRandom random;

  /**
   * @param speed how far each centroid moves after each sample of its key; 0 for none
   */
  public RandomRbf(
      long seed, int features, int keyCount, int classes, int centroids, double speed) {
    super(keyCount);
    if (features < 1 || classes < 2 || centroids < 1 || speed < 0) {
      throw new IllegalArgumentException(
          "need features >= 1, classes >= 2, centroids >= 1 and speed >= 0, got "
              + features
              + ", "
              + classes
              + ", "
              + centroids
              + " and "
              + speed);
    }
    this.features = features;
    this.classes = classes;
    this.speed = speed;
    SplittableRandom root = new SplittableRandom(seed);
    SplittableRandom model = root.split();
    this.random = root.split();
    for (int key = 0; key < keyCount; key++) {
      Centroid[] ofKey = new Centroid[centroids];
      for (int c = 0; c < centroids; c++) {
        ofKey[c] = new Centroid(model);
      }
      keyCentroids.add(ofKey);
    }
  }

  @Override
  public int features() {
    return features;
  }

  @Override
  public int classes() {
    return classes;
  }

  /** A copy of the centres of the key's centroids. */
  double[][] centres(int key) {
    Centroid[] centroids = keyCentroids.get(key);
    double[][] centres = new double[centroids.length][];
    for (int c = 0; c < centroids.length; c++) {
      centres[c] = centroids[c].centre.clone();
    }
    return centres;
  }

  @Override
  Example draw(int key, long n) {
    Centroid[] centroids = keyCentroids.get(key);
    Centroid centroid = pick(centroids);
    double[] direction = unitVector(random);
    double distance = random.nextGaussian() * centroid.deviation;
    List<Float> x = new ArrayList<>(features);
    for (int i = 0; i < features; i++) {
      x.add((float) (centroid.centre[i] + direction[i] * distance));
    }
    for (Centroid moving : centroids) {
      moving.move();
    }
    return new Example(x, centroid.label);
  }

  private Centroid pick(Centroid[] centroids) {
    double total = 0;
    for (Centroid centroid : centroids) {
      total += centroid.weight;
    }
    double at = random.nextDouble() * total;
    for (Centroid centroid : centroids) {
      at -= centroid.weight;
      if (at < 0) {
        return centroid;
      }
    }
    return centroids[centroids.length - 1];
  }

  /** A direction drawn as MOA draws it: uniform in [-1, 1]^d, then scaled to length 1. */
  private double[] unitVector(SplittableRandom from) {
    double[] vector = new double[features];
    double length = 0;
    for (int i = 0; i < features; i++) {
      vector[i] = from.nextDouble() * 2 - 1;
      length += vector[i] * vector[i];
    }
    length = Math.sqrt(length);
    for (int i = 0; i < features; i++) {
      vector[i] /= length;
    }
    return vector;
  }

  private final class Centroid {
    final double[] centre = new double[features];
    final int label;
    final double deviation;
    final double weight;
    final double[] velocity;

    Centroid(SplittableRandom model) {
      for (int i = 0; i < features; i++) {
        centre[i] = model.nextDouble();
      }
      label = model.nextInt(classes);
      deviation = model.nextDouble();
      weight = model.nextDouble();
      velocity = unitVector(model);
      for (int i = 0; i < features; i++) {
        velocity[i] *= speed;
      }
    }

    void move() {
      for (int i = 0; i < features; i++) {
        centre[i] += velocity[i];
        if (centre[i] > 1 || centre[i] < 0) {
          centre[i] = Math.min(1, Math.max(0, centre[i]));
          velocity[i] = -velocity[i];
        }
      }
    }
  }
}
