package io.streamlearn.operators.fused;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.deeplearning4j.nn.api.Trainable;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.BaseMultiLayerUpdater;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationELU;
import org.nd4j.linalg.activations.impl.ActivationHardSigmoid;
import org.nd4j.linalg.activations.impl.ActivationHardTanH;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU6;
import org.nd4j.linalg.activations.impl.ActivationSELU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftPlus;
import org.nd4j.linalg.activations.impl.ActivationSoftSign;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationSwish;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;
import org.nd4j.linalg.lossfunctions.impl.LossNegativeLogLikelihood;

/**
 * Trains K keys' models of one dense architecture in one step: their flat DL4J parameter and
 * updater state vectors, one after another as the rows of a [K, P] and a [K, S] array, go through
 * one forward pass, one backward pass and one updater step for all of them.
 *
 * <p>Each key's row is its model exactly as DL4J lays it out (see {@link DenseStage} and {@link
 * UpdaterSpan}), so a key can move between this and a plain {@code MultiLayerNetwork} at any step.
 * The loss and gradient come from one of two passes, chosen by the size of a key's batch ({@link
 * #PLAIN_WORK_LIMIT}): loops in plain Java over each key's own parameters ({@link PlainBackward}),
 * for small batches of small networks, where ND4J's cost per array would dominate; or batched ND4J
 * operations, a batched matrix product per layer ({@code Nd4j.matmul} on [K, rows, columns] arrays)
 * instead of K small ones, where activations and losses are DL4J's own objects applied to the [K *
 * B, n] stack of all keys' rows, which they treat row by row. Regularization and the updater run in
 * plain Java either way ({@link UpdaterSpan}), key by key. The arithmetic is DL4J's: the gradient
 * is divided by the batch size before L2, the updater and weight decay run in DL4J's order; the
 * updater formulas are libnd4j's. Results differ from DL4J's only by float rounding (other
 * summation orders, double precision in plain Java).
 *
 * <p>Not thread-safe: use from the task thread, like ND4J itself.
 */
public final class FusedNetwork {

  /** Activations that act element by element, or row by row (softmax), in training as in use. */
  private static final Set<Class<? extends IActivation>> ACTIVATIONS =
      Set.of(
          ActivationIdentity.class,
          ActivationReLU.class,
          ActivationReLU6.class,
          ActivationLReLU.class,
          ActivationELU.class,
          ActivationSELU.class,
          ActivationTanH.class,
          ActivationSigmoid.class,
          ActivationHardSigmoid.class,
          ActivationHardTanH.class,
          ActivationSoftPlus.class,
          ActivationSoftSign.class,
          ActivationSwish.class,
          ActivationSoftmax.class);

  private static final Set<Class<? extends ILossFunction>> LOSSES =
      Set.of(
          LossMCXENT.class, LossNegativeLogLikelihood.class, LossBinaryXENT.class, LossMSE.class);

  /**
   * A key's batch whose forward pass takes at most this many multiply-adds (rows times parameters)
   * is stepped in plain Java, a larger one with batched ND4J operations. Measured on 2 cores, one
   * thread: a 21-32-16-3 network's step of 64 rows took 0.6–0.8 ms in plain Java and 1.4–2.2 ms
   * through ND4J for one key (82,000 multiply-adds per key); with the updater in plain Java on both
   * paths, groups of 256 to 1,000 keys of a 10-32-2 network at 16 rows stepped at 901,000–949,000
   * samples/s in plain Java and 784,000–855,000 with batched ND4J operations. Above the limit, a
   * 21-64-64-3 network at 64 rows (369,000 multiply-adds per key) stepped at 106,000–111,000
   * samples/s in plain Java and 42,000–54,000 batched for one key, but 95,000–107,000 against
   * 161,000–262,000 for 32 keys; a 100-256-256-3 network at 64 rows (5.9 million) at 7,200–7,800
   * against 13,000–19,000 for 1 and 8 keys. The choice depends on the batch alone, not on how many
   * keys step with it, so that a replay that groups keys differently computes each key's step the
   * same way; the limit sits where one key's step and many keys' steps pull opposite ways.
   */
  static final long PLAIN_WORK_LIMIT = 1L << 18;

  /** Keys' iteration counts are their step counts; their epoch count stays 0 in streaming. */
  private static final int EPOCH = 0;

