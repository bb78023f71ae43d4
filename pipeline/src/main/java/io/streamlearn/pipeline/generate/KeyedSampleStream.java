package io.streamlearn.pipeline.generate;

import io.streamlearn.schemas.LabeledSample;
import java.time.Instant;
import java.util.List;

/**
 * What every generated stream shares: keys take turns ({@code key-0, key-1, ...}), each with a
 * concept of its own; ids are {@code <key>-<n>} with n counting that key's samples from 0; event
 * times advance 1 ms per sample from 2024-01-01T00:00:00Z. The stream never ends.
 */
abstract class KeyedSampleStream implements SampleStream {

  private static final Instant EPOCH = Instant.parse("2024-01-01T00:00:00Z");

  /**
   * The features of one sample and its ground truth: a label, a set of labels (the classes that
   * hold), a target, or several targets; the others null.
   */
  record Example(
      List<Float> features,
      Integer label,
      List<Integer> labels,
      Double target,
      List<Double> targets) {

    Example(List<Float> features, int label) {
      this(features, label, null, null, null);
    }

    static Example labelSet(List<Float> features, List<Integer> labels) {
      return new Example(features, null, labels, null, null);
    }

    static Example regression(List<Float> features, double target) {
      return new Example(features, null, null, target, null);
    }

    static Example regression(List<Float> features, List<Double> targets) {
      return new Example(features, null, null, null, targets);
    }
  }

  private final long[] keySamples;
  private long emitted;

  KeyedSampleStream(int keyCount) {
    if (keyCount < 1) {
      throw new IllegalArgumentException("keyCount must be at least 1, got " + keyCount);
    }
    keySamples = new long[keyCount];
  }

  /**
   * The next sample of key {@code key}, its {@code n}-th (from 0). A drifting concept moves on
   * after it.
   */
  abstract Example draw(int key, long n);

  /** Always true: the stream never ends. */
  @Override
  public final boolean hasNext() {
    return true;
  }

  @Override
  public final LabeledSample next() {
    int key = (int) (emitted % keySamples.length);
    long n = keySamples[key];
    Example example = draw(key, n);
    LabeledSample sample =
        LabeledSample.newBuilder()
            .setId("key-" + key + "-" + n)
            .setKey("key-" + key)
            .setFeatures(example.features())
            .setLabel(example.label())
            .setEventTime(EPOCH.plusMillis(emitted))
            .setTarget(example.target())
            .setLabels(example.labels())
            .setTargets(example.targets())
            .build();
    keySamples[key]++;
    emitted++;
    return sample;
  }

  /**
   * The index of the concept of a key's {@code n}-th sample, when it changes every {@code length}.
   */
  static long conceptOf(long n, long length) {
    return length == 0 ? 0 : n / length;
  }

  static void checkConceptLength(long length) {
    if (length < 0) {
      throw new IllegalArgumentException(
          "concept length must be >= 0 (0: the concept never changes), got " + length);
    }
  }

  static void checkNoise(double noise) {
    if (noise < 0 || noise > 1) {
      throw new IllegalArgumentException("noise must be in [0, 1], got " + noise);
    }
  }
}
