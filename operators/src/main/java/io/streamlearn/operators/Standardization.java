package io.streamlearn.operators;

/**
 * A key's standard scaling as it stands at one moment: per feature, the mean to subtract and the
 * deviation to divide by ({@link FeatureScaler}). A snapshot, so that what was scaled with it can
 * be scaled again, later, to the same floats.
 */
public record Standardization(double[] mean, double[] std) {

  /** Feature {@code index} of a sample as the key's model sees it. */
  float scale(float value, int index) {
    return (float) ((value - mean[index]) / std[index]);
  }
}
