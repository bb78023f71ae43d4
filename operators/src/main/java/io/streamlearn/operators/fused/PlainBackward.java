package io.streamlearn.operators.fused;

import java.util.List;

/**
 * The fused network's loss and gradient in plain Java: a forward pass that keeps each layer's
 * values ({@link PlainForward#pass}), the loss of each output row ({@link RowLoss}), and the
 * backward pass through the keys' own parameter vectors, laid out as DL4J lays them out ({@link
 * DenseStage}). The gradient of a weight is summed over the key's rows, as DL4J sums it before the
 * updater divides by the batch size. A batched step through ND4J pays for a few dozen native arrays
 * whatever its size, which is most of a step of a few keys' small networks; here the cost is the
 * multiply-adds. Sums are in double precision.
 */
final class PlainBackward {

  private final List<DenseStage> stages;
  private final PlainForward forward;
  private final RowLoss loss;
  private final long parameterCount;

  private PlainBackward(
      List<DenseStage> stages, PlainForward forward, RowLoss loss, long parameterCount) {
    this.stages = stages;
    this.forward = forward;
    this.loss = loss;
    this.parameterCount = parameterCount;
  }

  /**
   * The plain backward pass of a fused network, or null when one of its activations or its loss has
   * no plain form.
   */
  static PlainBackward of(List<DenseStage> stages, PlainForward forward, long parameterCount) {
    for (int index = 0; index < stages.size(); index++) {
      if (forward.activation(index) == null) {
        return null;
      }
    }
    int last = stages.size() - 1;
    RowLoss loss = RowLoss.of(stages.get(last).loss(), forward.activation(last));
    return loss == null ? null : new PlainBackward(stages, forward, loss, parameterCount);
  }

  /**
   * Each key's gradient, summed over its rows, into {@code gradient} ([K, P] in c order, zeros on
   * entry), and each key's loss, the mean over its rows.
   *
   * @param parameters the keys' flat parameter vectors, [K, P] in c order
   * @param features the keys' rows, [K, rows, inputs] in c order
   * @param labels the keys' labels, [K, rows, outputs] in c order
   */
  double[] lossAndGradient(
      double[] parameters, double[] features, double[] labels, int rows, double[] gradient) {
    PlainForward.Pass pass = forward.pass(parameters, features, rows);
    int keys = Math.toIntExact(parameters.length / parameterCount);
    int totalRows = keys * rows;
    int last = stages.size() - 1;
    int outputs = stages.get(last).outputs();
    double[] delta = new double[totalRows * outputs];
    double[] scores = new double[keys];
    for (int row = 0; row < totalRows; row++) {
      // A float network's loss of a row is a float: beyond its range, the step diverged.
      scores[row / rows] +=
          forward.asStored(
              loss.apply(
                  pass.preActivations()[last],
                  pass.outputs(),
                  labels,
                  delta,
                  row * outputs,
                  outputs));
    }
    for (int key = 0; key < keys; key++) {
      scores[key] /= rows;
    }
    for (int index = last; index >= 0; index--) {
      DenseStage stage = stages.get(index);
      double[] inputs = pass.inputsOf(index);
      accumulate(stage, inputs, delta, totalRows, rows, gradient);
      if (index > 0) {
        delta = backThroughWeights(stage, parameters, delta, totalRows, rows);
        int width = stages.get(index - 1).outputs();
        RowActivation activation = forward.activation(index - 1);
        for (int row = 0; row < totalRows; row++) {
          activation.backprop(pass.preActivations()[index - 1], delta, row * width, width);
        }
      }
    }
    return scores;
  }

  /** dW += x^T delta and db += delta, per key, summed over its rows. */
  private void accumulate(
      DenseStage stage,
      double[] inputs,
      double[] delta,
      int totalRows,
      int rows,
      double[] gradient) {
    int nIn = stage.inputs();
    int nOut = stage.outputs();
    for (int row = 0; row < totalRows; row++) {
      long key = row / rows;
      int weights = Math.toIntExact(key * parameterCount + stage.weightOffset());
      int biases = Math.toIntExact(key * parameterCount + stage.biasOffset());
      for (int output = 0; output < nOut; output++) {
        double d = delta[row * nOut + output];
        // DL4J's 'f'-order [nIn, nOut] weights: the column of one output is contiguous.
        int column = weights + output * nIn;
        for (int input = 0; input < nIn; input++) {
          gradient[column + input] += inputs[row * nIn + input] * d;
        }
        gradient[biases + output] += d;
      }
    }
  }

  /** dL/dx = delta W^T, per key: the gradient with respect to the layer's inputs. */
  private double[] backThroughWeights(
      DenseStage stage, double[] parameters, double[] delta, int totalRows, int rows) {
    int nIn = stage.inputs();
    int nOut = stage.outputs();
    double[] epsilon = new double[totalRows * nIn];
    for (int row = 0; row < totalRows; row++) {
      long key = row / rows;
      int weights = Math.toIntExact(key * parameterCount + stage.weightOffset());
      for (int output = 0; output < nOut; output++) {
        double d = delta[row * nOut + output];
        int column = weights + output * nIn;
        for (int input = 0; input < nIn; input++) {
          epsilon[row * nIn + input] += d * parameters[column + input];
        }
      }
    }
    return epsilon;
  }
}
