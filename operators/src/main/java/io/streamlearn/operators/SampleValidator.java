package io.streamlearn.operators;

import io.streamlearn.schemas.DeadLetterReason;
import io.streamlearn.schemas.LabeledSample;
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
    if (shape.isClassification()) {
      Integer label = sample.getLabel();
      if (label != null && (label < 0 || label >= shape.classes())) {
        return reject(
            DeadLetterReason.LABEL_OUT_OF_RANGE,
            "sample "
                + sample.getId()
                + " has label "
                + label
                + ", the model has classes 0.."
                + (shape.classes() - 1));
      }
    } else if (sample.getTarget() != null && !Double.isFinite(sample.getTarget())) {
      return reject(
          DeadLetterReason.LABEL_OUT_OF_RANGE,
          "sample " + sample.getId() + " has regression target " + sample.getTarget());
    }
    return Optional.empty();
  }

  private static Optional<Rejection> reject(DeadLetterReason reason, String message) {
    return Optional.of(new Rejection(reason, message));
  }
}
