package io.streamlearn.operators;

import io.streamlearn.schemas.LabeledSample;
import java.io.Serializable;

/**
 * What a sample must look like to train the model: its input width and layout and, for
 * classification, the number of classes.
 *
 * @param features length of every feature vector
 * @param classes number of classes for classification, 0 for regression (one output)
 * @param input how the features are laid out for the network; {@code features} values in all
 */
public record ModelShape(int features, int classes, InputShape input) implements Serializable {

  public ModelShape {
    if (input.features() != features) {
      throw new IllegalArgumentException(
          "the input, " + input + ", does not hold " + features + " features");
    }
  }

  /** A shape whose features are a plain vector. */
  public ModelShape(int features, int classes) {
    this(features, classes, InputShape.vector(features));
  }

  public static ModelShape classification(int features, int classes) {
    if (classes < 2) {
      throw new IllegalArgumentException("classification needs at least 2 classes, got " + classes);
    }
    return new ModelShape(features, classes);
  }

  public static ModelShape regression(int features) {
    return new ModelShape(features, 0);
  }

  /** This shape with the features laid out as {@code layout}, which must hold all of them. */
  public ModelShape withInput(InputShape layout) {
    return new ModelShape(features, classes, layout);
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
