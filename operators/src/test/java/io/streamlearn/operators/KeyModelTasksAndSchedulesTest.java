package io.streamlearn.operators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamlearn.schemas.LabeledSample;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.schedule.ScheduleType;
import org.nd4j.linalg.schedule.StepSchedule;

/**
 * A key's model with one sigmoid output scored as two classes, and a learning-rate schedule under
 * the drift reaction's learning-rate factor.
 */
class KeyModelTasksAndSchedulesTest {

  @Test
  void oneSigmoidOutputIsServedAsTheProbabilitiesOfClassZeroAndOneAndLearns() {
    KeyModel model =
        KeyModels.create(
            TestModels.binaryClassifier(new Adam(0.05)).toJson(), ModelShape.binary(2), 1);
    model.load(model.newKeyState(0));
    List<LabeledSample> train = Samples.separable("k", 2_000, 1);
    for (int from = 0; from < train.size(); from += 50) {
      assertThat(model.fit(train.subList(from, from + 50))).isTrue();
    }

    List<LabeledSample> test = Samples.separable("k", 500, 2);
    float[][] scores = model.predict(test);
    int correct = 0;
    for (int i = 0; i < test.size(); i++) {
      assertThat(scores[i]).hasSize(2);
      assertThat(scores[i][0] + scores[i][1]).isCloseTo(1f, within(1e-6f));
      int predicted = scores[i][1] > scores[i][0] ? 1 : 0;
      correct += predicted == test.get(i).getLabel() ? 1 : 0;
    }
    assertThat(correct / 500.0).isGreaterThan(0.9);
  }

  @Test
  void scheduleFollowsTheKeysStepsAndPausesWhileTheLearningRateIsBoosted() {
    // 0.1 halved every 10 steps.
    Dl4jKeyModel model =
        (Dl4jKeyModel)
            KeyModels.create(
                TestModels.classifier(
                        new Sgd(new StepSchedule(ScheduleType.ITERATION, 0.1, 0.5, 10)))
                    .toJson(),
                ModelShape.classification(2, 2),
                1);
    model.load(model.newKeyState(0));
    List<LabeledSample> batch = Samples.separable("k", 16, 3);
    fit(model, batch, 25);
    assertThat(model.learningRate(0)).isCloseTo(0.025, within(1e-9));

    model.setLearningRateFactor(4);
    assertThat(model.learningRate(0)).isCloseTo(0.1, within(1e-9));
    fit(model, batch, 10);
    assertThat(model.learningRate(0)).as("boosted: fixed").isCloseTo(0.1, within(1e-9));

    model.setLearningRateFactor(1);
    assertThat(model.learningRate(0)).as("the schedule at step 35").isCloseTo(0.0125, within(1e-9));
  }

  private static void fit(KeyModel model, List<LabeledSample> batch, int steps) {
    for (int step = 0; step < steps; step++) {
      assertThat(model.fit(batch)).isTrue();
    }
  }
}
