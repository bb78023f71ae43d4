package io.streamlearn.operators.fused;

import java.util.List;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * One of DL4J's updater blocks: consecutive parameters that share an updater configuration, the
 * span of the flat parameter vector they cover, and the span of the flat updater state that holds
 * their state. DL4J steps each block as one array; so does the fused core, key by key.
 */
record UpdaterSpan(
    int parameterStart,
    int parameterEnd,
    int stateStart,
    int stateEnd,
    IUpdater configuration,
    BlockUpdater updater,
    List<RegularizedRange> parameters) {

  /**
   * Turns the block's part of one key's gradient into the update to subtract, advancing the block's
   * updater state: L2, then the updater, then weight decay, as DL4J's UpdaterBlock does.
   *
   * @param keyStart where the key's vector starts in {@code parameterValues} and {@code gradient}
   * @param keyStateStart where the key's updater state starts in {@code updaterState}
   */
  void apply(
      double[] parameterValues,
      double[] gradient,
      int keyStart,
      double[] updaterState,
      int keyStateStart,
      KeyRates keys,
      int key,
      int epoch) {
    int iteration = keys.iteration(key);
    double learningRate = keys.learningRate(key, configuration, epoch);
    for (RegularizedRange range : parameters) {
      range.beforeUpdater(parameterValues, gradient, keyStart, iteration, epoch);
    }
    BlockUpdater.KeyBlock block =
        new BlockUpdater.KeyBlock(
            gradient,
            keyStart + parameterStart,
            parameterEnd - parameterStart,
            updaterState,
            keyStateStart + stateStart);
    updater.apply(block, learningRate, iteration, epoch);
    for (RegularizedRange range : parameters) {
      range.afterUpdater(parameterValues, gradient, keyStart, learningRate, iteration, epoch);
    }
  }
}