  private final List<DenseStage> stages;
  private final List<UpdaterSpan> spans;
  private final long parameterCount;
  private final long updaterStateSize;
  private final boolean divideByBatchSize;
  private final DataType dataType;
  private final PlainForward forward;

  /** The loss and gradient in plain Java; null when the network has no plain form of them. */
  private final PlainBackward backward;

  /** The most multiply-adds per key and step ({@link #PLAIN_WORK_LIMIT}) done in plain Java. */
  private final long plainWorkLimit;

  private FusedNetwork(
      List<DenseStage> stages,
      List<UpdaterSpan> spans,
      long parameterCount,
      long updaterStateSize,
      boolean divideByBatchSize,
      DataType dataType,
      long plainWorkLimit) {
    this.stages = List.copyOf(stages);
    this.spans = List.copyOf(spans);
    this.parameterCount = parameterCount;
    this.updaterStateSize = updaterStateSize;
    this.divideByBatchSize = divideByBatchSize;
    this.dataType = dataType;
    this.forward = new PlainForward(this.stages, parameterCount, dataType != DataType.DOUBLE);
    this.backward = PlainBackward.of(this.stages, forward, parameterCount);
    this.plainWorkLimit = plainWorkLimit;
  }

  /**
   * The fused form of a network configuration.
   *
   * @throws NotFusableException naming the layer or setting that keeps it on the per-key path
   */
  public static FusedNetwork of(MultiLayerConfiguration configuration) {
    return of(configuration, PLAIN_WORK_LIMIT);
  }

  /**
   * {@link #of(MultiLayerConfiguration)} with another limit to the plain Java step; 0 steps every
   * batch through ND4J.
   */
  static FusedNetwork of(MultiLayerConfiguration configuration, long plainWorkLimit) {
    checkNetwork(configuration);
    // The layout of parameters and updater state is read from a network DL4J builds itself.
    MultiLayerNetwork template = new MultiLayerNetwork(configuration.clone());
    template.init();
    List<DenseStage> stages = new ArrayList<>();
    long offset = 0;
    List<NeuralNetConfiguration> layers = configuration.getConfs();
    for (int index = 0; index < layers.size(); index++) {
      DenseStage stage = stage(layers.get(index).getLayer(), index, layers.size(), offset);
      stages.add(stage);
      offset = stage.end();
    }
    if (offset != template.numParams()) {
      throw new NotFusableException(
          "DL4J lays out " + template.numParams() + " parameters, dense layers need " + offset);
    }
    List<UpdaterSpan> spans = spans(template);
    long stateSize = spans.isEmpty() ? 0 : spans.get(spans.size() - 1).stateEnd();
    return new FusedNetwork(
        stages,
        spans,
        offset,
        stateSize,
        layers.get(0).isMiniBatch(),
        configuration.getDataType(),
        plainWorkLimit);
  }

  /** Why a configuration cannot be fused, or null when it can. */
  public static String notFusableReason(MultiLayerConfiguration configuration) {
    try {
      of(configuration);
      return null;
    } catch (NotFusableException e) {
      return e.getMessage();
    }
  }

  /** The loss and gradient in plain Java; null when the network has no plain form of them. */
  PlainBackward backward() {
    return backward;
  }

  /**
   * Whether a step of batches of {@code rows} rows runs in plain Java ({@link PlainBackward})
   * rather than with batched ND4J operations.
   */
  boolean stepsInPlainJava(long rows) {
    return backward != null && rows * parameterCount <= plainWorkLimit;
  }

  /** Length of a key's flat parameter vector. */
  public long parameterCount() {
    return parameterCount;
  }

  /** Length of a key's flat updater state vector; 0 for plain SGD. */
  public long updaterStateSize() {
    return updaterStateSize;
  }

  public int inputs() {
    return stages.get(0).inputs();
  }

  public int outputs() {
    return stages.get(stages.size() - 1).outputs();
  }

  /**
   * The network outputs of every key for its rows, as {@code MultiLayerNetwork.output(features,
   * false)} gives them per key, computed in plain Java ({@link PlainForward}).
   *
   * @param parameters the keys' flat parameter vectors, one after another: [K, P] in c order
   * @param features the keys' rows, [K, rows, inputs] in c order
   * @return the outputs of every key's rows, key by key: [K * rows][outputs]
   */
  public float[][] predict(double[] parameters, float[] features, int rows) {
    return forward.predict(parameters, features, rows);
  }

