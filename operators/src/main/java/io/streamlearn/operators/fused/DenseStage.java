package io.streamlearn.operators.fused;

import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * One dense (or output) layer of the fused network: where its weights and bias sit in a key's flat
 * DL4J parameter vector, and its activation (and, for the output layer, its loss). DL4J stores a
 * layer's weights first, as an 'f'-order [nIn, nOut] matrix, then its bias: read row by row, the
 * weights are a c-order [nOut, nIn] matrix, the transpose, which is the form kept here.
 */
record DenseStage(
    long weightOffset, int inputs, int outputs, IActivation activation, ILossFunction loss) {

  long biasOffset() {
    return weightOffset + (long) inputs * outputs;
  }

  long end() {
    return biasOffset() + outputs;
  }

  boolean isOutput() {
    return loss != null;
  }

  /** The transposed weights of every key, [K, nOut, nIn], copied out of the stacked parameters. */
  INDArray transposedWeights(INDArray parameters) {
    long keys = parameters.rows();
    return parameters
        .get(NDArrayIndex.all(), NDArrayIndex.interval(weightOffset, biasOffset()))
        .dup('c')
        .reshape('c', keys, outputs, inputs);
  }

  /** The biases of every key, [K, 1, nOut], copied out of the stacked parameters. */
  INDArray biases(INDArray parameters) {
    long keys = parameters.rows();
    return parameters
        .get(NDArrayIndex.all(), NDArrayIndex.interval(biasOffset(), end()))
        .dup('c')
        .reshape('c', keys, 1, outputs);
  }
}
