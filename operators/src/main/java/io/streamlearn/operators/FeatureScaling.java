package io.streamlearn.operators;

/** How a key's model sees the features of its samples. */
public enum FeatureScaling {
  /** The raw features. */
  NONE,
  /**
   * Each feature minus its running mean, divided by its running standard deviation, both kept per
   * key over the key's labeled samples ({@link FeatureScaler}).
   */
  STANDARD
}
