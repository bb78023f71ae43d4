package io.streamlearn.operators;

import io.streamlearn.operators.state.KeyModelState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * The one DL4J network a subtask keeps for a model configuration. Keys do not get networks of their
 * own: each key's parameters and updater state live in keyed state as bytes and are swapped into
 * this network for the duration of one batch, so memory per key is the size of its state.
 *
 * <p>Not thread-safe, like ND4J itself: use it only from the task thread.
 */
final class SharedNetwork {

  private static final byte[] NO_UPDATER_STATE = new byte[0];

  private final MultiLayerNetwork network;
  private final String configDigest;
  private final byte[] initialParameters;
  private final byte[] initialUpdaterState;
  private long lastStepNanos;

  /**
   * Per layer, the weight and bias updaters as configured (null where a layer has none): {@link
   * #setLearningRateFactor} replaces them for a while, and these copies bring them back, learning
   * rate schedules included.
   */
  private final IUpdater[] configuredUpdaters;

  private final IUpdater[] configuredBiasUpdaters;
  private double learningRateFactor = 1.0;

  SharedNetwork(String configurationJson) {
    MultiLayerConfiguration configuration = MultiLayerConfiguration.fromJson(configurationJson);
    this.network = new MultiLayerNetwork(configuration);
    this.network.init();
    this.configDigest = sha256(configurationJson);
    // The seed in the configuration makes every key start from the same, reproducible weights.
    this.initialParameters = toBytes(network.params());
    this.initialUpdaterState = toBytes(network.getUpdater(true).getStateViewArray());
    this.configuredUpdaters = new IUpdater[network.getnLayers()];
    this.configuredBiasUpdaters = new IUpdater[network.getnLayers()];
    for (int layer = 0; layer < network.getnLayers(); layer++) {
      if (layerConfiguration(layer) instanceof BaseLayer base) {
        configuredUpdaters[layer] = copyOf(base.getIUpdater());
        configuredBiasUpdaters[layer] = copyOf(base.getBiasUpdater());
      }
    }
  }

  /** State of a key that has not been trained yet. */
  KeyModelState newKeyState(long nowMillis) {
    return KeyModelState.newBuilder()
        .setVersion(0)
        .setSteps(0)
        .setSamplesSeen(0)
        .setParameters(ByteBuffer.wrap(initialParameters))
        .setUpdaterState(ByteBuffer.wrap(initialUpdaterState))
        .setPublishedVersion(-1)
        .setPublishedAtMillis(nowMillis)
        .setMetrics(PrequentialMetrics.empty())
        .build();
  }

  /** Makes the network the key's model: its parameters, optimizer state and step count. */
  void load(KeyModelState state) {
    network.setParams(fromBytes(state.getParameters()));
    if (state.getUpdaterState().hasRemaining()) {
      network
          .getUpdater(true)
          .setStateViewArray(network, fromBytes(state.getUpdaterState()), false);
    }
    // Adam and friends correct their moments by the iteration count: it is part of the key's model.
    network.setIterationCount(Math.toIntExact(state.getSteps()));
  }

  /**
   * Trains the loaded model with {@code factor} times its configured learning rate from now on; 1
   * restores the configuration. The network is shared by all keys of the subtask, so a caller that
   * boosts one key's steps must set 1 again before another key's. A boosted layer trains with a
   * fixed rate: {@code factor} times its rate at the current step, which replaces a schedule until
   * the factor is 1 again. The loaded optimizer state is kept.
   */
  void setLearningRateFactor(double factor) {
    if (factor == learningRateFactor && factor == 1.0) {
      return;
    }
    int step = network.getIterationCount();
    int epoch = network.getEpochCount();
    for (int layer = 0; layer < configuredUpdaters.length; layer++) {
      if (layerConfiguration(layer) instanceof BaseLayer base) {
        base.setIUpdater(scaled(configuredUpdaters[layer], factor, step, epoch));
        base.setBiasUpdater(scaled(configuredBiasUpdaters[layer], factor, step, epoch));
      }
    }
    // DL4J builds its updater from the layers' configurations once: rebuild it, keeping the state.
    INDArray updaterState = network.getUpdater(true).getStateViewArray();
    INDArray kept = updaterState == null ? null : updaterState.dup();
    network.setUpdater(null);
    if (kept != null) {
      network.getUpdater(true).setStateViewArray(network, kept, false);
    }
    learningRateFactor = factor;
  }

