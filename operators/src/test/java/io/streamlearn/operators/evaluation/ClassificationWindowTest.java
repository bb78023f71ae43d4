package io.streamlearn.operators.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ClassificationWindowTest {

  private static final double EXACT = 1e-12;

  @Test
  void accuracyAndLogLossCoverOnlyTheLastCountOutcomes() {
    ClassificationWindow window = new ClassificationWindow(WindowBound.count(3));
    window.add(0, 1, 0, binary(0.9f)); // wrong and confident: pushed out by the fourth
    window.add(1, 1, 1, binary(0.8f));
    window.add(2, 0, 0, binary(0.4f));
    window.add(3, 0, 1, binary(0.75f));

    assertThat(window.size()).isEqualTo(3);
    assertThat(window.accuracy()).isCloseTo(2.0 / 3, within(EXACT));
    assertThat(window.logLoss())
        .isCloseTo(-(Math.log(0.8f) + Math.log(1 - 0.4f) + Math.log(1 - 0.75f)) / 3, within(EXACT));
  }

  @Test
  void logLossClipsAZeroProbabilityAt1e15() {
    ClassificationWindow window = new ClassificationWindow(WindowBound.count(10));
    window.add(0, 0, 1, new float[] {0f, 1f});

    assertThat(window.logLoss()).isCloseTo(-Math.log(1e-15), within(EXACT));
  }

  @Test
  void kappaComparesAccuracyWithChanceAgreementOfTheMarginals() {
    // Confusion matrix (label, predicted): (1,1) x4, (1,0) x1, (0,1) x2, (0,0) x3.
    // Accuracy 0.7; labels 5/5, predictions 6/4: chance agreement (5*6 + 5*4) / 100 = 0.5.
    ClassificationWindow window = new ClassificationWindow(WindowBound.count(10));
    addRepeated(window, 1, 1, 4);
    addRepeated(window, 1, 0, 1);
    addRepeated(window, 0, 1, 2);
    addRepeated(window, 0, 0, 3);

    assertThat(window.accuracy()).isCloseTo(0.7, within(EXACT));
    assertThat(window.kappa()).isCloseTo((0.7 - 0.5) / (1 - 0.5), within(EXACT));
  }

  @Test
  void kappaIsUndefinedAndLeftOutWhenOneClassIsAllThereIs() {
    ClassificationWindow window = new ClassificationWindow(WindowBound.count(10));
    addRepeated(window, 0, 0, 5);

    assertThat(window.kappa()).isNaN();
    assertThat(window.metrics()).containsEntry("accuracy", 1.0).doesNotContainKey("kappa");
  }

  @Test
  void kappaTemporalIsZeroForAModelThatRepeatsThePreviousLabel() {
    ClassificationWindow window = new ClassificationWindow(WindowBound.count(6));
    int[] labels = {0, 0, 0, 1, 1, 1, 0};
    for (int n = 0; n < labels.length; n++) {
      int previous = n == 0 ? 0 : labels[n - 1];
      window.add(n, labels[n], previous, binary(previous));
    }

    // The window holds the last six, where model and no-change classifier are both right 4 times.
    assertThat(window.accuracy()).isCloseTo(4.0 / 6, within(EXACT));
    assertThat(window.kappaTemporal()).isCloseTo(0, within(EXACT));
  }

  @Test
  void kappaTemporalIsNegativeWhenTheNoChangeClassifierDoesBetter() {
    ClassificationWindow window = new ClassificationWindow(WindowBound.count(6));
    int[] labels = {0, 0, 0, 0, 0, 1, 1};
    for (int n = 0; n < labels.length; n++) {
      window.add(n, labels[n], 1, binary(1f));
    }

    // Last six: the model (always 1) is right 2 times, the no-change classifier 5 times.
    assertThat(window.kappaTemporal())
        .isCloseTo((2.0 / 6 - 5.0 / 6) / (1 - 5.0 / 6), within(EXACT));
  }

  @Test
  void kappaTemporalIsUndefinedAndLeftOutWhenTheNoChangeClassifierIsPerfect() {
    ClassificationWindow window = new ClassificationWindow(WindowBound.count(4));
    addRepeated(window, 1, 1, 3);
    addRepeated(window, 1, 0, 2);

    // The last four labels all repeat their predecessor: no model can beat that reference.
    assertThat(window.kappaTemporal()).isNaN();
    assertThat(window.metrics()).doesNotContainKey("kappaTemporal");
  }

  @Test
  void aucCountsTiedPairsAsHalf() {
    ClassificationWindow window = new ClassificationWindow(WindowBound.count(10));
    window.add(0, 1, 1, binary(0.8f));
    window.add(1, 1, 0, binary(0.5f));
    window.add(2, 0, 0, binary(0.5f));
    window.add(3, 0, 0, binary(0.5f));

    // Pairs (positive, negative): 0.8 beats both negatives, 0.5 ties both: (2 + 0.5 + 0.5) / 4.
    assertThat(window.auc()).isEqualTo(0.75);
  }

  @Test
  void aucEqualsThePairCountOnARandomWindowWithManyTies() {
    ClassificationWindow window = new ClassificationWindow(WindowBound.count(300));
    Random random = new Random(7);
    int[] labels = new int[1_000];
    float[] scores = new float[1_000];
    for (int n = 0; n < labels.length; n++) {
      labels[n] = random.nextInt(2);
      scores[n] = Math.round((random.nextFloat() + labels[n] * 0.3f) * 10) / 13f;
      window.add(n, labels[n], 0, binary(scores[n]));
    }

    double wins = 0;
    int pairs = 0;
    for (int i = labels.length - 300; i < labels.length; i++) {
      for (int j = labels.length - 300; j < labels.length; j++) {
        if (labels[i] == 1 && labels[j] == 0) {
          pairs++;
          wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
        }
      }
    }
    assertThat(window.auc()).isCloseTo(wins / pairs, within(EXACT));
  }

  @Test
  void aucIsLeftOutWithOneClassOrMoreThanTwo() {
    ClassificationWindow oneClass = new ClassificationWindow(WindowBound.count(10));
    addRepeated(oneClass, 1, 1, 3);
    ClassificationWindow threeClasses = new ClassificationWindow(WindowBound.count(10));
    threeClasses.add(0, 0, 0, new float[] {0.5f, 0.3f, 0.2f});
    threeClasses.add(1, 1, 1, new float[] {0.2f, 0.7f, 0.1f});

    assertThat(oneClass.metrics()).doesNotContainKey("auc").containsKey("accuracy");
    assertThat(threeClasses.metrics()).doesNotContainKey("auc").containsKey("kappa");
  }

  @Test
  void timeWindowKeepsOutcomesPredictedLessThanItsSpanBeforeTheNewest() {
    ClassificationWindow window =
        new ClassificationWindow(WindowBound.time(Duration.ofMillis(1_000)));
    window.add(0, 1, 1, binary(1f));
    window.add(500, 1, 1, binary(1f));
    window.add(999, 1, 0, binary(1f));
    assertThat(window.size()).isEqualTo(3);

    window.add(1_000, 0, 0, binary(0f));
    assertThat(window.size()).as("the outcome at 0 is 1,000 ms old").isEqualTo(3);
    assertThat(window.accuracy()).isCloseTo(2.0 / 3, within(EXACT));

    window.add(2_600, 0, 1, binary(0f));
    assertThat(window.size()).isEqualTo(1);
    assertThat(window.accuracy()).isZero();
  }

  @Test
  void metricsNameEveryDefinedMetricAndTheWindowSize() {
    ClassificationWindow window = new ClassificationWindow(WindowBound.count(10));
    window.add(0, 1, 1, binary(0.8f));
    window.add(1, 0, 0, binary(0.3f));
    window.add(2, 1, 0, binary(0.4f));

    assertThat(window.metrics())
        .containsOnlyKeys("windowSize", "accuracy", "logLoss", "kappa", "kappaTemporal", "auc")
        .containsEntry("windowSize", 3.0)
        .containsEntry("accuracy", window.accuracy())
        .containsEntry("auc", 1.0);
  }

  private static void addRepeated(
      ClassificationWindow window, int label, int predicted, int times) {
    for (int i = 0; i < times; i++) {
      window.add(i, label, predicted, binary(predicted));
    }
  }

  /** Binary class probabilities with {@code positive} for class 1. */
  private static float[] binary(float positive) {
    return new float[] {1 - positive, positive};
  }
}
