package io.streamlearn.operators.fused;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * One of DL4J's updater blocks: consecutive parameters that share an updater configuration, the
 * span of the flat parameter vector they cover, and the span of the flat updater state that holds
 * their state. DL4J steps each block as one array; so does the fused core, for all keys at once.
 */
record UpdaterSpan(
    long parameterStart,
    long parameterEnd,
    long stateStart,
    long stateEnd,
    IUpdater configuration,
    BlockUpdater updater,
    List<RegularizedRange> parameters) {

  /**
   * Turns the block's part of {@code gradient} into the update to subtract, advancing the block's
   * updater state: L2, then the updater, then weight decay, as DL4J's UpdaterBlock does.
   */
  void apply(
      INDArray parameterValues,
      INDArray gradient,
      INDArray updaterState,
      KeyColumns keys,
      int epoch) {
    INDArray blockGradient =
        gradient.get(NDArrayIndex.all(), NDArrayIndex.interval(parameterStart, parameterEnd));
    for (RegularizedRange range : parameters) {
      range.beforeUpdater(parameterValues, blockGradient, parameterStart, keys, epoch);
    }
    // Plain SGD keeps no state: DL4J then has no updater state array at all.
    INDArray blockState =
        stateEnd > stateStart
            ? updaterState.get(NDArrayIndex.all(), NDArrayIndex.interval(stateStart, stateEnd))
            : null;
    updater.apply(blockGradient, blockState, keys, epoch);
    for (RegularizedRange range : parameters) {
      range.afterUpdater(
          parameterValues, blockGradient, parameterStart, configuration, keys, epoch);
    }
  }
}
