package io.streamlearn.pipeline.generate;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A shift-invariant pattern for convolutions: each class has a motif, a short random pattern over
 * all channels, and a sample is noise with its class's motif added at a random place. Which motif,
 * not where, decides the class. It is the synthetic task of motif discovery in time series, as in
 * the shapelet literature (Ye and Keogh 2009, "Time series shapelets"): a convolution slides one
 * detector over every place, while a dense network on the flat input must learn each place on its
 * own.
 *
 * <p>A sample is {@code timesteps} steps of {@code channels} values, given time-major, each
 * standard normal noise. A motif is {@code L = min(5, timesteps / 2)} steps long: each of its
 * values is +{@link #AMPLITUDE} or -{@link #AMPLITUDE} at random, and then each channel has its
 * mean over the motif taken away, so that no channel's sum over a sample tells the classes apart.
 * The motif's first step is uniform over {@code 0 ... timesteps - L}. Classes are equally likely.
 *
 * <p>Every key draws motifs of its own. To drift, every {@code conceptLength} samples of a key it
 * draws new ones.
 */
public final class ShiftedMotifs extends SequenceStream {

  /** Size of each motif value before centring, against noise of standard deviation 1. */
  static final double AMPLITUDE = 1.0;

  private static final int LONGEST_MOTIF = 5;

  private final int motifLength;
  private final SplittableRandom motifRandom;
  private final SplittableRandom random;
  private final long[] concepts;

  /** Per key, per class: the motif's values, time-major. */
  private final double[][][] motifs;

  /**
   * @param conceptLength samples of a key between new motifs; 0 for none
   */
  public ShiftedMotifs(
      long seed, int keyCount, int timesteps, int channels, int classes, long conceptLength) {
    super("motif", keyCount, timesteps, 4, channels, 1, classes, conceptLength);
    this.motifLength = Math.min(LONGEST_MOTIF, timesteps / 2);
    SplittableRandom root = new SplittableRandom(seed);
    this.motifRandom = root.split();
    this.random = root.split();
    this.concepts = new long[keyCount];
    this.motifs = new double[keyCount][][];
    for (int key = 0; key < keyCount; key++) {
      motifs[key] = drawMotifs();
    }
  }

  /** Steps of every motif. */
  int motifLength() {
    return motifLength;
  }

  /** The motif of class {@code label} in the key's current concept, time-major. */
  double[] motif(int key, int label) {
    return motifs[key][label].clone();
  }

  @Override
  Example draw(int key, long n) {
    long concept = conceptOf(n, conceptLength);
    if (concept != concepts[key]) {
      concepts[key] = concept;
      motifs[key] = drawMotifs();
    }
    int label = random.nextInt(classes);
    int start = random.nextInt(timesteps - motifLength + 1);
    double[] motif = motifs[key][label];
    List<Float> values = new ArrayList<>(features());
    for (int i = 0; i < features(); i++) {
      int inMotif = i - start * channels;
      double value = random.nextGaussian();
      if (inMotif >= 0 && inMotif < motif.length) {
        value += motif[inMotif];
      }
      values.add((float) value);
    }
    return new Example(values, label);
  }

  private double[][] drawMotifs() {
    double[][] drawn = new double[classes][motifLength * channels];
    for (double[] motif : drawn) {
      for (int c = 0; c < channels; c++) {
        double sum = 0;
        for (int t = 0; t < motifLength; t++) {
          motif[t * channels + c] = motifRandom.nextBoolean() ? AMPLITUDE : -AMPLITUDE;
          sum += motif[t * channels + c];
        }
        for (int t = 0; t < motifLength; t++) {
          motif[t * channels + c] -= sum / motifLength;
        }
      }
    }
    return drawn;
  }
}
