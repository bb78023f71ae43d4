package io.streamlearn.operators;

import static io.streamlearn.operators.Samples.separable;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamlearn.operators.state.KeyModelState;
import io.streamlearn.schemas.LabeledSample;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.BaseMultiLayerUpdater;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.learning.config.AdaGrad;

/**
 * AdaGrad's history starts at its epsilon in DL4J, not at 0: a new key must start from the history
 * DL4J starts from, whichever key the subtask's network trained first.
 */
class AdaGradKeyModelTest {

  private static final String MODEL = TestModels.classifier(new AdaGrad(0.1)).toJson();

  @Test
  void aNewKeyStartsFromTheHistoryDl4jStartsFrom() {
    KeyModel model = TestModels.keyModel(MODEL);
    MultiLayerNetwork plain = new MultiLayerNetwork(TestModels.classifier(new AdaGrad(0.1)));
    plain.init();
    ((BaseMultiLayerUpdater<?>) plain.getUpdater(true))
        .getUpdaterBlocks()
        .forEach(UpdaterBlock::getGradientUpdater);

    float[] initial = ArrayBytes.decode(model.newKeyState(0).getUpdaterState()).toFloatVector();

    assertThat(initial).containsOnly((float) AdaGrad.DEFAULT_ADAGRAD_EPSILON);
    assertThat(initial).containsExactly(plain.getUpdater().getStateViewArray().toFloatVector());
  }

  @Test
  void keysTrainTheSameWhicheverTheSubtaskTrainedFirst() {
    KeyModel model = TestModels.keyModel(MODEL);
    List<LabeledSample> batch = separable("a", 16, 5);

    KeyModelState first = trainedOnce(model, batch);
    KeyModelState second = trainedOnce(model, batch);

    assertThat(ArrayBytes.decode(second.getUpdaterState()).toFloatVector())
        .containsExactly(ArrayBytes.decode(first.getUpdaterState()).toFloatVector());
    assertThat(ArrayBytes.decode(second.getParameters()).toFloatVector())
        .containsExactly(ArrayBytes.decode(first.getParameters()).toFloatVector());
  }

  private static KeyModelState trainedOnce(KeyModel model, List<LabeledSample> batch) {
    KeyModelState state = model.newKeyState(0);
    model.load(state);
    assertThat(model.fit(batch)).isTrue();
    model.store(state);
    return state;
  }
}
