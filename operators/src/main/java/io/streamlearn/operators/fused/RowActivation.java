package io.streamlearn.operators.fused;

import java.util.Arrays;
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
 * A DL4J activation computed in plain Java on one row of a layer's values: its function, in place,
 * and its backward pass, for {@link PlainForward} and {@link PlainBackward}. The formulas are those
 * of libnd4j's ops for DL4J's activations and their derivatives, with their default settings (a
 * leaky ReLU's and an ELU's alpha too), in double precision; they agree with DL4J's float ones to
 * float rounding.
 */
interface RowActivation {

  /** Activates {@code values[from, from + length)}: one row of a layer's outputs. */
  void apply(double[] values, int from, int length);

  /**
   * Turns the gradient with respect to one row's activations into the gradient with respect to its
   * pre-activations, in place: {@code gradients[from, from + length)} times the derivative at
   * {@code preActivations[from, from + length)} (for softmax, its Jacobian), as DL4J's {@code
   * IActivation.backprop} does.
   */
  void backprop(double[] preActivations, double[] gradients, int from, int length);

  /** The plain form of {@code activation}, or null when it has none (DL4J's object then runs). */
  static RowActivation of(IActivation activation) {
    if (activation instanceof ActivationLReLU leaky) {
      double alpha = leaky.getAlpha();
      return elementwise(x -> x < 0 ? alpha * x : x, x -> x >= 0 ? 1 : alpha);
    }
    if (activation instanceof ActivationELU elu) {
      double alpha = elu.getAlpha();
      // DL4J's ELU trains with libnd4j's elu_bp at its default alpha of 1, whatever its own alpha.
      return elementwise(
          x -> x >= 0 ? x : alpha * (Math.exp(x) - 1), x -> x >= 0 ? 1 : Math.exp(x));
    }
    if (activation.equals(new ActivationSoftmax())) {
      return new Softmax();
    }
    if (activation.equals(new ActivationIdentity())) {
      return elementwise(x -> x, x -> 1);
    }
    if (activation.equals(new ActivationReLU())) {
      return elementwise(x -> Math.max(0, x), x -> x > 0 ? 1 : 0);
    }
    if (activation.equals(new ActivationReLU6())) {
      return elementwise(x -> Math.min(Math.max(0, x), 6), x -> x > 0 && x < 6 ? 1 : 0);
    }
    if (activation.equals(new ActivationSELU())) {
      // SELU's constants, as libnd4j defines them.
      double lambda = 1.0507009873554804934193349852946;
      double alpha = 1.6732632423543772848170429916717;
      return elementwise(
          x -> x > 0 ? lambda * x : lambda * alpha * (Math.exp(x) - 1),
          x -> x > 0 ? lambda : lambda * alpha * Math.exp(x));
    }
    if (activation.equals(new ActivationTanH())) {
      return elementwise(
          Math::tanh,
          x -> {
            double tanh = Math.tanh(x);
            return 1 - tanh * tanh;
          });
    }
    if (activation.equals(new ActivationSigmoid())) {
      return elementwise(
          RowActivation::sigmoid,
          x -> {
            double sigmoid = sigmoid(x);
            return sigmoid * (1 - sigmoid);
          });
    }
    if (activation.equals(new ActivationHardSigmoid())) {
      return elementwise(
          x -> Math.min(1, Math.max(0, 0.2 * x + 0.5)), x -> x > -2.5 && x < 2.5 ? 0.2 : 0);
    }
    if (activation.equals(new ActivationHardTanH())) {
      return elementwise(x -> Math.min(1, Math.max(-1, x)), x -> x >= -1 && x <= 1 ? 1 : 0);
    }
    if (activation.equals(new ActivationSoftPlus())) {
      return elementwise(x -> Math.log1p(Math.exp(x)), RowActivation::sigmoid);
    }
    if (activation.equals(new ActivationSoftSign())) {
      return elementwise(
          x -> x / (1 + Math.abs(x)),
          x -> {
            double denominator = 1 + Math.abs(x);
            return 1 / (denominator * denominator);
          });
    }
    if (activation.equals(new ActivationSwish())) {
      return elementwise(
          x -> x * sigmoid(x),
          x -> {
            double sigmoid = sigmoid(x);
            return sigmoid + x * sigmoid * (1 - sigmoid);
          });
    }
    return null;
  }

  private static RowActivation elementwise(
      DoubleUnaryOperator function, DoubleUnaryOperator derivative) {
    return new RowActivation() {
      @Override
      public void apply(double[] values, int from, int length) {
        for (int i = from; i < from + length; i++) {
          values[i] = function.applyAsDouble(values[i]);
        }
      }

      @Override
      public void backprop(double[] preActivations, double[] gradients, int from, int length) {
        for (int i = from; i < from + length; i++) {
          gradients[i] *= derivative.applyAsDouble(preActivations[i]);
        }
      }
    };
  }

  private static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }

  /** Softmax over the row: its outputs depend on the whole row, and so does its backward pass. */
  final class Softmax implements RowActivation {

    /** exp(x - max) / sum, over the row, as libnd4j's softmax does. */
    @Override
    public void apply(double[] values, int from, int length) {
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

    /** dL/dz_i = s_i (dL/ds_i - sum_j dL/ds_j s_j). */
    @Override
    public void backprop(double[] preActivations, double[] gradients, int from, int length) {
      double[] softmax = Arrays.copyOfRange(preActivations, from, from + length);
      apply(softmax, 0, length);
      double weighted = 0;
      for (int i = 0; i < length; i++) {
        weighted += gradients[from + i] * softmax[i];
      }
      for (int i = 0; i < length; i++) {
        gradients[from + i] = softmax[i] * (gradients[from + i] - weighted);
      }
    }
  }
}
