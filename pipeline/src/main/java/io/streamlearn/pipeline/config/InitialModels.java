package io.streamlearn.pipeline.config;

import static io.streamlearn.pipeline.config.Problems.quote;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_INITIAL;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_INITIAL_FREEZE_LAYERS;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_INITIAL_LEARNING_RATE;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_INITIAL_PARENT_KEY;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_INITIAL_REPLACE_OUTPUT;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_SEED;

import io.streamlearn.operators.InputShape;
import io.streamlearn.operators.KeyModels;
import io.streamlearn.operators.state.FeatureStatistics;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.api.layers.IOutputLayer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.modelimport.keras.Hdf5Archive;
import org.deeplearning4j.nn.modelimport.keras.KerasModelImport;
import org.deeplearning4j.nn.modelimport.keras.exceptions.InvalidKerasConfigurationException;
import org.deeplearning4j.nn.modelimport.keras.exceptions.UnsupportedKerasConfigurationException;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.transferlearning.FineTuneConfiguration;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.shade.jackson.databind.ObjectMapper;

/**
 * model.initial: the model every new key starts from, read from a DL4J ModelSerializer zip or a
 * Keras HDF5 file (or, with model.initial.parent-key, another key's latest checkpoint), adapted
 * with DL4J's TransferLearning (frozen first layers, a new output, a learning rate for the layers
 * that train) and checked against model.input and the outputs.
 *
 * <p>This runs while the configuration loads, where the job is defined: the job carries the result
 * as a ModelSerializer zip, so its task managers never import Keras files, and a file that does not
 * fit fails before the job starts.
 */
final class InitialModels {

  /** Every key the initial model depends on. */
  static final List<ConfigOption<?>> KEYS =
      List.of(
          MODEL_INITIAL,
          MODEL_INITIAL_PARENT_KEY,
          MODEL_INITIAL_FREEZE_LAYERS,
          MODEL_INITIAL_REPLACE_OUTPUT,
          MODEL_INITIAL_LEARNING_RATE);

  /** The compact keys that describe a network the initial model replaces. */
  static final List<ConfigOption<?>> REPLACED_KEYS =
      ModelFactory.COMPACT_SPEC.stream().filter(option -> !option.equals(MODEL_SEED)).toList();

