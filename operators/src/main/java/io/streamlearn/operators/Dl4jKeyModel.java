package io.streamlearn.operators;

import io.streamlearn.operators.state.KeyModelState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * A {@link KeyModel} that is one DL4J network per subtask and configuration. Keys do not get
 * networks of their own: each key's parameters and updater state live in keyed state as bytes and
 * are swapped into this network for the duration of one batch, so memory per key is the size of its
 * state. Subclasses adapt the network type; everything else is the same for all of them.
 */
abstract class Dl4jKeyModel implements KeyModel {

  private static final byte[] NO_UPDATER_STATE = new byte[0];

  private final ModelShape shape;
  private final int stepsPerBatch;
  private final String configDigest;
  private byte[] initialParameters;
  private byte[] initialUpdaterState;
  private long lastStepNanos;

  /**
   * Per layer, the weight and bias updaters as configured (null where a layer has none): {@link
   * #setLearningRateFactor} replaces them for a while, and these copies bring them back, learning
   * rate schedules included.
   */
  private IUpdater[] configuredUpdaters;

  private IUpdater[] configuredBiasUpdaters;
  private double learningRateFactor = 1.0;

  /**
   * The samples last predicted: a batch whose samples all train, scaled alike, fits on the same
   * array rather than building it again.
   */
  private ModelInput lastPredicted = ModelInput.asIs(List.of());

  private INDArray lastPredictedFeatures;

  Dl4jKeyModel(String configurationJson, ModelShape shape, int stepsPerBatch) {
    this.shape = shape;
    this.stepsPerBatch = stepsPerBatch;
    this.configDigest = sha256(configurationJson);
  }

  /** Records the initialized network's state; subclass constructors call it once they have one. */
  final void initialized() {
    // The seed in the configuration makes every key start from the same, reproducible weights.
    this.initialParameters = toBytes(model().params());
    this.initialUpdaterState = toBytes(updaterState());
    Layer[] layers = layers();
    this.configuredUpdaters = new IUpdater[layers.length];
    this.configuredBiasUpdaters = new IUpdater[layers.length];
    for (int layer = 0; layer < layers.length; layer++) {
      if (layerConfiguration(layer) instanceof BaseLayer base) {
        configuredUpdaters[layer] = copyOf(base.getIUpdater());
        configuredBiasUpdaters[layer] = copyOf(base.getBiasUpdater());
      }
    }
  }

  /** The network, for what every DL4J model type shares. */
  abstract Model model();

  /** The network's layers in a fixed order. */
  abstract Layer[] layers();

  /** The flattened updater state; null for updaters without state. */
  abstract INDArray updaterState();

  /** Replaces the updater state's values, which must have its length. */
  abstract void setUpdaterState(INDArray state);

  /** Drops the updater, so that the next use builds it from the layers' configurations. */
  abstract void rebuildUpdater();

  abstract int iterationCount();

  abstract int epochCount();

  abstract void setIterationCount(int iterations);

  /** The network's only output for {@code features}, in inference mode. */
  abstract INDArray output(INDArray features);

  /** One gradient step. */
  abstract void fit(INDArray features, INDArray labels);

  @Override
  public KeyModelState newKeyState(long nowMillis) {
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

  @Override
  public void load(KeyModelState state) {
    INDArray parameters = ArrayBytes.decode(state.getParameters());
    if (parameters.length() != model().numParams()) {
      throw new KeyStateMismatchException(
          "the state holds "
              + parameters.length()
              + " parameters, the network of configuration "
              + configDigest
              + " has "
              + model().numParams());
    }
    model().setParams(parameters);
    if (state.getUpdaterState().hasRemaining()) {
      setUpdaterState(ArrayBytes.decode(state.getUpdaterState()));
    }
    // Adam and friends correct their moments by the iteration count: it is part of the key's model.
    setIterationCount(Math.toIntExact(state.getSteps()));
  }

  @Override
  public void store(KeyModelState state) {
    state.setParameters(ByteBuffer.wrap(toBytes(model().params())));
    state.setUpdaterState(ByteBuffer.wrap(toBytes(updaterState())));
  }

  @Override
  public float[][] predict(ModelInput samples) {
    INDArray features = ModelArrays.features(samples, shape.input());
    lastPredicted = samples;
    lastPredictedFeatures = features;
    return ModelArrays.rows(output(features), shape);
  }

  @Override
  public boolean fit(ModelInput samples) {
    INDArray features =
        samples.sameFeaturesAs(lastPredicted)
            ? lastPredictedFeatures
            : ModelArrays.features(samples, shape.input());
    INDArray labels = ModelArrays.labels(samples.samples(), shape);
    long started = System.nanoTime();
    for (int step = 0; step < stepsPerBatch; step++) {
      fit(features, labels);
    }
    // A sum is finite only if every term is (or the parameters are so large they overflow it,
    // which is divergence too), and it is one native call.
    boolean finite =
        Double.isFinite(model().score())
            && Double.isFinite(model().params().sumNumber().doubleValue());
    lastStepNanos = System.nanoTime() - started;
    return finite;
  }

  @Override
  public int stepsPerBatch() {
    return stepsPerBatch;
  }

  /**
   * A boosted layer trains with a fixed rate: {@code factor} times its rate at the current step,
   * which replaces a schedule until the factor is 1 again.
   */
  @Override
  public void setLearningRateFactor(double factor) {
    if (factor == learningRateFactor && factor == 1.0) {
      return;
    }
    int step = iterationCount();
    int epoch = epochCount();
    for (int layer = 0; layer < configuredUpdaters.length; layer++) {
      if (layerConfiguration(layer) instanceof BaseLayer base) {
        base.setIUpdater(scaled(configuredUpdaters[layer], factor, step, epoch));
        base.setBiasUpdater(scaled(configuredBiasUpdaters[layer], factor, step, epoch));
      }
    }
    // DL4J builds its updater from the layers' configurations once: rebuild it, keeping the state.
    INDArray state = updaterState();
    INDArray kept = state == null ? null : state.dup();
    rebuildUpdater();
    if (kept != null) {
      setUpdaterState(kept);
    }
    learningRateFactor = factor;
  }

  /** Learning rate a layer trains with at the loaded model's current step; null without one. */
  Double learningRate(int layer) {
    return layerConfiguration(layer) instanceof BaseLayer base
            && base.getIUpdater() != null
            && base.getIUpdater().hasLearningRate()
        ? base.getIUpdater().getLearningRate(iterationCount(), epochCount())
        : null;
  }

  @Override
  public long lastStepNanos() {
    return lastStepNanos;
  }

  /** DL4J's score of the last {@link #fit}: the batch's mean loss plus the regularization terms. */
  @Override
  public double lastLoss() {
    return model().score();
  }

  /** The loaded model in DL4J's ModelSerializer zip format, updater state included. */
  @Override
  public byte[] serializedModel() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      ModelSerializer.writeModel(model(), bytes, true);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot serialize the model", e);
    }
    return bytes.toByteArray();
  }

  @Override
  public String configDigest() {
    return configDigest;
  }

  private org.deeplearning4j.nn.conf.layers.Layer layerConfiguration(int layer) {
    return layers()[layer].conf().getLayer();
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

  static String sha256(String text) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JRE", e);
    }
  }
}
