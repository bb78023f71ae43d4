package io.streamlearn.operators.fused;

import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

/**
 * A DL4J loss with its output layer's activation, computed in plain Java on one row of the output
 * layer ({@link PlainBackward}): the row's loss, as DL4J's {@code computeScoreArray} gives it, and
 * the gradient with respect to the row's pre-activations, as its {@code computeGradient} does, with
 * the same clipping. In double precision.
 */
@FunctionalInterface
interface RowLoss {

  /**
   * Writes the gradient of one row's loss with respect to its pre-activations into {@code
   * delta[from, from + length)} and returns the row's loss.
   *
   * @param preActivations the output layer's pre-activations (x W + b)
   * @param outputs its activations of them
   */
  double apply(
      double[] preActivations,
      double[] outputs,
      double[] labels,
      double[] delta,
      int from,
      int length);

  /**
   * The plain form of {@code loss} after an activation whose plain form is {@code activation}, or
   * null when it has none: softmax with multi-class cross-entropy or negative log-likelihood,
   * binary cross-entropy after any activation but softmax, squared error after any; without
   * weights.
   */
  static RowLoss of(ILossFunction loss, RowActivation activation) {
    if (activation == null) {
      return null;
    }
    boolean softmax = activation instanceof RowActivation.Softmax;
    if (loss instanceof LossMCXENT multiClass && multiClass.getWeights() == null) {
      return softmax ? softmaxCrossEntropy(multiClass.getSoftmaxClipEps()) : null;
    }
    if (loss instanceof LossBinaryXENT binary && binary.getWeights() == null && !softmax) {
      return binaryCrossEntropy(binary.getClipEps(), activation);
    }
    if (loss instanceof LossMSE squared && squared.getWeights() == null) {
      return squaredError(activation);
    }
    return null;
  }

  /**
   * -sum(y log p) with p clipped to [eps, 1 - eps] for the loss; the gradient p - y of the
   * unclipped p.
   */
  private static RowLoss softmaxCrossEntropy(double eps) {
    return (preActivations, outputs, labels, delta, from, length) -> {
      double loss = 0;
      for (int i = from; i < from + length; i++) {
        double clipped = eps > 0 ? Math.min(Math.max(outputs[i], eps), 1 - eps) : outputs[i];
        loss -= labels[i] * Math.log(clipped);
        delta[i] = outputs[i] - labels[i];
      }
      return loss;
    };
  }

  /**
   * -sum(y log o + (1 - y) log(1 - o)) and dL/do = (o - y) / (o (1 - o)), with o the output clipped
   * to [eps, 1 - eps], then back through the activation.
   */
  private static RowLoss binaryCrossEntropy(double eps, RowActivation activation) {
    return (preActivations, outputs, labels, delta, from, length) -> {
      double loss = 0;
      for (int i = from; i < from + length; i++) {
        double o = eps > 0 ? Math.min(Math.max(outputs[i], eps), 1 - eps) : outputs[i];
        loss -= labels[i] * Math.log(o) + (1 - labels[i]) * Math.log(1 - o);
        delta[i] = (o - labels[i]) / (o * (1 - o));
      }
      activation.backprop(preActivations, delta, from, length);
      return loss;
    };
  }

  /** sum((o - y)^2) / n and dL/do = 2 (o - y) / n, then back through the activation. */
  private static RowLoss squaredError(RowActivation activation) {
    return (preActivations, outputs, labels, delta, from, length) -> {
      double loss = 0;
      for (int i = from; i < from + length; i++) {
        double error = outputs[i] - labels[i];
        loss += error * error / length;
        delta[i] = 2 * error / length;
      }
      activation.backprop(preActivations, delta, from, length);
      return loss;
    };
  }
}
