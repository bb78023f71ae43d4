package io.streamlearn.pipeline.config;

import static io.streamlearn.pipeline.config.ConfigFixtures.problemsOf;
import static io.streamlearn.pipeline.config.ConfigFixtures.required;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMAE;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

/**
 * model.task MULTI_LABEL and REGRESSION with model.outputs: their output layers and their rules.
 */
class MultiOutputTaskConfigTest {

  @Test
  void multiLabelHasOneSigmoidWithBinaryCrossEntropyPerClass() {
    OutputLayer output = outputLayer(required("model.task", "MULTI_LABEL", "model.classes", "5"));

    assertThat(output.getNOut()).isEqualTo(5);
    assertThat(output.getActivationFn()).isInstanceOf(ActivationSigmoid.class);
    assertThat(output.getLossFn()).isInstanceOf(LossBinaryXENT.class);
  }

  @Test
  void regressionHasModelOutputsIdentityOutputsWithItsLoss() {
    OutputLayer three = outputLayer(required("model.task", "REGRESSION", "model.outputs", "3"));
    OutputLayer one = outputLayer(required("model.task", "REGRESSION", "model.loss", "MAE"));

    assertThat(three.getNOut()).isEqualTo(3);
    assertThat(three.getActivationFn()).isInstanceOf(ActivationIdentity.class);
    assertThat(three.getLossFn()).isInstanceOf(LossMSE.class);
    assertThat(one.getNOut()).as("model.outputs defaults to 1").isEqualTo(1);
    assertThat(one.getLossFn()).isInstanceOf(LossMAE.class);
  }

  @Test
  void outputsAreRefusedForTasksWhoseOutputsAreTheirClassesAndBelowOne() {
    assertThat(problemsOf(required("model.task", "MULTI_LABEL", "model.outputs", "3")))
        .containsExactly(
            "model.outputs: 3 outputs, but model.task is MULTI_LABEL, whose outputs are its classes"
                + " (model.classes); remove it or set the task to REGRESSION");
    assertThat(problemsOf(required("model.task", "REGRESSION", "model.outputs", "0")))
        .containsExactly("model.outputs: 0 is out of range, must be >= 1");
    assertThat(problemsOf(required("model.task", "MULTI_LABEL", "model.loss", "MAE")))
        .containsExactly(
            "model.loss: 'MAE' is a regression loss, but model.task is MULTI_LABEL, which takes"
                + " the loss its output needs; remove it or set the task to REGRESSION");
  }

  @Test
  void autoTrainsMultiLabelAndSquaredErrorRegressionFusedButAbsoluteErrorPerKey() {
    assertThat(load(required("model.task", "MULTI_LABEL", "model.classes", "4")).fusedTraining())
        .isTrue();
    assertThat(load(required("model.task", "REGRESSION", "model.outputs", "2")).fusedTraining())
        .isTrue();
    assertThat(
            load(required("model.task", "REGRESSION", "model.outputs", "2", "model.loss", "MAE"))
                .fusedTraining())
        .as("the fused trainer has no MAE")
        .isFalse();
  }

  private static OutputLayer outputLayer(Map<String, String> flat) {
    MultiLayerConfiguration conf = load(flat).modelConfiguration();
    return (OutputLayer) conf.getConf(conf.getConfs().size() - 1).getLayer();
  }

  private static StreamlearnConfig load(Map<String, String> flat) {
    return StreamlearnConfig.fromMap(flat);
  }
}
