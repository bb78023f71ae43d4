package io.streamlearn.operators.fused;

import java.util.function.DoubleUnaryOperator;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationELU;
import org.nd4j.linalg.activations.impl.ActivationHardSigmoid;
import org.nd4j.linalg.activations.impl.ActivationHardTanH;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU6;
import org.nd4j.linalg.activations.impl.ActivationSELU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftPlus;
import org.nd4j.linalg.activations.impl.ActivationSoftSign;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationSwish;
import org.nd4j.linalg.activations.impl.ActivationTanH;

/**
 * A DL4J activation computed in plain Java on one row of a layer's outputs, in place, for scoring
 * ({@link PlainForward}): the formulas of libnd4j's ops for DL4J's activations with their default
 * settings (a leaky ReLU's and an ELU's alpha too), in double precision. Training keeps DL4J's own
 * objects ({@link FusedNetwork#step}); these only score, and agree with them to float rounding.
 */
@FunctionalInterface
interface RowActivation {

  /** Activates {@code values[from, from + length)}: one row of a layer's outputs. */
  void apply(double[] values, int from, int length);

  /** The plain form of {@code activation}, or null when it has none (DL4J's object then runs). */
  static RowActivation of(IActivation activation) {
    if (activation instanceof ActivationLReLU leaky) {
      double alpha = leaky.getAlpha();
      return elementwise(x -> x < 0 ? alpha * x : x);
    }
    if (activation instanceof ActivationELU elu) {
      double alpha = elu.getAlpha();
      return elementwise(x -> x >= 0 ? x : alpha * (Math.exp(x) - 1));
    }
    if (activation.equals(new ActivationSoftmax())) {
      return RowActivation::softmax;
    }
    return elementwise(function(activation));
  }

  /** An element-by-element activation's function, for the default settings only; else null. */
  private static DoubleUnaryOperator function(IActivation activation) {
    if (activation.equals(new ActivationIdentity())) {
      return x -> x;
    }
    if (activation.equals(new ActivationReLU())) {
      return x -> Math.max(0, x);
    }
    if (activation.equals(new ActivationReLU6())) {
      return x -> Math.min(Math.max(0, x), 6);
    }
    if (activation.equals(new ActivationSELU())) {
      // SELU's constants, as libnd4j defines them.
      double lambda = 1.0507009873554804934193349852946;
      double alpha = 1.6732632423543772848170429916717;
      return x -> x > 0 ? lambda * x : lambda * alpha * (Math.exp(x) - 1);
    }
    if (activation.equals(new ActivationTanH())) {
      return Math::tanh;
    }
    if (activation.equals(new ActivationSigmoid())) {
      return RowActivation::sigmoid;
    }
    if (activation.equals(new ActivationHardSigmoid())) {
      return x -> Math.min(1, Math.max(0, 0.2 * x + 0.5));
    }
    if (activation.equals(new ActivationHardTanH())) {
      return x -> Math.min(1, Math.max(-1, x));
    }
    if (activation.equals(new ActivationSoftPlus())) {
      return x -> Math.log1p(Math.exp(x));
    }
    if (activation.equals(new ActivationSoftSign())) {
      return x -> x / (1 + Math.abs(x));
    }
    if (activation.equals(new ActivationSwish())) {
      return x -> x * sigmoid(x);
    }
    return null;
  }

  private static RowActivation elementwise(DoubleUnaryOperator function) {
    if (function == null) {
      return null;
    }
    return (values, from, length) -> {
      for (int i = from; i < from + length; i++) {
        values[i] = function.applyAsDouble(values[i]);
      }
    };
  }

  private static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }

  /** exp(x - max) / sum, over the row, as libnd4j's softmax does. */
  private static void softmax(double[] values, int from, int length) {
    double max = Double.NEGATIVE_INFINITY;
    for (int i = from; i < from + length; i++) {
      max = Math.max(max, values[i]);
    }
    double sum = 0;
    for (int i = from; i < from + length; i++) {
      values[i] = Math.exp(values[i] - max);
      sum += values[i];
    }
    for (int i = from; i < from + length; i++) {
      values[i] /= sum;
    }
  }
}
