package io.streamlearn.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamlearn.schemas.DeadLetterReason;
import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.SampleLabel;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Ground truth of the wrong kind for the model's task, or out of its range, is dead-lettered with a
 * message that names what the model takes; the right kind trains.
 */
class SampleValidatorTasksTest {

  private final SampleValidator multiLabel = new SampleValidator(ModelShape.multiLabel(2, 3));
  private final SampleValidator classification =
      new SampleValidator(ModelShape.classification(2, 3));
  private final SampleValidator twoTargets = new SampleValidator(ModelShape.regression(2, 2));
  private final SampleValidator oneTarget = new SampleValidator(ModelShape.regression(2));

  @Test
  void aMultiLabelModelTakesAnySetOfItsClassesIncludingNone() {
    assertThat(multiLabel.problemWith(sample().setLabels(List.of(0, 2)).build())).isEmpty();
    assertThat(multiLabel.problemWith(sample().setLabels(List.of()).build())).isEmpty();
    assertThat(ModelShape.multiLabel(2, 3).isLabeled(sample().setLabels(List.of()).build()))
        .as("no class holds: still labeled")
        .isTrue();
  }

  @Test
  void aMultiLabelModelRejectsAClassItDoesNotHaveAndASingleLabel() {
    assertRejected(
        multiLabel.problemWith(sample().setLabels(List.of(1, 3)).build()),
        "has label 3, the model has classes 0..2");
    assertRejected(
        multiLabel.problemWith(sample().setLabel(1).build()),
        "has one class label, 1, but the model is MULTI_LABEL (model.task)");
  }

  @Test
  void aClassificationModelRejectsASetOfLabels() {
    assertRejected(
        classification.problemWith(sample().setLabels(List.of(0)).build()),
        "has a set of labels, which only a MULTI_LABEL model takes");
    assertRejected(
        twoTargets.problemWith(sample().setLabels(List.of(0)).build()),
        "has a set of labels, which only a MULTI_LABEL model takes");
  }

  @Test
  void aRegressionTakesOneTargetPerOutput() {
    assertThat(twoTargets.problemWith(sample().setTargets(List.of(1.0, 2.0)).build())).isEmpty();
    assertThat(oneTarget.problemWith(sample().setTarget(1.0).build())).isEmpty();
    assertThat(oneTarget.problemWith(sample().setTargets(List.of(1.0)).build())).isEmpty();
    assertRejected(
        twoTargets.problemWith(sample().setTarget(1.0).build()),
        "has 1 regression targets, the REGRESSION model has 2 outputs (model.outputs): send them"
            + " in targets");
    assertRejected(
        oneTarget.problemWith(sample().setTargets(List.of(1.0, 2.0)).build()),
        "has 2 regression targets, the REGRESSION model has 1 outputs");
    assertRejected(
        twoTargets.problemWith(sample().setTargets(List.of(1.0, Double.NaN)).build()),
        "has regression target NaN");
  }

  @Test
  void aDelayedLabelIsCheckedLikeASamplesOwn() {
    assertThat(multiLabel.problemWith(label().setLabels(List.of(1)).build())).isEmpty();
    assertRejected(
        multiLabel.problemWith(label().setLabels(List.of(5)).build()),
        "label of sample s-1 has label 5");
    assertRejected(
        multiLabel.problemWith(label().setLabel(1).build()),
        "has one class label, 1, but the model is MULTI_LABEL");
    assertThat(multiLabel.problemWith(label().build()))
        .get()
        .extracting(Rejection::reason)
        .isEqualTo(DeadLetterReason.MISSING_LABEL);
    assertThat(twoTargets.problemWith(label().setTargets(List.of(1.0, 2.0)).build())).isEmpty();
    assertRejected(
        twoTargets.problemWith(label().setTarget(1.0).build()), "has 1 regression targets");
  }

  private static void assertRejected(Optional<Rejection> problem, String message) {
    assertThat(problem)
        .get()
        .satisfies(
            rejection -> {
              assertThat(rejection.reason()).isEqualTo(DeadLetterReason.LABEL_OUT_OF_RANGE);
              assertThat(rejection.message()).contains(message);
            });
  }

  private static LabeledSample.Builder sample() {
    return LabeledSample.newBuilder()
        .setId("s-1")
        .setKey("k")
        .setFeatures(List.of(0.5f, 1f))
        .setEventTime(Instant.ofEpochMilli(1));
  }

  private static SampleLabel.Builder label() {
    return SampleLabel.newBuilder()
        .setSampleId("s-1")
        .setKey("k")
        .setLabelTime(Instant.ofEpochMilli(2));
  }
}
