package io.streamlearn.operators;

import io.streamlearn.schemas.DeadLetterReason;
import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.SampleLabel;
import java.io.Serializable;
import java.util.List;
import java.util.Optional;

/**
 * Checks a decoded sample against the model it is meant for, so that nothing the trainer cannot use
 * ever reaches it: a bad sample is rejected here, not by an exception inside a training step.
 */
public final class SampleValidator implements Serializable {

  private final ModelShape shape;

  public SampleValidator(ModelShape shape) {
    this.shape = shape;
  }

  public Optional<Rejection> problemWith(LabeledSample sample) {
    // Its prediction, its delayed label and its dead letters all find the sample by its id.
    if (sample.getId() == null || sample.getId().isBlank()) {
      return reject(DeadLetterReason.MISSING_SAMPLE_ID, "sample has an empty id");
    }
    if (sample.getKey() == null || sample.getKey().isBlank()) {
      return reject(DeadLetterReason.MISSING_KEY, "sample " + sample.getId() + " has an empty key");
    }
    List<Float> features = sample.getFeatures();
    if (features.size() != shape.features()) {
      return reject(
          DeadLetterReason.FEATURE_COUNT_MISMATCH,
          "sample "
              + sample.getId()
              + " has "
              + features.size()
              + " features, the model takes "
              + shape.features());
    }
    for (int i = 0; i < features.size(); i++) {
      if (!Float.isFinite(features.get(i))) {
        return reject(
            DeadLetterReason.NON_FINITE_FEATURE,
            "sample " + sample.getId() + " has feature " + i + " = " + features.get(i));
      }
    }
    return labelProblem(
        "sample " + sample.getId(),
        sample.getLabel(),
        sample.getLabels(),
        ModelShape.targetsOf(sample.getTarget(), sample.getTargets()));
  }

  /**
   * Checks a delayed label: it must name its sample and key, and carry what the model trains on,
   * within the same limits as a sample's own label.
   */
  public Optional<Rejection> problemWith(SampleLabel label) {
    String what = "label of sample " + label.getSampleId();
    if (label.getSampleId() == null || label.getSampleId().isBlank()) {
      return reject(DeadLetterReason.MISSING_SAMPLE_ID, "label has an empty sample id");
    }
    if (label.getKey() == null || label.getKey().isBlank()) {
      return reject(DeadLetterReason.MISSING_KEY, what + " has an empty key");
    }
    List<Double> targets = ModelShape.targetsOf(label.getTarget(), label.getTargets());
    Object truth =
        shape.multiLabel()
            ? label.getLabels()
            : shape.isClassification() ? label.getLabel() : targets;
    Optional<Rejection> problem = labelProblem(what, label.getLabel(), label.getLabels(), targets);
    if (problem.isEmpty() && truth == null) {
      return reject(DeadLetterReason.MISSING_LABEL, what + " has no " + truthName());
    }
    return problem;
  }

  /**
   * A label, label set or targets the model cannot train on; {@code what} names its owner in the
   * message. Ground truth of another task's kind is rejected rather than ignored, so that a
   * producer that sends it learns of the mismatch.
   */
  private Optional<Rejection> labelProblem(
      String what, Integer label, List<Integer> labels, List<Double> targets) {
    if (shape.multiLabel()) {
      if (label != null && labels == null) {
        return outOfRange(what + " has one class label, " + label + ", but " + taskName());
      }
      if (labels != null) {
        for (int each : labels) {
          if (each < 0 || each >= shape.classes()) {
            return outOfRange(what + " has label " + each + ", " + classRange());
          }
        }
      }
    } else if (labels != null) {
      return outOfRange(
          what + " has a set of labels, which only a MULTI_LABEL model takes, but " + taskName());
    } else if (shape.isClassification()) {
      if (label != null && (label < 0 || label >= shape.classes())) {
        return outOfRange(what + " has label " + label + ", " + classRange());
      }
    } else if (targets != null) {
      if (targets.size() != shape.targets()) {
        return outOfRange(what + " has " + targets.size() + " regression targets, " + taskName());
      }
      for (double target : targets) {
        if (!Double.isFinite(target)) {
          return outOfRange(what + " has regression target " + target);
        }
      }
    }
    return Optional.empty();
  }

  /** The ground truth this model trains on, for messages. */
  private String truthName() {
    if (shape.multiLabel()) {
      return "set of labels";
    }
    return shape.isClassification() ? "class label" : "regression target";
  }

  /** The model's task and what it takes, in the terms of its configuration, for messages. */
  private String taskName() {
    if (shape.multiLabel()) {
      return "the model is MULTI_LABEL (model.task): send the classes that hold in labels";
    }
    if (shape.isClassification()) {
      return "the model's model.task takes one class label in label";
    }
    return "the REGRESSION model has "
        + shape.targets()
        + " outputs (model.outputs)"
        + (shape.targets() > 1 ? ": send them in targets" : "");
  }

  private String classRange() {
    return "the model has classes 0.." + (shape.classes() - 1);
  }

  private static Optional<Rejection> outOfRange(String message) {
    return reject(DeadLetterReason.LABEL_OUT_OF_RANGE, message);
  }

  private static Optional<Rejection> reject(DeadLetterReason reason, String message) {
    return Optional.of(new Rejection(reason, message));
  }
}
