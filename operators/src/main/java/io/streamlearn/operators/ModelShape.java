package io.streamlearn.operators;

import io.streamlearn.schemas.LabeledSample;
import java.io.Serializable;
import java.util.List;

/**
 * What a sample must look like to train the model: its input width and layout and what the model
 * predicts from it (the classes of a classification, the outputs of a regression).
 *
 * @param features length of every feature vector
 * @param classes number of classes for classification (of class memberships for multi-label), 0 for
 *     regression
 * @param input how the features are laid out for the network; {@code features} values in all
 * @param oneProbability whether a two-class model has one output, the probability of class 1 (a
 *     sigmoid), rather than one per class
 * @param multiLabel whether several classes may hold at once: one independent probability per class
 *     (sigmoids), trained from the set of classes that hold
 * @param targets number of regression outputs, 0 for classification
 */
public record ModelShape(
    int features,
    int classes,
    InputShape input,
    boolean oneProbability,
    boolean multiLabel,
    int targets)
    implements Serializable {

  public ModelShape {
    if (input.features() != features) {
      throw new IllegalArgumentException(
          "the input, " + input + ", does not hold " + features + " features");
    }
    if (oneProbability && classes != 2) {
      throw new IllegalArgumentException("one output probability needs 2 classes, got " + classes);
    }
    if (multiLabel && (oneProbability || classes < 1)) {
      throw new IllegalArgumentException(
          "multi-label needs one output per class, got " + classes + " classes");
    }
    if ((classes > 0) == (targets > 0)) {
      throw new IllegalArgumentException(
          "a model has classes or regression targets, got " + classes + " and " + targets);
    }
  }

  /** A shape with one output per class, or one for regression. */
  public ModelShape(int features, int classes, InputShape input, boolean oneProbability) {
    this(features, classes, input, oneProbability, false, classes > 0 ? 0 : 1);
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

  /** Any subset of {@code classes} classes, each with its own sigmoid output. */
  public static ModelShape multiLabel(int features, int classes) {
    return new ModelShape(features, classes, InputShape.vector(features), false, true, 0);
  }

  public static ModelShape regression(int features) {
    return regression(features, 1);
  }

  /** {@code outputs} real numbers, one per target. */
  public static ModelShape regression(int features, int outputs) {
    return new ModelShape(features, 0, InputShape.vector(features), false, false, outputs);
  }

  /** This shape with the features laid out as {@code layout}, which must hold all of them. */
  public ModelShape withInput(InputShape layout) {
    return new ModelShape(features, classes, layout, oneProbability, multiLabel, targets);
  }

  public boolean isClassification() {
    return classes > 0;
  }

  /**
   * Number of network outputs: one per class (also for multi-label), one probability, or one per
   * regression target.
   */
  public int outputs() {
    if (isClassification()) {
      return oneProbability ? 1 : classes;
    }
    return targets;
  }

  /** Whether the sample carries the ground truth this model trains on. */
  public boolean isLabeled(LabeledSample sample) {
    if (multiLabel) {
      return sample.getLabels() != null;
    }
    return isClassification()
        ? sample.getLabel() != null
        : targetsOf(sample.getTarget(), sample.getTargets()) != null;
  }

  /**
   * A sample's or label's regression targets: {@code targets} when set, else the single {@code
   * target}, else null.
   */
  public static List<Double> targetsOf(Double target, List<Double> targets) {
    if (targets != null) {
      return targets;
    }
    return target == null ? null : List.of(target);
  }
}
