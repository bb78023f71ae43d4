package io.streamlearn.pipeline.config;

import static io.streamlearn.pipeline.config.Problems.quote;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_ACTIVATION;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_CLASSES;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_CONFIGURATION_FILE;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_FEATURES;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_HIDDEN_LAYERS;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_L2;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_LEARNING_RATE;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_SEED;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_TASK;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_UPDATER;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.AdaGrad;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * Builds the DL4J network configuration that Streamlearn trains: from the compact model.* keys, or
 * from a DL4J JSON file checked against model.features and the number of outputs. It returns only
 * configurations; networks and their ND4J arrays are created by the operators, on their own
 * threads.
 */
final class ModelFactory {

  /** The keys that describe the network when no configuration file is given. */
  static final List<ConfigOption<?>> COMPACT_SPEC =
      List.of(
          MODEL_HIDDEN_LAYERS,
          MODEL_ACTIVATION,
          MODEL_UPDATER,
          MODEL_LEARNING_RATE,
          MODEL_L2,
          MODEL_SEED);

  /** Every key the network depends on: it is not built while one of them has a problem. */
  static final List<ConfigOption<?>> INPUTS =
      Stream.concat(
              COMPACT_SPEC.stream(),
              Stream.of(MODEL_FEATURES, MODEL_TASK, MODEL_CLASSES, MODEL_CONFIGURATION_FILE))
          .toList();

  private ModelFactory() {}

  /**
   * Builds the configuration from valid option values.
   *
   * @throws ConfigException if the configuration file is missing, is not DL4J JSON, or does not fit
   *     model.features and the number of outputs
   */
  static MultiLayerConfiguration create(ReadableConfig options) {
    String file = options.get(MODEL_CONFIGURATION_FILE);
    return file == null ? fromCompactSpec(options) : fromJsonFile(file, options);
  }

  private static MultiLayerConfiguration fromCompactSpec(ReadableConfig options) {
    Activation activation =
        ActivationNameConstraint.lookup(options.get(MODEL_ACTIVATION)).orElseThrow();
    NeuralNetConfiguration.ListBuilder layers =
        new NeuralNetConfiguration.Builder()
            .seed(options.get(MODEL_SEED))
            .updater(updater(options.get(MODEL_UPDATER), options.get(MODEL_LEARNING_RATE)))
            .l2(options.get(MODEL_L2))
            .weightInit(WeightInit.XAVIER)
            .dataType(DataType.FLOAT)
            .list();
    int inputs = options.get(MODEL_FEATURES);
    for (int width : options.get(MODEL_HIDDEN_LAYERS)) {
      layers.layer(new DenseLayer.Builder().nIn(inputs).nOut(width).activation(activation).build());
      inputs = width;
    }
    return layers.layer(outputLayer(options, inputs)).build();
  }

  private static IUpdater updater(UpdaterType type, double learningRate) {
    return switch (type) {
      case ADAM -> new Adam(learningRate);
      case SGD -> new Sgd(learningRate);
        // The one-argument Nesterovs constructor takes the momentum, not the learning rate.
      case NESTEROVS -> new Nesterovs(learningRate, Nesterovs.DEFAULT_NESTEROV_MOMENTUM);
      case ADAGRAD -> new AdaGrad(learningRate);
      case RMSPROP -> new RmsProp(learningRate);
    };
  }

  private static OutputLayer outputLayer(ReadableConfig options, int inputs) {
    boolean classification = options.get(MODEL_TASK) == Task.CLASSIFICATION;
    return new OutputLayer.Builder(classification ? LossFunction.MCXENT : LossFunction.MSE)
        .nIn(inputs)
        .nOut(outputs(options))
        .activation(classification ? Activation.SOFTMAX : Activation.IDENTITY)
        .build();
  }

  /** One output per class for classification, a single number for regression. */
  private static int outputs(ReadableConfig options) {
    return options.get(MODEL_TASK) == Task.CLASSIFICATION ? options.get(MODEL_CLASSES) : 1;
  }

  private static MultiLayerConfiguration fromJsonFile(String file, ReadableConfig options) {
    MultiLayerConfiguration configuration = parseJson(readJson(file), file);
    checkInputsAndOutputs(configuration, file, options);
    return configuration;
  }

  private static String readJson(String file) {
    try {
      return Files.readString(Path.of(file));
    } catch (NoSuchFileException e) {
      throw fileProblem(quote(file) + " not found", e);
    } catch (IOException e) {
      throw fileProblem(quote(file) + " cannot be read: " + e, e);
    }
  }

  private static MultiLayerConfiguration parseJson(String json, String file) {
    try {
      return MultiLayerConfiguration.fromJson(json);
    } catch (RuntimeException e) {
      throw fileProblem(
          quote(file)
              + " is not a DL4J MultiLayerConfiguration in JSON, as written by"
              + " MultiLayerConfiguration.toJson(): "
              + e.getMessage().lines().findFirst().orElse(e.toString()),
          e);
    }
  }

  private static void checkInputsAndOutputs(
      MultiLayerConfiguration configuration, String file, ReadableConfig options) {
    List<NeuralNetConfiguration> layers = configuration.getConfs();
    if (layers.isEmpty()) {
      throw fileProblem(quote(file) + " has no layers", null);
    }
    FeedForwardLayer first = feedForward(layers.get(0).getLayer(), "first", file);
    FeedForwardLayer last = feedForward(layers.get(layers.size() - 1).getLayer(), "last", file);
    List<String> problems = new ArrayList<>();
    int features = options.get(MODEL_FEATURES);
    if (first.getNIn() != features) {
      problems.add(
          problemWithFile(
              "the first layer of "
                  + quote(file)
                  + " has nIn "
                  + first.getNIn()
                  + " but "
                  + MODEL_FEATURES.key()
                  + " is "
                  + features
                  + ", they must be equal"));
    }
    if (last.getNOut() != outputs(options)) {
      problems.add(
          problemWithFile(
              "the last layer of "
                  + quote(file)
                  + " has nOut "
                  + last.getNOut()
                  + " but "
                  + describeOutputs(options)
                  + ", they must be equal"));
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
  }

  private static String describeOutputs(ReadableConfig options) {
    return options.get(MODEL_TASK) == Task.CLASSIFICATION
        ? MODEL_CLASSES.key() + " is " + options.get(MODEL_CLASSES)
        : "a " + Task.REGRESSION + " model has 1 output";
  }

  private static FeedForwardLayer feedForward(Layer layer, String position, String file) {
    if (layer instanceof FeedForwardLayer feedForwardLayer) {
      return feedForwardLayer;
    }
    throw fileProblem(
        "the "
            + position
            + " layer of "
            + quote(file)
            + " is a "
            + layer.getClass().getSimpleName()
            + ", which has no nIn/nOut to check against the model.* keys",
        null);
  }

  private static String problemWithFile(String detail) {
    return MODEL_CONFIGURATION_FILE.key() + ": " + detail;
  }

  private static ConfigException fileProblem(String detail, Throwable cause) {
    return new ConfigException(problemWithFile(detail), cause);
  }
}
