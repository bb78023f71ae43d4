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

  PlainForward(List<DenseStage> stages, long parameterCount) {
    this.stages = stages;
    this.activations = stages.stream().map(stage -> RowActivation.of(stage.activation())).toList();
    this.parameterCount = parameterCount;
  }

  /**
   * @param parameters the keys' flat parameter vectors, one after another: [K, P] in c order
   * @param features the keys' rows, [K, rows, inputs] in c order
   * @return the outputs of every key's rows, [K * rows][outputs]
   */
  float[][] predict(double[] parameters, float[] features, int rows) {
    int inputs = stages.get(0).inputs();
    int keys = Math.toIntExact(parameters.length / parameterCount);
    if (parameters.length != keys * parameterCount || features.length != keys * rows * inputs) {
      throw new IllegalArgumentException(
          parameters.length
              + " parameters and "
              + features.length
              + " features are not "
              + rows
              + " rows of whole keys");
    }
    double[] values = new double[features.length];
    for (int i = 0; i < features.length; i++) {
      values[i] = features[i];
    }
    for (int index = 0; index < stages.size(); index++) {
      DenseStage stage = stages.get(index);
      values = preActivations(stage, parameters, values, keys * rows, rows);
      activate(index, values, keys * rows, stage.outputs());
    }
    int outputs = stages.get(stages.size() - 1).outputs();
    float[][] scores = new float[keys * rows][outputs];
    for (int row = 0; row < scores.length; row++) {
      for (int output = 0; output < outputs; output++) {
        scores[row][output] = (float) values[row * outputs + output];
      }
    }
    return scores;
  }

  /** x W + b of every row, with its key's weights: [K * rows, nIn] to [K * rows, nOut]. */
  private double[] preActivations(
      DenseStage stage, double[] parameters, double[] in, int totalRows, int rowsPerKey) {
    int nIn = stage.inputs();
    int nOut = stage.outputs();
    double[] out = new double[totalRows * nOut];
    for (int row = 0; row < totalRows; row++) {
      long key = row / rowsPerKey;
      int weights = Math.toIntExact(key * parameterCount + stage.weightOffset());
      int biases = Math.toIntExact(key * parameterCount + stage.biasOffset());
      for (int output = 0; output < nOut; output++) {
        // DL4J keeps a layer's weights as an 'f'-order [nIn, nOut] matrix: a column per output.
        int column = weights + output * nIn;
        double sum = parameters[biases + output];
        for (int input = 0; input < nIn; input++) {
          sum += in[row * nIn + input] * parameters[column + input];
        }
        out[row * nOut + output] = sum;
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
