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
 * @param oneProbability whether a two-class model has one output, the probability of class 1 (a
 *     sigmoid), rather than one per class
 */
public record ModelShape(int features, int classes, InputShape input, boolean oneProbability)
    implements Serializable {

  public ModelShape {
    if (input.features() != features) {
      throw new IllegalArgumentException(
          "the input, " + input + ", does not hold " + features + " features");
    }
    if (oneProbability && classes != 2) {
      throw new IllegalArgumentException("one output probability needs 2 classes, got " + classes);
    }
  }

  /** A shape with one output per class, or one for regression. */
  public ModelShape(int features, int classes, InputShape input) {
    this(features, classes, input, false);
  }

  /** A shape whose features are a plain vector. */
  public ModelShape(int features, int classes) {
    this(features, classes, InputShape.vector(features));
  }

  /** Classes 0 and 1 from one sigmoid output, the probability of class 1. */
  public static ModelShape binary(int features) {
    return new ModelShape(features, 2, InputShape.vector(features), true);
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
    return new ModelShape(features, classes, layout, oneProbability);
  }

  public boolean isClassification() {
    return classes > 0;
  }

  /** Number of network outputs: one per class, or one for regression or one probability. */
  public int outputs() {
    return isClassification() && !oneProbability ? classes : 1;
  }

  /** Whether the sample carries the ground truth this model trains on. */
  public boolean isLabeled(LabeledSample sample) {
    return isClassification() ? sample.getLabel() != null : sample.getTarget() != null;
  }
}
