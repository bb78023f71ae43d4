package io.streamlearn.operators.fused;

import java.util.List;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The fused network's forward pass in plain Java, to score the few rows per key a stream brings
 * between two steps. Through ND4J, every pass pays for a few dozen native arrays (each one's shape
 * information, buffer and deallocation reference) whatever its size: about half a millisecond on a
 * small network, while a key's row of a 10-32-2 network is under a thousand multiply-adds. Here a
 * pass is loops over the keys' own parameter vectors, laid out as DL4J lays them out ({@link
 * DenseStage}), with the activations of {@link RowActivation}; an activation that has no plain form
 * runs as DL4J's object on all the pass's rows of its layer at once. Sums are in double precision:
 * the scores agree with DL4J's float ones to float rounding.
 */
final class PlainForward {

  private final List<DenseStage> stages;
  private final List<RowActivation> activations;
  private final long parameterCount;

  /**
   * Whether each layer's values are rounded to float, as a float network's arrays hold them: a
   * value beyond float's range is then infinite here as in DL4J, so a step that overflows shows as
   * diverged instead of going on in double precision to parameters DL4J cannot use.
   */
  private final boolean floatValues;

  PlainForward(List<DenseStage> stages, long parameterCount, boolean floatValues) {
    this.stages = stages;
    this.activations = stages.stream().map(stage -> RowActivation.of(stage.activation())).toList();
    this.parameterCount = parameterCount;
    this.floatValues = floatValues;
  }

  /**
   * @param parameters the keys' flat parameter vectors, one after another: [K, P] in c order
   * @param features the keys' rows, [K, rows, inputs] in c order
   * @return the outputs of every key's rows, [K * rows][outputs]
   */
  float[][] predict(double[] parameters, float[] features, int rows) {
    double[] values = new double[features.length];
    for (int i = 0; i < features.length; i++) {
      values[i] = features[i];
    }
    double[] outputs = pass(parameters, values, rows).outputs();
    int width = stages.get(stages.size() - 1).outputs();
    float[][] scores = new float[outputs.length / width][width];
    for (int row = 0; row < scores.length; row++) {
      for (int output = 0; output < width; output++) {
        scores[row][output] = (float) outputs[row * width + output];
      }
    }
    return scores;
  }

  /**
   * A forward pass that keeps every layer's values, which a backward pass needs ({@link
   * PlainBackward}).
   *
   * @param parameters the keys' flat parameter vectors, one after another: [K, P] in c order
   * @param inputs the keys' rows, [K, rows, inputs] in c order
   */
  Pass pass(double[] parameters, double[] inputs, int rows) {
    int keys = Math.toIntExact(parameters.length / parameterCount);
    if (parameters.length != keys * parameterCount
        || inputs.length != keys * rows * stages.get(0).inputs()) {
      throw new IllegalArgumentException(
          parameters.length
              + " parameters and "
              + inputs.length
              + " features are not "
              + rows
              + " rows of whole keys");
    }
    double[][] preActivations = new double[stages.size()][];
    double[][] activations = new double[stages.size()][];
    double[] values = inputs;
    for (int index = 0; index < stages.size(); index++) {
      DenseStage stage = stages.get(index);
      preActivations[index] = preActivations(stage, parameters, values, keys * rows, rows);
      asStored(preActivations[index]);
      values = preActivations[index].clone();
      activate(index, values, keys * rows, stage.outputs());
      asStored(values);
      activations[index] = values;
    }
    return new Pass(inputs, preActivations, activations);
  }

  /**
   * The values of a pass: its inputs, and each layer's pre-activations (x W + b) and activations,
   * [K * rows, width] in c order, keys one after another.
   */
  record Pass(double[] inputs, double[][] preActivations, double[][] activations) {

    /** The inputs of layer {@code index}: the pass's inputs or the previous layer's activations. */
    double[] inputsOf(int index) {
      return index == 0 ? inputs : activations[index - 1];
    }

    double[] outputs() {
      return activations[activations.length - 1];
    }
  }

  /** A value rounded to float when the network's arrays hold floats. */
  double asStored(double value) {
    return floatValues ? (float) value : value;
  }

  /** Rounds the values to float, in place, when the network's arrays hold floats. */
  void asStored(double[] values) {
    if (floatValues) {
      for (int i = 0; i < values.length; i++) {
        values[i] = (float) values[i];
      }
    }
  }

  /** The plain form of layer {@code index}'s activation; null when DL4J's object runs it. */
  RowActivation activation(int index) {
    return activations.get(index);
  }

  /** x W + b of every row, with its key's weights: [K * rows, nIn] to [K * rows, nOut]. */
  private double[] preActivations(
      DenseStage stage, double[] parameters, double[] in, int totalRows, int rowsPerKey) {
    int nIn = stage.inputs();
    int nOut = stage.outputs();
    double[] out = new double[totalRows * nOut];
    // A key's weights turned from DL4J's 'f'-order [nIn, nOut] (a column per output) into rows per
    // input, so that the innermost loop runs along the outputs of one row: a loop the JIT compiles
    // to vector instructions, where a sum along the inputs is not. Each output still adds its
    // terms in the order of the inputs, as a sum along them would.
    double[] rowsPerInput = new double[nIn * nOut];
    for (int key = 0; key < totalRows / rowsPerKey; key++) {
      int weights = Math.toIntExact(key * parameterCount + stage.weightOffset());
      int biases = Math.toIntExact(key * parameterCount + stage.biasOffset());
      for (int output = 0; output < nOut; output++) {
        for (int input = 0; input < nIn; input++) {
          rowsPerInput[input * nOut + output] = parameters[weights + output * nIn + input];
        }
      }
      for (int row = key * rowsPerKey; row < (key + 1) * rowsPerKey; row++) {
        int to = row * nOut;
        System.arraycopy(parameters, biases, out, to, nOut);
        for (int input = 0; input < nIn; input++) {
          double x = in[row * nIn + input];
          int from = input * nOut;
          for (int output = 0; output < nOut; output++) {
            out[to + output] += x * rowsPerInput[from + output];
          }
        }
      }
    }
    return out;
  }

  private void activate(int index, double[] values, int totalRows, int width) {
    RowActivation plain = activations.get(index);
    if (plain != null) {
      for (int row = 0; row < totalRows; row++) {
        plain.apply(values, row * width, width);
      }
      return;
    }
    double[] activated =
        stages
            .get(index)
            .activation()
            .getActivation(Nd4j.createFromArray(values).reshape(totalRows, width), false)
            .ravel()
            .toDoubleVector();
    System.arraycopy(activated, 0, values, 0, values.length);
  }
}
