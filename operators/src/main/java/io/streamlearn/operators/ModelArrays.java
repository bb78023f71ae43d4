package io.streamlearn.operators;

import io.streamlearn.schemas.LabeledSample;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Samples as the ND4J arrays DL4J networks take, in the rank the model's input needs. */
final class ModelArrays {

  private ModelArrays() {}

  /**
   * The samples' features as the model sees them, one sample per index of the first dimension
   * ({@link InputShape}).
   */
  static INDArray features(ModelInput samples, InputShape input) {
    int width = input.features();
    float[] values = new float[samples.size() * width];
    for (int row = 0; row < samples.size(); row++) {
      samples.writeFeatures(row, width, values, row * width);
    }
    INDArray samplesMajor =
        Nd4j.createFromArray(values).reshape(input.samplesMajorShape(samples.size()));
    if (input.kind() == InputShape.Kind.VECTOR) {
      return samplesMajor;
    }
    // A permuted view strides through memory; DL4J's layers copy such input anyway, once, here.
    return samplesMajor.permute(input.channelsFirst()).dup('c');
  }

  /**
   * One-hot classes, the class itself (0 or 1) for one output probability, one 0/1 per class for
   * multi-label, or the regression targets, of labeled samples: {@code [samples, outputs]}.
   */
  static INDArray labels(List<LabeledSample> samples, ModelShape shape) {
    int outputs = shape.outputs();
    float[] values = new float[samples.size() * outputs];
    for (int i = 0; i < samples.size(); i++) {
      putLabels(values, i * outputs, samples.get(i), shape);
    }
    return Nd4j.createFromArray(values).reshape(samples.size(), outputs);
  }

  /** Writes one sample's {@link #labels} row at {@code at}; the row must hold zeros. */
  private static void putLabels(float[] values, int at, LabeledSample sample, ModelShape shape) {
    if (shape.multiLabel()) {
      for (int label : sample.getLabels()) {
        values[at + label] = 1;
      }
    } else if (shape.oneProbability()) {
      values[at] = sample.getLabel();
    } else if (shape.isClassification()) {
      values[at + sample.getLabel()] = 1;
    } else {
      List<Double> targets = ModelShape.targetsOf(sample.getTarget(), sample.getTargets());
      for (int output = 0; output < targets.size(); output++) {
        values[at + output] = targets.get(output).floatValue();
      }
    }
  }

  /**
   * Several keys' batches of vector samples, each of {@code rows} samples, as the values of one
   * {@code [keys, rows, features]} array in c order: what a fused step of many keys takes.
   */
  static float[] stackedFeatureValues(List<ModelInput> batches, int rows, int width) {
    float[] values = new float[batches.size() * rows * width];
    int at = 0;
    for (ModelInput batch : batches) {
      for (int row = 0; row < batch.size(); row++) {
        batch.writeFeatures(row, width, values, at);
        at += width;
      }
    }
    return values;
  }

  /**
   * The {@link #labels} of several keys' batches of {@code rows} samples, as the values of one
   * {@code [keys, rows, outputs]} array in c order.
   */
  static float[] stackedLabelValues(List<List<LabeledSample>> batches, int rows, ModelShape shape) {
    int outputs = shape.outputs();
    float[] values = new float[batches.size() * rows * outputs];
    int at = 0;
    for (List<LabeledSample> batch : batches) {
      for (LabeledSample sample : batch) {
        putLabels(values, at, sample, shape);
        at += outputs;
      }
    }
    return values;
  }

  /**
   * Rows of a {@code [samples, outputs]} array. One copy of the whole matrix, split here:
   * INDArray.toFloatMatrix() copies row by row, each row through several native calls, which cost
   * as much as the training step of a small net.
   */
  static float[][] rows(INDArray output, ModelShape shape) {
    return scores(rows(output), shape);
  }

  /** A network's output rows as the scores of predictions (in place, when they are already). */
  static float[][] scores(float[][] rows, ModelShape shape) {
    if (!shape.oneProbability()) {
      return rows;
    }
    // Scored like any two-class model: the probabilities of class 0 and class 1.
    for (int row = 0; row < rows.length; row++) {
      float p = rows[row][0];
      rows[row] = new float[] {1 - p, p};
    }
    return rows;
  }

  private static float[][] rows(INDArray output) {
    float[] flat = output.ravel().toFloatVector();
    int columns = (int) output.columns();
    float[][] rows = new float[(int) output.rows()][];
    for (int row = 0; row < rows.length; row++) {
      rows[row] = Arrays.copyOfRange(flat, row * columns, (row + 1) * columns);
    }
    return rows;
  }
}
