package io.streamlearn.operators;

import io.streamlearn.schemas.LabeledSample;
import java.io.Serializable;

/**
 * What a sample must look like to train the model: its input width and, for classification, the
 * number of classes.
 *
 * @param features length of every feature vector
 * @param classes number of classes for classification, 0 for regression (one output)
 */
public record ModelShape(int features, int classes) implements Serializable {

  public static ModelShape classification(int features, int classes) {
    if (classes < 2) {
      throw new IllegalArgumentException("classification needs at least 2 classes, got " + classes);
    }
    return new ModelShape(features, classes);
  }

  public static ModelShape regression(int features) {
    return new ModelShape(features, 0);
  }

  public boolean isClassification() {
    return classes > 0;
  }

  /** Number of network outputs: one per class, or one for regression. */
  public int outputs() {
    return isClassification() ? classes : 1;
  }

  /** Whether the sample carries the ground truth this model trains on. */
  public boolean isLabeled(LabeledSample sample) {
    return isClassification() ? sample.getLabel() != null : sample.getTarget() != null;
  }
}
