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
    return labelProblem("sample " + sample.getId(), sample.getLabel(), sample.getTarget());
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
    if (shape.isClassification() ? label.getLabel() == null : label.getTarget() == null) {
      return reject(
          DeadLetterReason.MISSING_LABEL,
          what + " has no " + (shape.isClassification() ? "class label" : "regression target"));
    }
    return labelProblem(what, label.getLabel(), label.getTarget());
  }

  /** A label or target the model cannot train on; {@code what} names its owner in the message. */
  private Optional<Rejection> labelProblem(String what, Integer label, Double target) {
    if (shape.isClassification()) {
      if (label != null && (label < 0 || label >= shape.classes())) {
        return reject(
            DeadLetterReason.LABEL_OUT_OF_RANGE,
            what + " has label " + label + ", the model has classes 0.." + (shape.classes() - 1));
      }
    } else if (target != null && !Double.isFinite(target)) {
      return reject(DeadLetterReason.LABEL_OUT_OF_RANGE, what + " has regression target " + target);
    }
    return Optional.empty();
  }

  private static Optional<Rejection> reject(DeadLetterReason reason, String message) {
    return Optional.of(new Rejection(reason, message));
  }
}