  /**
   * One gradient step for every key, as {@code MultiLayerNetwork.fit} takes it, with each key's
   * learning rate multiplied by its {@code learningRateFactors} entry, as a key's drift reaction
   * asks: the factor scales the rate wherever DL4J uses it (the updater, Adam's bias-corrected
   * step, weight decay that applies the rate), and nothing else.
   *
   * <p>{@code parameters} [K, P] and {@code updaterState} [K, S] (null when S is 0), flat in c
   * order, are updated in place; a float network's values stay floats (each is rounded to float
   * after the step, as its state stores it). {@code iterations} holds each key's iteration count
   * before the step (its step count); the caller advances it.
   *
   * @param features the keys' rows, [K, rows, inputs] in c order
   * @param labels the keys' labels, [K, rows, outputs] in c order
   * @return each key's score of the step, as {@code MultiLayerNetwork.score()} after the fit: the
   *     batch's mean loss plus the regularization terms, taken before the update
   */
  public double[] step(
      double[] parameters,
      double[] updaterState,
      int[] iterations,
      double[] learningRateFactors,
      float[] features,
      float[] labels,
      int rows) {
    int keys = iterations.length;
    int width = Math.toIntExact(parameterCount);
    int stateWidth = Math.toIntExact(updaterStateSize);
    checkLength("parameters", parameters.length, (long) keys * width);
    checkLength(
        "updater state values",
        updaterState == null ? 0 : updaterState.length,
        (long) keys * stateWidth);
    checkLength("features", features.length, (long) keys * rows * inputs());
    checkLength("labels", labels.length, (long) keys * rows * outputs());
    double[] gradient = new double[parameters.length];
    double[] scores =
        stepsInPlainJava(rows)
            ? backward.lossAndGradient(
                parameters, doubles(features), doubles(labels), rows, gradient)
            : batchedLossAndGradient(parameters, features, labels, rows, gradient);
    // As DL4J's float arrays hold it: a gradient beyond float's range diverges the step there too.
    forward.asStored(gradient);
    KeyRates rates = new KeyRates(iterations, learningRateFactors);
    for (int key = 0; key < keys; key++) {
      int keyStart = key * width;
      for (UpdaterSpan span : spans) {
        for (RegularizedRange range : span.parameters()) {
          scores[key] += range.score(parameters, keyStart, iterations[key], EPOCH);
        }
      }
      if (divideByBatchSize) {
        for (int i = keyStart; i < keyStart + width; i++) {
          gradient[i] /= rows;
        }
      }
      for (UpdaterSpan span : spans) {
        span.apply(
            parameters, gradient, keyStart, updaterState, key * stateWidth, rates, key, EPOCH);
      }
    }
    for (int i = 0; i < parameters.length; i++) {
      parameters[i] -= gradient[i];
    }
    forward.asStored(parameters);
    if (updaterState != null) {
      forward.asStored(updaterState);
    }
    return scores;
  }

  /** The network's data type, in which its parameters and updater state are stored. */
  public DataType dataType() {
    return dataType;
  }

  private static void checkLength(String what, int length, long expected) {
    if (length != expected) {
      throw new IllegalArgumentException(length + " " + what + ", expected " + expected);
    }
  }