  /** Learning rate a layer trains with at the loaded model's current step; null without one. */
  Double learningRate(int layer) {
    return network.getLearningRate(layer);
  }

  /** Writes the network's current parameters and optimizer state back into the key's state. */
  void store(KeyModelState state) {
    state.setParameters(ByteBuffer.wrap(toBytes(network.params())));
    state.setUpdaterState(ByteBuffer.wrap(toBytes(network.getUpdater(true).getStateViewArray())));
  }

  /** Network outputs for each row of {@code features}, without training: one array per row. */
  float[][] predict(INDArray features) {
    INDArray output = network.output(features, false);
    // One copy of the whole matrix, split here: INDArray.toFloatMatrix() copies row by row, each
    // row through several native calls, which cost as much as the training step of a small net.
    float[] flat = output.ravel().toFloatVector();
    int columns = (int) output.columns();
    float[][] rows = new float[(int) output.rows()][];
    for (int row = 0; row < rows.length; row++) {
      rows[row] = Arrays.copyOfRange(flat, row * columns, (row + 1) * columns);
    }
    return rows;
  }

  /**
   * One gradient step on the batch. Returns false when the step diverged: its loss or a parameter
   * is NaN or infinite. The network then holds the diverged model until the next {@link #load}, so
   * a caller that does not {@link #store} it has rolled the step back.
   */
  boolean fit(DataSet batch) {
    long started = System.nanoTime();
    network.fit(batch);
    // A sum is finite only if every term is (or the parameters are so large they overflow it,
    // which is divergence too), and it is one native call.
    boolean finite =
        Double.isFinite(network.score())
            && Double.isFinite(network.params().sumNumber().doubleValue());
    lastStepNanos = System.nanoTime() - started;
    return finite;
  }

  /** How long the last {@link #fit} took, its divergence check included. */
  long lastStepNanos() {
    return lastStepNanos;
  }

  /** DL4J's score of the last {@link #fit}: the batch's mean loss plus the regularization terms. */
  double lastLoss() {
    return network.score();
  }

  /** The loaded model in DL4J's ModelSerializer zip format, updater state included. */
  byte[] serializedModel() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      ModelSerializer.writeModel(network, bytes, true);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot serialize the model", e);
    }
    return bytes.toByteArray();
  }

  String configDigest() {
    return configDigest;
  }

  private org.deeplearning4j.nn.conf.layers.Layer layerConfiguration(int layer) {
    return network.getLayer(layer).conf().getLayer();
  }

  private static IUpdater copyOf(IUpdater updater) {
    return updater == null ? null : updater.clone();
  }

  /** A fresh copy of the configured updater, at {@code factor} times its current rate unless 1. */
  private static IUpdater scaled(IUpdater configured, double factor, int step, int epoch) {
    IUpdater updater = copyOf(configured);
    if (updater != null && factor != 1.0 && updater.hasLearningRate()) {
      updater.setLrAndSchedule(factor * configured.getLearningRate(step, epoch), null);
    }
    return updater;
  }

  private static byte[] toBytes(INDArray array) {
    return array == null ? NO_UPDATER_STATE : ArrayBytes.encode(array);
  }

  private static INDArray fromBytes(ByteBuffer buffer) {
    return ArrayBytes.decode(buffer);
  }

  private static String sha256(String text) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JRE", e);
    }
  }
}
