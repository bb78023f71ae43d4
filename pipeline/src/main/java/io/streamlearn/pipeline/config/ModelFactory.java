package io.streamlearn.pipeline.config;

import static io.streamlearn.pipeline.config.Problems.quote;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_ACTIVATION;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_CLASSES;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_CONFIGURATION_FILE;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_FEATURES;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_HIDDEN_LAYERS;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_LAYERS;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_LOSS;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_OUTPUTS;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_SEED;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_TASK;

import io.streamlearn.operators.InputShape;
import io.streamlearn.operators.KeyModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * Builds the DL4J network configuration that Streamlearn trains: from the compact model.* keys, or
 * from a DL4J JSON file (a layer stack or a graph) checked against model.input and the number of
 * outputs. It returns only configurations; networks and their ND4J arrays are created by the
 * operators, on their own threads.
 */
final class ModelFactory {

  /** The keys that describe the network when no configuration file is given. */
  static final List<ConfigOption<?>> COMPACT_SPEC =
      Stream.concat(
              Stream.of(
                  MODEL_HIDDEN_LAYERS, MODEL_LAYERS, MODEL_ACTIVATION, MODEL_LOSS, MODEL_SEED),
              TrainingControls.KEYS.stream())
          .toList();

  /** Every key the network depends on: it is not built while one of them has a problem. */
  static final List<ConfigOption<?>> INPUTS =
      Stream.of(
              COMPACT_SPEC,
              InputShapes.KEYS,
              List.<ConfigOption<?>>of(
                  MODEL_TASK, MODEL_CLASSES, MODEL_OUTPUTS, MODEL_CONFIGURATION_FILE))
          .flatMap(List::stream)
          .toList();

  private ModelFactory() {}

  /**
   * Builds the configuration from valid option values, as DL4J JSON: a MultiLayerConfiguration's,
   * or a ComputationGraphConfiguration's from a file.
   *
   * @throws ConfigException if the configuration file is missing, is not DL4J JSON, or does not fit
   *     model.input and the number of outputs
   */
  static String create(ReadableConfig options) {
    String file = options.get(MODEL_CONFIGURATION_FILE);
    return file == null ? fromCompactSpec(options).toJson() : fromJsonFile(file, options);
  }

  private static MultiLayerConfiguration fromCompactSpec(ReadableConfig options) {
    NeuralNetConfiguration.Builder network =
        new NeuralNetConfiguration.Builder()
            .seed(options.get(MODEL_SEED))
            .weightInit(WeightInit.XAVIER)
            .dataType(DataType.FLOAT);
    TrainingControls.applyTo(network, options);
    NeuralNetConfiguration.ListBuilder layers = network.list();
    List<Map<String, String>> layerList = options.get(MODEL_LAYERS);
    if (layerList != null) {
      InputShape input = InputShapes.of(options);
      LayerList.Layers read = LayerList.read(layerList, input, options);
      read.hidden().forEach(layers::layer);
      OutputLayer.Builder output = outputLayer(options);
      if (read.outputDropout() > 0) {
        output.dropOut(TrainingControls.retainProbability(read.outputDropout()));
      }
      // DL4J infers every nIn, and inserts the reshaping between grids and vectors, from this.
      return layers.layer(output.build()).setInputType(LayerList.inputType(input)).build();
    }
    Activation activation =
        ActivationNameConstraint.lookup(options.get(MODEL_ACTIVATION)).orElseThrow();
    int inputs = options.get(MODEL_FEATURES);
    for (int width : options.get(MODEL_HIDDEN_LAYERS)) {
      layers.layer(new DenseLayer.Builder().nIn(inputs).nOut(width).activation(activation).build());
      inputs = width;
    }
    return layers.layer(outputLayer(options).nIn(inputs).build()).build();
  }

  /**
   * The output layer the task needs: softmax with cross-entropy over the classes, one sigmoid with
   * binary cross-entropy (one per class for multi-label), or identity outputs with the regression
   * loss.
   */
  static OutputLayer.Builder outputLayer(ReadableConfig options) {
    return switch (options.get(MODEL_TASK)) {
      case CLASSIFICATION ->
          new OutputLayer.Builder(LossFunction.MCXENT)
              .nOut(options.get(MODEL_CLASSES))
              .activation(Activation.SOFTMAX);
      case BINARY ->
          new OutputLayer.Builder(LossFunction.XENT).nOut(1).activation(Activation.SIGMOID);
      case MULTI_LABEL ->
          new OutputLayer.Builder(LossFunction.XENT)
              .nOut(options.get(MODEL_CLASSES))
              .activation(Activation.SIGMOID);
      case REGRESSION ->
          new OutputLayer.Builder(options.getOptional(MODEL_LOSS).orElse(LossType.MSE).dl4j())
              .nOut(options.get(MODEL_OUTPUTS))
              .activation(Activation.IDENTITY);
    };
  }