  private static double[] doubles(float[] values) {
    double[] doubles = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      doubles[i] = values[i];
    }
    return doubles;
  }

  /**
   * With batched ND4J operations, a batched matrix product per layer and direction: each key's mean
   * loss over its rows, and into {@code gradientValues} its gradient [K, P] summed over them,
   * before regularization, the batch-size division and the updater.
   */
  private double[] batchedLossAndGradient(
      double[] parameterValues,
      float[] featureValues,
      float[] labelValues,
      int rows,
      double[] gradientValues) {
    long keys = parameterValues.length / parameterCount;
    INDArray parameters =
        Nd4j.createFromArray(parameterValues).reshape('c', keys, parameterCount).castTo(dataType);
    INDArray features = Nd4j.createFromArray(featureValues).reshape('c', keys, rows, inputs());
    INDArray labels = Nd4j.createFromArray(labelValues).reshape('c', keys, rows, outputs());
    List<INDArray> inputs = new ArrayList<>(stages.size());
    List<INDArray> preActivations = new ArrayList<>(stages.size());
    INDArray activations = features.castTo(dataType);
    for (DenseStage stage : stages) {
      inputs.add(activations);
      INDArray preActivation = preActivation(stage, parameters, activations);
      preActivations.add(preActivation);
      if (!stage.isOutput()) {
        activations = activate(stage, preActivation);
      }
    }
    DenseStage output = stages.get(stages.size() - 1);
    INDArray outputPreActivation = flat(preActivations.get(stages.size() - 1));
    INDArray flatLabels = labels.castTo(dataType).reshape('c', keys * rows, -1);
    double[] scores = scores(output, flatLabels, outputPreActivation, keys, rows);
    INDArray delta =
        output
            .loss()
            .computeGradient(flatLabels, outputPreActivation, output.activation(), null)
            .reshape('c', keys, rows, output.outputs());
    INDArray gradient = parameters.ulike();
    for (int index = stages.size() - 1; index >= 0; index--) {
      DenseStage stage = stages.get(index);
      INDArray input = inputs.get(index);
      // dW^T = delta^T x: [K, nOut, nIn], which read row by row is DL4J's 'f'-order dW.
      INDArray weightGradient = Nd4j.matmul(delta, input, true, false, false);
      gradient
          .get(NDArrayIndex.all(), NDArrayIndex.interval(stage.weightOffset(), stage.biasOffset()))
          .assign(weightGradient.reshape('c', keys, (long) stage.inputs() * stage.outputs()));
      gradient
          .get(NDArrayIndex.all(), NDArrayIndex.interval(stage.biasOffset(), stage.end()))
          .assign(delta.sum(1));
      if (index > 0) {
        // dL/dx = delta W^T = delta (W^T), then through the previous layer's activation.
        INDArray epsilon = Nd4j.matmul(delta, stage.transposedWeights(parameters));
        DenseStage previous = stages.get(index - 1);
        delta =
            previous
                .activation()
                .backprop(flat(preActivations.get(index - 1)), flat(epsilon))
                .getFirst()
                .reshape('c', keys, rows, previous.outputs());
      }
    }
    double[] values = gradient.castTo(DataType.DOUBLE).data().asDouble();
    System.arraycopy(values, 0, gradientValues, 0, gradientValues.length);
    return scores;
  }

  private double[] scores(
      DenseStage output, INDArray flatLabels, INDArray preActivation, long keys, long rows) {
    INDArray perRow =
        output.loss().computeScoreArray(flatLabels, preActivation.dup(), output.activation(), null);
    return perRow.reshape(keys, rows).mean(1).toDoubleVector();
  }

  /** x W + b for every key: [K, B, nIn] to [K, B, nOut]. */
  private static INDArray preActivation(
      DenseStage stage, INDArray parameters, INDArray activations) {
    INDArray product =
        Nd4j.matmul(activations, stage.transposedWeights(parameters), false, true, false);
    return product.addi(stage.biases(parameters));
  }

  /** The stage's activation of a [K, B, n] pre-activation, as a new array of that shape. */
  private static INDArray activate(DenseStage stage, INDArray preActivation) {
    return stage
        .activation()
        .getActivation(flat(preActivation).dup(), false)
        .reshape(preActivation.shape());
  }

  /** A [K, B, n] array as the [K * B, n] matrix of all keys' rows, which DL4J's objects take. */
  private static INDArray flat(INDArray stacked) {
    return stacked.reshape('c', stacked.size(0) * stacked.size(1), stacked.size(2));
  }

  private static void checkNetwork(MultiLayerConfiguration configuration) {
    if (configuration.getBackpropType() != BackpropType.Standard) {
      throw new NotFusableException("backpropagation through time is not fused");
    }
    if (!configuration.getInputPreProcessors().isEmpty()) {
      throw new NotFusableException("input preprocessors are not fused");
    }
    if (configuration.getConfs().isEmpty()) {
      throw new NotFusableException("the network has no layers");
    }
  }

  private static DenseStage stage(Layer layer, int index, int layerCount, long offset) {
    boolean last = index == layerCount - 1;
    String where = "layer " + index + " (" + layer.getClass().getSimpleName() + ")";
    Class<?> expected = last ? OutputLayer.class : DenseLayer.class;
    if (layer.getClass() != expected) {
      throw new NotFusableException(
          where + ": only DenseLayer hidden layers and an OutputLayer last are fused");
    }
    BaseLayer base = (BaseLayer) layer;
    if (base.getIDropout() != null) {
      throw new NotFusableException(where + ": dropout is not fused");
    }
    if (base.getWeightNoise() != null) {
      throw new NotFusableException(where + ": weight noise is not fused");
    }
    if (base.getConstraints() != null && !base.getConstraints().isEmpty()) {
      throw new NotFusableException(where + ": constraints are not fused");
    }
    if (base.getGradientNormalization() != null
        && base.getGradientNormalization() != GradientNormalization.None) {
      throw new NotFusableException(
          where + ": gradient normalization " + base.getGradientNormalization() + " is not fused");
    }
    if (layer instanceof DenseLayer dense && (!dense.hasBias() || dense.hasLayerNorm())) {
      throw new NotFusableException(where + ": dense layers without bias or with layer norm");
    }
    if (layer instanceof OutputLayer out && !out.hasBias()) {
      throw new NotFusableException(where + ": an output layer without bias is not fused");
    }
    IActivation activation = base.getActivationFn();
    if (!ACTIVATIONS.contains(activation.getClass())
        || (!last && activation instanceof ActivationSoftmax)) {
      throw new NotFusableException(where + ": the activation " + activation + " is not fused");
    }
    ILossFunction loss = null;
    if (layer instanceof OutputLayer out) {
      loss = out.getLossFn();
      if (!LOSSES.contains(loss.getClass()) || hasWeights(loss)) {
        throw new NotFusableException(
            where + ": the loss " + loss + " is not MCXENT, XENT or MSE without weights");
      }
    }
    FeedForwardLayer shape = (FeedForwardLayer) layer;
    return new DenseStage(
        offset,
        Math.toIntExact(shape.getNIn()),
        Math.toIntExact(shape.getNOut()),
        activation,
        loss);
  }

  private static boolean hasWeights(ILossFunction loss) {
    if (loss instanceof LossMCXENT mcxent) {
      return mcxent.getWeights() != null;
    }
    if (loss instanceof LossBinaryXENT xent) {
      return xent.getWeights() != null;
    }
    return ((LossMSE) loss).getWeights() != null;
  }

  private static List<UpdaterSpan> spans(MultiLayerNetwork template) {
    List<UpdaterSpan> spans = new ArrayList<>();
    BaseMultiLayerUpdater<?> updater = (BaseMultiLayerUpdater<?>) template.getUpdater(true);
    for (UpdaterBlock block : updater.getUpdaterBlocks()) {
      List<RegularizedRange> ranges = new ArrayList<>();
      IUpdater configuration = null;
      for (UpdaterBlock.ParamState parameter : block.getLayersAndVariablesInBlock()) {
        Trainable layer = parameter.getLayer();
        String name = parameter.getParamName();
        if (!layer.updaterDivideByMinibatch(name)) {
          throw new NotFusableException(name + " is not divided by the minibatch size");
        }
        configuration = layer.getConfig().getUpdaterByParam(name);
        ranges.add(
            new RegularizedRange(
                Math.toIntExact(parameter.getParamOffsetStart()),
                Math.toIntExact(parameter.getParamOffsetEnd()),
                layer.getConfig().getRegularizationByParam(name)));
      }
      BlockUpdater blockUpdater = BlockUpdater.of(configuration);
      long length = block.getParamOffsetEnd() - block.getParamOffsetStart();
      if (block.getUpdaterViewOffsetEnd() - block.getUpdaterViewOffsetStart()
          != blockUpdater.stateSize() * length) {
        throw new NotFusableException(
            "the updater state of " + configuration + " is not laid out as expected");
      }
      spans.add(
          new UpdaterSpan(
              Math.toIntExact(block.getParamOffsetStart()),
              Math.toIntExact(block.getParamOffsetEnd()),
              Math.toIntExact(block.getUpdaterViewOffsetStart()),
              Math.toIntExact(block.getUpdaterViewOffsetEnd()),
              configuration,
              blockUpdater,
              ranges));
    }
    return spans;
  }
}
