package io.streamlearn.pipeline.generate;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A sequence task that needs memory: a cue comes early in the sequence, and what the sequence
 * carried at the cue decides the class; noise follows it up to the last step. This is the
 * store-and-recall kind of problem Hochreiter and Schmidhuber (1997, "Long short-term memory",
 * section 5) made to show what an LSTM's gates are for, in a short form that an online learner
 * meets on every sample.
 *
 * <p>A sample is {@code timesteps} steps of {@code channels} values, given time-major. The cue's
 * step s is uniform over the first half of the sequence ({@code 0 <= s < ceil(timesteps / 2)}).
 * Channel 0 is the cue marker: 1 at step s, 0 at every other step. Channel 1 at step s holds the
 * class's level plus normal noise of standard deviation {@link #LEVEL_NOISE}; the K levels are
 * evenly spaced over [-2, 2] (for 3 classes: -2, 0 and 2). Every other value, channel 1 at the
 * other steps and channels 2 and up at every step, is normal noise of standard deviation {@link
 * #NOISE}. Classes are equally likely.
 *
 * <p>A recurrent network learns one rule for every step: when the marker is on, keep channel 1. A
 * dense network on the flat input sees the level at a different place each time, hidden among noise
 * of the same size, and has to learn each possible place on its own.
 *
 * <p>To drift, every {@code conceptLength} samples of a key the levels move one class on: in
 * concept c, class k has the level of class {@code (k + c) mod K} in the first.
 */
public final class DelayedRecall extends SequenceStream {

  /** Standard deviation of the noise around the class level at the cue. */
  static final double LEVEL_NOISE = 0.2;

  /** Standard deviation of every value that is neither marker nor level. */
  static final double NOISE = 2;

  static final double LEVEL_RANGE = 2;

  private final SplittableRandom random;

  /**
   * @param conceptLength samples of a key between changes of its levels; 0 for none
   */
  public DelayedRecall(
      long seed, int keyCount, int timesteps, int channels, int classes, long conceptLength) {
    super("recall", keyCount, timesteps, 2, channels, 2, classes, conceptLength);
    this.random = new SplittableRandom(seed);
  }

  /** The level channel 1 carries at the cue for class {@code label} in a key's n-th sample. */
  double level(int label, long n) {
    int levelIndex = (int) ((label + conceptOf(n, conceptLength)) % classes);
    return -LEVEL_RANGE + 2 * LEVEL_RANGE * levelIndex / (classes - 1);
  }

  @Override
  Example draw(int key, long n) {
    int label = random.nextInt(classes);
    int cue = random.nextInt((timesteps + 1) / 2);
    List<Float> values = new ArrayList<>(features());
    for (int t = 0; t < timesteps; t++) {
      values.add(t == cue ? 1f : 0f);
      double carried =
          t == cue
              ? level(label, n) + LEVEL_NOISE * random.nextGaussian()
              : NOISE * random.nextGaussian();
      values.add((float) carried);
      for (int c = 2; c < channels; c++) {
        values.add((float) (NOISE * random.nextGaussian()));
      }
    }
    return new Example(values, label);
  }
}