  /**
   * One output per class for classification and multi-label, one probability for binary, one per
   * target for regression.
   */
  static int outputs(ReadableConfig options) {
    return switch (options.get(MODEL_TASK)) {
      case CLASSIFICATION, MULTI_LABEL -> options.get(MODEL_CLASSES);
      case BINARY -> 1;
      case REGRESSION -> options.get(MODEL_OUTPUTS);
    };
  }

  /** What {@link #outputs} are made of, for messages about a model with another number. */
  static String describeOutputs(ReadableConfig options) {
    return switch (options.get(MODEL_TASK)) {
      case CLASSIFICATION, MULTI_LABEL -> MODEL_CLASSES.key() + " is " + options.get(MODEL_CLASSES);
      case BINARY -> "a BINARY model has 1 output";
      case REGRESSION -> MODEL_OUTPUTS.key() + " is " + options.get(MODEL_OUTPUTS);
    };
  }

  private static String fromJsonFile(String file, ReadableConfig options) {
    String json = readJson(file);
    NetworkEnds ends = KeyModels.isGraph(json) ? graphEnds(json, file) : stackEnds(json, file);
    checkInputsAndOutputs(ends, file, options);
    return json;
  }

  /**
   * The layers a network's input goes into (each with whether DL4J reshapes the input for it first)
   * and the layer whose output the trainer scores.
   */
  private record NetworkEnds(List<Layer> first, List<Boolean> preprocessed, Layer last) {}

  private static String readJson(String file) {
    try {
      return Files.readString(Path.of(file));
    } catch (NoSuchFileException e) {
      throw fileProblem(quote(file) + " not found", e);
    } catch (IOException e) {
      throw fileProblem(quote(file) + " cannot be read: " + e, e);
    }
  }

  private static NetworkEnds stackEnds(String json, String file) {
    MultiLayerConfiguration configuration;
    try {
      configuration = MultiLayerConfiguration.fromJson(json);
    } catch (RuntimeException e) {
      throw notDl4jJson(file, e);
    }
    List<NeuralNetConfiguration> layers = configuration.getConfs();
    if (layers.isEmpty()) {
      throw fileProblem(quote(file) + " has no layers", null);
    }
    return new NetworkEnds(
        List.of(layers.get(0).getLayer()),
        List.of(configuration.getInputPreProcess(0) != null),
        layers.get(layers.size() - 1).getLayer());
  }

  private static NetworkEnds graphEnds(String json, String file) {
    ComputationGraphConfiguration graph;
    try {
      graph = ComputationGraphConfiguration.fromJson(json);
    } catch (RuntimeException e) {
      throw notDl4jJson(file, e);
    }
    if (graph.getNetworkInputs().size() != 1 || graph.getNetworkOutputs().size() != 1) {
      throw fileProblem(
          "the graph in "
              + quote(file)
              + " has "
              + graph.getNetworkInputs().size()
              + " inputs and "
              + graph.getNetworkOutputs().size()
              + " outputs; the trainer feeds a graph one input and scores one output",
          null);
    }
    String input = graph.getNetworkInputs().get(0);
    List<Layer> first = new ArrayList<>();
    List<Boolean> preprocessed = new ArrayList<>();
    graph
        .getVertexInputs()
        .forEach(
            (name, inputs) -> {
              if (inputs.contains(input)
                  && graph.getVertices().get(name) instanceof LayerVertex v) {
                first.add(v.getLayerConf().getLayer());
                preprocessed.add(v.getPreProcessor() != null);
              }
            });
    GraphVertex output = graph.getVertices().get(graph.getNetworkOutputs().get(0));
    if (!(output instanceof LayerVertex outputLayer)) {
      throw fileProblem(
          "the output of the graph in "
              + quote(file)
              + " is a "
              + output.getClass().getSimpleName()
              + ", not a layer with nOut to check against the model.* keys",
          null);
    }
    return new NetworkEnds(first, preprocessed, outputLayer.getLayerConf().getLayer());
  }

  private static ConfigException notDl4jJson(String file, RuntimeException e) {
    return fileProblem(
        quote(file)
            + " is not a DL4J MultiLayerConfiguration or ComputationGraphConfiguration in JSON, as"
            + " their toJson() writes it: "
            + e.getMessage().lines().findFirst().orElse(e.toString()),
        e);
  }

  private static void checkInputsAndOutputs(NetworkEnds ends, String file, ReadableConfig options) {
    List<String> problems = new ArrayList<>();
    InputShape input = InputShapes.of(options);
    for (int i = 0; i < ends.first().size(); i++) {
      if (!ends.preprocessed().get(i)) {
        FirstLayers.problem(ends.first().get(i), input, quote(file))
            .map(ModelFactory::problemWithFile)
            .ifPresent(problems::add);
      }
    }
    Layer lastLayer = ends.last();
    FeedForwardLayer last = feedForward(lastLayer, "last", file);
    if (lastLayer instanceof RnnOutputLayer) {
      problems.add(
          problemWithFile(
              "the last layer of "
                  + quote(file)
                  + " is an RnnOutputLayer, which scores every timestep; the trainer scores each"
                  + " sample once: put a LastTimeStep or GlobalPoolingLayer before an OutputLayer"));
    } else if (last.getNOut() != outputs(options)) {
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
