package io.streamlearn.operators.fused;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.learning.regularization.WeightDecay;

/**
 * One parameter of one layer (a weight matrix or a bias) with the regularization DL4J applies to
 * it: L2 adds {@code l2 * w} to the gradient before the updater, weight decay adds {@code lr * wd *
 * w} (or {@code wd * w}) to the update after it, in the order the configuration lists them.
 */
record RegularizedRange(long start, long end, List<Regularization> regularizations) {

  /** Fails with the reason when a regularization is one the fused core does not apply. */
  RegularizedRange {
    regularizations = regularizations == null ? List.of() : List.copyOf(regularizations);
    for (Regularization regularization : regularizations) {
      if (!(regularization instanceof L2Regularization)
          && !(regularization instanceof WeightDecay)) {
        throw new NotFusableException(
            "the regularization "
                + regularization.getClass().getSimpleName()
                + " is not L2 or weight decay");
      }
    }
  }

  /** L2: into the gradient of the block, before its updater runs. */
  void beforeUpdater(
      INDArray parameters, INDArray gradient, long blockStart, KeyColumns keys, int epoch) {
    for (Regularization regularization : regularizations) {
      if (regularization instanceof L2Regularization l2) {
        INDArray coefficient = keys.of(it -> l2.getL2().valueAt(it, epoch));
        addScaled(parameters, gradient, blockStart, coefficient);
      }
    }
  }

  /** Weight decay: into the update of the block, after its updater ran. */
  void afterUpdater(
      INDArray parameters,
      INDArray update,
      long blockStart,
      IUpdater updater,
      KeyColumns keys,
      int epoch) {
    for (Regularization regularization : regularizations) {
      if (regularization instanceof WeightDecay decay) {
        INDArray coefficient =
            keys.ofLearningRate(
                updater,
                epoch,
                (rate, it) ->
                    decay.getCoeff().valueAt(it, epoch) * (decay.isApplyLR() ? rate : 1.0));
        addScaled(parameters, update, blockStart, coefficient);
      }
    }
  }

  /**
   * Adds each key's regularization score, {@code 0.5 * coefficient * sum(w^2)} for L2 and weight
   * decay alike, as DL4J adds it to the score of a step: taken before the step changes the
   * parameters.
   */
  void addScores(INDArray parameters, KeyColumns keys, int epoch, double[] scores) {
    if (regularizations.isEmpty()) {
      return;
    }
    INDArray values = parameters.get(NDArrayIndex.all(), NDArrayIndex.interval(start, end));
    double[] squares = values.mul(values).sum(1).toDoubleVector();
    for (Regularization regularization : regularizations) {
      for (int key = 0; key < scores.length; key++) {
        double coefficient =
            regularization instanceof L2Regularization l2
                ? l2.getL2().valueAt(keys.iteration(key), epoch)
                : ((WeightDecay) regularization).getCoeff().valueAt(keys.iteration(key), epoch);
        scores[key] += 0.5 * coefficient * squares[key];
      }
    }
  }

  /** target[:, range] += coefficient * parameters[:, range], with the target block-relative. */
  private void addScaled(
      INDArray parameters, INDArray target, long blockStart, INDArray coefficient) {
    INDArray values = parameters.get(NDArrayIndex.all(), NDArrayIndex.interval(start, end));
    target
        .get(NDArrayIndex.all(), NDArrayIndex.interval(start - blockStart, end - blockStart))
        .addi(values.mulColumnVector(coefficient));
  }
}