  private static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};
  private static final byte[] HDF5_MAGIC = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

  /** The name a graph's new output or loss layer gets. */
  static final String NEW_OUTPUT = "streamlearn-output";

  /**
   * The adapted initial model.
   *
   * @param configurationJson its DL4J configuration, MultiLayerConfiguration or graph JSON
   * @param modelZip the model with its parameters, in DL4J's ModelSerializer format
   * @param statistics the feature statistics a new key's scaling starts from, or null
   */
  record InitialModel(String configurationJson, byte[] modelZip, FeatureStatistics statistics) {}

  /**
   * A model new keys start from, before it is adapted.
   *
   * @param setting the option that gives it, which problems with it name
   * @param name how problems name it, such as "the initial model 'warm.zip'"
   * @param statistics the feature statistics its parameters were trained on, or null
   */
  record Source(
      Model model, ConfigOption<String> setting, String name, FeatureStatistics statistics) {}

  private InitialModels() {}

  /**
   * Reads, adapts and checks the initial model of valid option values: model.initial's file, or the
   * latest checkpoint of model.initial.parent-key in {@code parents}.
   *
   * @throws ConfigException if the model cannot be read or imported, or the adapted model does not
   *     fit model.input and the outputs
   */
  static InitialModel load(ReadableConfig options, ParentCheckpoints parents) {
    Source source =
        options.getOptional(MODEL_INITIAL_PARENT_KEY).isPresent()
            ? ParentKeyModels.read(options, parents)
            : fromFile(options.get(MODEL_INITIAL));
    Model read = source.model();
    List<String> problems = new ArrayList<>();
    firstLayerProblem(read, InputShapes.of(options), source).ifPresent(problems::add);
    throwIfAny(problems);
    Model adapted =
        read instanceof MultiLayerNetwork network
            ? adapt(network, options, problems)
            : adapt((ComputationGraph) read, options, problems);
    throwIfAny(problems);
    outputProblem(adapted, options, source).ifPresent(problems::add);
    throwIfAny(problems);
    return new InitialModel(configurationJson(adapted), serialized(adapted), source.statistics());
  }

  private static Source fromFile(String file) {
    return new Source(read(file), MODEL_INITIAL, "the initial model " + quote(file), null);
  }

  /** A DL4J zip or a Keras HDF5 file, told apart by their first bytes. */
  static Model read(String file) {
    Path path = Path.of(file);
    byte[] head;
    try (InputStream in = Files.newInputStream(path)) {
      head = in.readNBytes(HDF5_MAGIC.length);
    } catch (NoSuchFileException e) {
      throw problem(quote(file) + " not found", e);
    } catch (IOException e) {
      throw problem(quote(file) + " cannot be read: " + e, e);
    }
    try {
      if (startsWith(head, ZIP_MAGIC)) {
        byte[] zip = Files.readAllBytes(path);
        return KeyModels.isGraph(KeyModels.configurationOf(zip))
            ? ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(zip), false)
            : ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(zip), false);
      }
      if (startsWith(head, HDF5_MAGIC)) {
        KerasHeader header = KerasHeader.of(file);
        if (header.majorVersion() > 2) {
          throw problem(
              quote(file)
                  + " was saved by Keras "
                  + header.version()
                  + ", and DL4J 1.0.0-M2.1 imports files of Keras 1 and 2 only: save the model"
                  + " with Keras 2 (tf.keras of TensorFlow 2.15 or earlier, or the tf_keras"
                  + " package), or as a DL4J ModelSerializer zip",
              null);
        }
        return header.sequential()
            ? KerasModelImport.importKerasSequentialModelAndWeights(file, false)
            : KerasModelImport.importKerasModelAndWeights(file, false);
      }
    } catch (ConfigException e) {
      throw e;
    } catch (IOException
        | RuntimeException
        | InvalidKerasConfigurationException
        | UnsupportedKerasConfigurationException e) {
      throw problem(quote(file) + " cannot be imported: " + firstLine(e), e);
    }
    throw problem(
        quote(file) + " is neither a DL4J ModelSerializer zip nor a Keras HDF5 file", null);
  }

  /**
   * What a Keras HDF5 file says of itself before it is imported: the Keras version that saved it
   * (DL4J's import reads Keras 1 and 2 only, and fails on a Keras 3 functional model with a bare
   * ClassCastException) and whether the model is Sequential.
   */
  private record KerasHeader(String version, boolean sequential) {

    static KerasHeader of(String file) throws IOException, UnsupportedKerasConfigurationException {
      try (Hdf5Archive archive = new Hdf5Archive(file)) {
        String version =
            archive.hasAttribute("keras_version")
                ? archive.readAttributeAsString("keras_version")
                : "";
        String config = archive.readAttributeAsJson("model_config");
        String modelClass = new ObjectMapper().readTree(config).path("class_name").asText();
        return new KerasHeader(version, "Sequential".equals(modelClass));
      }
    }

    /** The major version, or 0 when the file does not say (Keras 1 wrote none). */
    int majorVersion() {
      int dot = version.indexOf('.');
      String major = dot < 0 ? version : version.substring(0, dot);
      return major.matches("\\d+") ? Integer.parseInt(major) : 0;
    }
  }

  private static MultiLayerNetwork adapt(
      MultiLayerNetwork network, ReadableConfig options, List<String> problems) {
    int layers = network.getnLayers();
    int freeze = options.get(MODEL_INITIAL_FREEZE_LAYERS);
    checkFreezeLeavesALayer(freeze, layers, problems);
    IUpdater updater = trainingUpdater(updaterOf(network), options);
    TransferLearning.Builder builder =
        new TransferLearning.Builder(network).fineTuneConfiguration(fineTuning(updater, options));
    if (freeze > 0) {
      builder.setFeatureExtractor(freeze - 1);
    }
    if (options.get(MODEL_INITIAL_REPLACE_OUTPUT)) {
      int replaced = layers - 1;
      while (replaced > 0 && network.getLayer(replaced).numParams() == 0) {
        replaced--;
      }
      Optional<Long> inputs =
          replacedInputs(layerOf(network, replaced), freeze, replaced, problems);
      if (inputs.isPresent() && replaced == 0) {
        // Nothing of the model stays; DL4J's TransferLearning cannot remove every layer.
        return onlyOutputLayer(network, inputs.get(), updater, options);
      }
      if (inputs.isPresent()) {
        builder.removeLayersFromOutput(layers - replaced);
        builder.addLayer(outputLayer(inputs.get(), updater, options));
      }
    } else if (!(network.getOutputLayer() instanceof IOutputLayer)) {
      builder.addLayer(lossLayer(options));
    }
    return problems.isEmpty() ? builder.build() : network;
  }

  private static ComputationGraph adapt(
      ComputationGraph graph, ReadableConfig options, List<String> problems) {
    ComputationGraphConfiguration configuration = graph.getConfiguration();
    List<String> layerOrder =
        Arrays.stream(graph.topologicalSortOrder())
            .mapToObj(index -> graph.getVertices()[index])
            .filter(GraphVertex::hasLayer)
            .map(GraphVertex::getVertexName)
            .toList();
    int freeze = options.get(MODEL_INITIAL_FREEZE_LAYERS);
    checkFreezeLeavesALayer(freeze, layerOrder.size(), problems);
    IUpdater updater = trainingUpdater(updaterOf(graph), options);
    TransferLearning.GraphBuilder builder =
        new TransferLearning.GraphBuilder(graph)
            .fineTuneConfiguration(fineTuning(updater, options));
    if (freeze > 0 && freeze < layerOrder.size()) {
      builder.setFeatureExtractor(layerOrder.subList(0, freeze).toArray(String[]::new));
    }
    String output = configuration.getNetworkOutputs().get(0);
    if (options.get(MODEL_INITIAL_REPLACE_OUTPUT)) {
      // Walk back from the output over parameterless vertices to the layer that is replaced.
      List<String> removed = new ArrayList<>();
      String replaced = output;
      while (graph.getVertex(replaced).numParams() == 0
          && configuration.getVertexInputs().get(replaced).size() == 1
          && graph.getVertex(configuration.getVertexInputs().get(replaced).get(0)) != null) {
        removed.add(replaced);
        replaced = configuration.getVertexInputs().get(replaced).get(0);
      }
      removed.add(replaced);
      Layer replacedLayer =
          configuration.getVertices().get(replaced) instanceof LayerVertex vertex
              ? vertex.getLayerConf().getLayer()
              : null;
      Optional<Long> inputs =
          replacedInputs(replacedLayer, freeze, layerOrder.indexOf(replaced), problems);
      if (inputs.isPresent()) {
        String[] feeding = configuration.getVertexInputs().get(replaced).toArray(String[]::new);
        removed.forEach(builder::removeVertexAndConnections);
        builder.addLayer(NEW_OUTPUT, outputLayer(inputs.get(), updater, options), feeding);
        builder.setOutputs(NEW_OUTPUT);
      }
    } else if (!(graph.getOutputLayer(0) instanceof IOutputLayer)) {
      builder.addLayer(NEW_OUTPUT, lossLayer(options), output);
      builder.setOutputs(NEW_OUTPUT);
    }
    return problems.isEmpty() ? builder.build() : graph;
  }

  private static void checkFreezeLeavesALayer(int freeze, int layers, List<String> problems) {
    if (freeze >= layers) {
      problems.add(
          MODEL_INITIAL_FREEZE_LAYERS.key()
              + ": "
              + freeze
              + " must be less than the initial model's "
              + layers
              + " layers: at least one layer must train");
    }
  }

  /**
   * The number of inputs of the layer replace-output replaces, if it can be replaced: a layer with
   * nIn that is not frozen.
   */
  private static Optional<Long> replacedInputs(
      Layer replaced, int freeze, int position, List<String> problems) {
    if (!(replaced instanceof FeedForwardLayer feedForward)) {
      problems.add(
          MODEL_INITIAL_REPLACE_OUTPUT.key()
              + ": the initial model's last layer with parameters is "
              + (replaced == null ? "not a layer" : "a " + replaced.getClass().getSimpleName())
              + ", not a dense or output layer whose inputs a new output layer can take");
      return Optional.empty();
    }
    if (position < freeze) {
      problems.add(
          MODEL_INITIAL_FREEZE_LAYERS.key()
              + ": "
              + freeze
              + " would freeze layer "
              + (position + 1)
              + ", which "
              + MODEL_INITIAL_REPLACE_OUTPUT.key()
              + " replaces; freeze at most "
              + position);
      return Optional.empty();
    }
    return Optional.of(feedForward.getNIn());
  }

  /**
   * The seed for a new output layer and, with model.initial.learning-rate, the updater for the
   * layers that train; without it they keep their own.
   */
  private static FineTuneConfiguration fineTuning(IUpdater updater, ReadableConfig options) {
    FineTuneConfiguration.Builder fineTuning =
        new FineTuneConfiguration.Builder().seed(options.get(MODEL_SEED));
    if (options.get(MODEL_INITIAL_LEARNING_RATE) != null) {
      fineTuning.updater(updater);
    }
    return fineTuning.build();
  }

  /**
   * The updater of the model's first layer that has one (Adam if none has), at
   * model.initial.learning-rate if that is set: the layers that train and a new output use it.
   */
  private static IUpdater trainingUpdater(IUpdater modelUpdater, ReadableConfig options) {
    IUpdater updater = modelUpdater == null ? new Adam() : modelUpdater.clone();
    Double learningRate = options.get(MODEL_INITIAL_LEARNING_RATE);
    if (learningRate != null) {
      updater.setLrAndSchedule(learningRate, null);
    }
    return updater;
  }

  /** A network of just a new output layer, on the replaced model's input preprocessor. */
  private static MultiLayerNetwork onlyOutputLayer(
      MultiLayerNetwork replaced, long inputs, IUpdater updater, ReadableConfig options) {
    NeuralNetConfiguration.ListBuilder layers =
        new NeuralNetConfiguration.Builder()
            .seed(options.get(MODEL_SEED))
            .dataType(replaced.getLayerWiseConfigurations().getDataType())
            .list()
            .layer(outputLayer(inputs, updater, options));
    InputPreProcessor preprocessor = replaced.getLayerWiseConfigurations().getInputPreProcess(0);
    if (preprocessor != null) {
      layers.inputPreProcessor(0, preprocessor);
    }
    MultiLayerNetwork network = new MultiLayerNetwork(layers.build());
    network.init();
    return network;
  }

  private static IUpdater updaterOf(MultiLayerNetwork network) {
    for (int i = 0; i < network.getnLayers(); i++) {
      if (layerOf(network, i) instanceof BaseLayer base && base.getIUpdater() != null) {
        return base.getIUpdater();
      }
    }
    return null;
  }

  private static IUpdater updaterOf(ComputationGraph graph) {
    for (org.deeplearning4j.nn.api.Layer layer : graph.getLayers()) {
      if (layer.conf().getLayer() instanceof BaseLayer base && base.getIUpdater() != null) {
        return base.getIUpdater();
      }
    }
    return null;
  }

  private static Layer layerOf(MultiLayerNetwork network, int index) {
    return network.getLayerWiseConfigurations().getConf(index).getLayer();
  }

  private static OutputLayer outputLayer(long inputs, IUpdater updater, ReadableConfig options) {
    return ModelFactory.outputLayer(options)
        .updater(updater)
        .nIn(inputs)
        .weightInit(WeightInit.XAVIER)
        .build();
  }

  /**
   * A loss on the model's own output activations (softmax, sigmoids or identity), for a model that
   * ends without one.
   */
  private static LossLayer lossLayer(ReadableConfig options) {
    return new LossLayer.Builder(ModelFactory.outputLayer(options).build().getLossFn())
        .activation(Activation.IDENTITY)
        .build();
  }

  /**
   * Whether the model's first layers take the declared input as the trainer feeds it: the right
   * kind and width (as for a configuration file), channels first.
   */
  private static Optional<String> firstLayerProblem(Model model, InputShape input, Source source) {
    for (Layer first : firstLayers(model)) {
      Optional<String> problem =
          FirstLayers.problem(first, input, source.name())
              .or(() -> channelsLastProblem(first, source.name()));
      if (problem.isPresent()) {
        return problem.map(detail -> source.setting().key() + ": " + detail);
      }
    }
    return Optional.empty();
  }

  /** The layers the input goes into, unless DL4J reshapes it for them first. */
  private static List<Layer> firstLayers(Model model) {
    if (model instanceof MultiLayerNetwork network) {
      return network.getLayerWiseConfigurations().getInputPreProcess(0) == null
          ? List.of(layerOf(network, 0))
          : List.of();
    }
    ComputationGraphConfiguration graph = ((ComputationGraph) model).getConfiguration();
    String input = graph.getNetworkInputs().get(0);
    List<Layer> first = new ArrayList<>();
    graph
        .getVertexInputs()
        .forEach(
            (name, inputs) -> {
              if (inputs.contains(input)
                  && graph.getVertices().get(name) instanceof LayerVertex vertex
                  && vertex.getPreProcessor() == null) {
                first.add(vertex.getLayerConf().getLayer());
              }
            });
    return first;
  }

  /**
   * Keras's default is channels last, which its import keeps in the layers' formats; the trainer
   * feeds DL4J's channels-first arrays.
   */
  private static Optional<String> channelsLastProblem(Layer layer, String name) {
    boolean channelsLast =
        (layer instanceof Convolution1DLayer conv1d && conv1d.getRnnDataFormat() == RNNFormat.NWC)
            || (layer instanceof BaseRecurrentLayer recurrent
                && recurrent.getRnnDataFormat() == RNNFormat.NWC)
            || (!(layer instanceof Convolution1DLayer)
                && layer instanceof ConvolutionLayer conv
                && conv.getCnn2dDataFormat() == CNN2DFormat.NHWC);
    return channelsLast
        ? Optional.of(
            "the first layer of "
                + name
                + " takes its input channels last (Keras's channels_last), but the trainer"
                + " feeds channels first (DL4J's NCW and NCHW)")
        : Optional.empty();
  }

  /** Whether the adapted model scores each sample once with the configured number of outputs. */
  private static Optional<String> outputProblem(
      Model model, ReadableConfig options, Source source) {
    InputType in = inputType(InputShapes.of(options));
    InputType out;
    try {
      out =
          model instanceof MultiLayerNetwork network
              ? outputType(network.getLayerWiseConfigurations(), in)
              : outputType(((ComputationGraph) model).getConfiguration(), in);
    } catch (RuntimeException e) {
      return Optional.of(
          source.setting().key()
              + ": "
              + source.name()
              + " does not take model.input: "
              + firstLine(e));
    }
    int expected = ModelFactory.outputs(options);
    if (out instanceof InputType.InputTypeFeedForward feedForward
        && feedForward.getSize() == expected) {
      return Optional.empty();
    }
    return Optional.of(
        source.setting().key()
            + ": "
            + source.name()
            + " gives "
            + out
            + " per sample but "
            + ModelFactory.describeOutputs(options)
            + "; set "
            + MODEL_INITIAL_REPLACE_OUTPUT.key()
            + " to give it a new output layer");
  }

  /**
   * What the network scores a sample with: a loss layer's input, since DL4J reports a loss layer
   * without nOut as having no outputs.
   */
  private static InputType outputType(MultiLayerConfiguration network, InputType in) {
    List<InputType> types = network.getLayerActivationTypes(in);
    int last = types.size() - 1;
    boolean endsInLoss = network.getConf(last).getLayer() instanceof LossLayer;
    return endsInLoss ? (last == 0 ? in : types.get(last - 1)) : types.get(last);
  }

  private static InputType outputType(ComputationGraphConfiguration graph, InputType in) {
    Map<String, InputType> types = graph.getLayerActivationTypes(in);
    String output = graph.getNetworkOutputs().get(0);
    boolean endsInLoss =
        graph.getVertices().get(output) instanceof LayerVertex vertex
            && vertex.getLayerConf().getLayer() instanceof LossLayer;
    if (!endsInLoss) {
      return types.get(output);
    }
    String feeding = graph.getVertexInputs().get(output).get(0);
    return graph.getNetworkInputs().contains(feeding) ? in : types.get(feeding);
  }

  /** The input as the trainer feeds it: channels first. */
  static InputType inputType(InputShape input) {
    return switch (input.kind()) {
      case VECTOR -> InputType.feedForward(input.features());
      case SEQUENCE -> InputType.recurrent(input.channels(), input.timesteps(), RNNFormat.NCW);
      case GRID ->
          InputType.convolutional(
              input.height(), input.width(), input.channels(), CNN2DFormat.NCHW);
    };
  }

  private static String configurationJson(Model model) {
    return model instanceof MultiLayerNetwork network
        ? network.getLayerWiseConfigurations().toJson()
        : ((ComputationGraph) model).getConfiguration().toJson();
  }

  private static byte[] serialized(Model model) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      ModelSerializer.writeModel(model, bytes, false);
    } catch (IOException e) {
      throw new IllegalStateException("Cannot serialize the initial model in memory", e);
    }
    return bytes.toByteArray();
  }

  private static boolean startsWith(byte[] bytes, byte[] prefix) {
    return bytes.length >= prefix.length
        && Arrays.equals(Arrays.copyOf(bytes, prefix.length), prefix);
  }

  static String firstLine(Exception e) {
    return e.getMessage() == null
        ? e.toString()
        : e.getMessage().lines().findFirst().orElse(e.toString());
  }

  private static void throwIfAny(List<String> problems) {
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
  }

  private static ConfigException problem(String detail, Throwable cause) {
    return new ConfigException(MODEL_INITIAL.key() + ": " + detail, cause);
  }
}
