package io.streamlearn.pipeline.config;

import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/** The loss of a REGRESSION model: the value of {@link StreamlearnOptions#MODEL_LOSS}. */
public enum LossType {
  MSE(LossFunction.MSE),
  MAE(LossFunction.MEAN_ABSOLUTE_ERROR);

  private final LossFunction dl4j;

  LossType(LossFunction dl4j) {
    this.dl4j = dl4j;
  }

  LossFunction dl4j() {
    return dl4j;
  }
}
