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
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

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

  SharedNetwork(String configurationJson) {
    MultiLayerConfiguration configuration = MultiLayerConfiguration.fromJson(configurationJson);
    this.network = new MultiLayerNetwork(configuration);
    this.network.init();
    this.configDigest = sha256(configurationJson);
    // The seed in the configuration makes every key start from the same, reproducible weights.
    this.initialParameters = toBytes(network.params());
    this.initialUpdaterState = toBytes(network.getUpdater(true).getStateViewArray());
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
