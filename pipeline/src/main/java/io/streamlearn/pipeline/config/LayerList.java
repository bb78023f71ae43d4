package io.streamlearn.pipeline.config;

import static io.streamlearn.pipeline.config.Problems.quote;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_ACTIVATION;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_LAYERS;

import io.streamlearn.operators.InputShape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.apache.flink.configuration.ReadableConfig;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.Subsampling1DLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.nd4j.linalg.activations.Activation;

/**
 * The network of {@code model.layers}: each entry a map with a {@code type} and that type's
 * options, turned into DL4J layer configurations. It follows the shape of the data from model.input
 * through the list, so that each layer is checked against what it receives (a recurrent layer needs
 * a sequence, conv2d a grid, a dense layer a vector or a grid, which is flattened) and every
 * problem names the layer, counted from 1, and its option.
 */
final class LayerList {

  /** The type whose entry, last in the list, takes the output layer's own options. */
  static final String OUTPUT = "output";

  private static final String TYPE = "type";
  private static final String DROPOUT = "dropout";
  private static final String ACTIVATION = "activation";

  /** Each layer type with the options it takes besides its type. */
  private static final Map<String, Set<String>> OPTIONS =
      Map.ofEntries(
          Map.entry("dense", Set.of("units", ACTIVATION, DROPOUT)),
          Map.entry("conv1d", Set.of("filters", "kernel", "stride", "mode", ACTIVATION, DROPOUT)),
          Map.entry("conv2d", Set.of("filters", "kernel", "stride", "mode", ACTIVATION, DROPOUT)),
          Map.entry("subsampling", Set.of("pooling", "kernel", "stride", "mode")),
          Map.entry("lstm", Set.of("units", ACTIVATION, "bidirectional", "last-step", DROPOUT)),
          Map.entry(
              "simple-rnn", Set.of("units", ACTIVATION, "bidirectional", "last-step", DROPOUT)),
          Map.entry("global-pooling", Set.of("pooling")),
          Map.entry("batch-norm", Set.of()),
          Map.entry("dropout", Set.of("rate")),
          Map.entry(OUTPUT, Set.of(DROPOUT)));

  private final ReadableConfig options;
  private final List<String> problems = new ArrayList<>();

  /** Where the layer being read stands: its number from 1 and its type, for messages. */
  private String where;

  private Map<String, String> entry;

  private LayerList(ReadableConfig options) {
    this.options = options;
  }

  /**
   * The hidden layers of the list, and the output layer's dropout (drop probability, 0 for none)
   * when the list ends with an {@code output} entry.
   */
  record Layers(List<Layer> hidden, double outputDropout) {}

  /**
   * Reads the list for an input of {@code input}.
   *
   * @throws ConfigException naming each layer and option that is wrong
   */
  static Layers read(List<Map<String, String>> entries, InputShape input, ReadableConfig options) {
    return new LayerList(options).readAll(entries, input);
  }

  /** DL4J's description of the input, as the first layer receives it. */
  static InputType inputType(InputShape input) {
    return switch (input.kind()) {
      case VECTOR -> InputType.feedForward(input.features());
      case SEQUENCE -> InputType.recurrent(input.channels(), input.timesteps());
      case GRID -> InputType.convolutional(input.height(), input.width(), input.channels());
    };
  }

  private Layers readAll(List<Map<String, String>> entries, InputShape input) {
    if (entries.isEmpty()) {
      throw new ConfigException(
          List.of(
              MODEL_LAYERS.key()
                  + ": the list is empty; give at least one layer, or leave it unset"));
    }
    List<Layer> hidden = new ArrayList<>();
    double outputDropout = 0;
    InputType current = inputType(input);
    for (int i = 0; i < entries.size(); i++) {
      entry = entries.get(i);
      String type = entry.getOrDefault(TYPE, "").trim().toLowerCase(Locale.ROOT);
      where = "layer " + (i + 1) + (type.isEmpty() ? "" : " (" + type + ")");
      if (!knownWithKnownOptions(type)) {
        continue;
      }
      if (type.equals(OUTPUT)) {
        if (i != entries.size() - 1) {
          problem("the output layer must be the last entry");
        }
        outputDropout = probability(DROPOUT, 0);
        continue;
      }
      Layer layer = layer(type, current);
      if (layer != null) {
        current = outputOf(layer, i, current);
        hidden.add(layer);
      }
    }
    if (problems.isEmpty() && current.getType() == InputType.Type.RNN) {
      problems.add(
          MODEL_LAYERS.key()
              + ": the last layer gives a sequence, but the output layer scores each sample"
              + " once; end the sequence part with global-pooling, or set last-step: true on the"
              + " last lstm or simple-rnn");
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return new Layers(hidden, outputDropout);
  }

  private boolean knownWithKnownOptions(String type) {
    Set<String> allowed = OPTIONS.get(type);
    if (allowed == null) {
      problem(
          (type.isEmpty() ? "has no type" : "unknown type " + quote(type))
              + "; the types are "
              + String.join(", ", new TreeSet<>(OPTIONS.keySet())));
      return false;
    }
    boolean known = true;
    for (String option : entry.keySet()) {
      if (!option.equals(TYPE) && !allowed.contains(option)) {
        problem(
            "unknown option "
                + quote(option)
                + "; a "
                + type
                + " layer takes "
                + (allowed.isEmpty() ? "no options" : String.join(", ", new TreeSet<>(allowed))));
        known = false;
      }
    }
    return known;
  }

  /** The layer an entry describes, or null when the entry or what it receives is wrong. */
  private Layer layer(String type, InputType receives) {
    InputType.Type kind = receives.getType();
    return switch (type) {
      case "dense" ->
          takesVector(kind)
              ? withDropout(
                  new DenseLayer.Builder()
                      .nOut(positive("units"))
                      .activation(activation(defaultActivation()))
                      .build())
              : null;
      case "conv1d" ->
          takes(kind, InputType.Type.RNN, "a sequence")
              ? withDropout(
                  new Convolution1DLayer.Builder()
                      .nOut(positive("filters"))
                      .kernelSize(positive("kernel"))
                      .stride(positiveOr("stride", 1))
                      .convolutionMode(mode())
                      .activation(activation(Activation.RELU))
                      .build())
              : null;
      case "conv2d" ->
          takes(kind, InputType.Type.CNN, "a grid")
              ? withDropout(
                  new ConvolutionLayer.Builder()
                      .nOut(positive("filters"))
                      .kernelSize(pair("kernel", null))
                      .stride(pair("stride", new int[] {1, 1}))
                      .convolutionMode(mode())
                      .activation(activation(Activation.RELU))
                      .build())
              : null;
      case "subsampling" -> subsampling(kind);
      case "lstm", "simple-rnn" -> recurrent(type, kind);
      case "global-pooling" ->
          kind == InputType.Type.FF
              ? notFor("a vector, which has nothing to pool over")
              : new GlobalPoolingLayer.Builder(pooling(PoolingType.MAX))
                  .collapseDimensions(true)
                  .build();
      case "batch-norm" ->
          kind == InputType.Type.RNN
              ? notFor("a sequence; DL4J normalizes vectors and grids")
              : new BatchNormalization.Builder().build();
      case "dropout" -> new DropoutLayer(TrainingControls.retainProbability(rate()));
      default -> throw new IllegalStateException("no builder for the layer type " + type);
    };
  }

  private Layer subsampling(InputType.Type kind) {
    SubsamplingLayer.PoolingType pooling =
        SubsamplingLayer.PoolingType.valueOf(pooling(PoolingType.MAX).name());
    if (kind == InputType.Type.RNN) {
      int kernel = positive("kernel");
      return new Subsampling1DLayer.Builder(pooling, kernel, positiveOr("stride", kernel))
          .convolutionMode(mode())
          .build();
    }
    if (kind == InputType.Type.CNN) {
      int[] kernel = pair("kernel", null);
      return new SubsamplingLayer.Builder(pooling, kernel, pair("stride", kernel))
          .convolutionMode(mode())
          .build();
    }
    return notFor("a vector; pooling takes a sequence or a grid");
  }

  private Layer recurrent(String type, InputType.Type kind) {
    if (!takes(kind, InputType.Type.RNN, "a sequence")) {
      return null;
    }
    int units = positive("units");
    Activation activation = activation(Activation.TANH);
    Layer layer =
        type.equals("lstm")
            ? new LSTM.Builder().nOut(units).activation(activation).build()
            : new SimpleRnn.Builder().nOut(units).activation(activation).build();
    withDropout(layer);
    if (flag("bidirectional")) {
      layer = new Bidirectional(Bidirectional.Mode.CONCAT, layer);
    }
    return flag("last-step") ? new LastTimeStep(layer) : layer;
  }

  /** What the next layer receives from {@code layer}, which receives {@code input}. */
  private static InputType outputOf(Layer layer, int index, InputType input) {
    InputType receives = input;
    if (input.getType() == InputType.Type.CNN && flattens(layer)) {
      receives = InputType.feedForward(input.arrayElementsPerExample());
    }
    layer.setNIn(receives, true);
    if (layer instanceof GlobalPoolingLayer && input.getType() == InputType.Type.RNN) {
      // DL4J reports the sequence type here, though the layer's output is one vector per sample.
      return InputType.feedForward(((InputType.InputTypeRecurrent) input).getSize());
    }
    return layer.getOutputType(index, receives);
  }

  /** Dense layers take a grid flattened into a vector, as DL4J's preprocessor gives it. */
  private static boolean flattens(Layer layer) {
    return layer instanceof DenseLayer;
  }

  private boolean takesVector(InputType.Type kind) {
    if (kind == InputType.Type.RNN) {
      problem(
          "receives a sequence, but a dense layer takes a vector; put global-pooling before it,"
              + " or set last-step: true on the lstm or simple-rnn before it");
      return false;
    }
    return true;
  }

  private boolean takes(InputType.Type kind, InputType.Type needed, String neededName) {
    if (kind != needed) {
      problem("takes " + neededName + ", but receives " + describe(kind) + inputHint(kind));
      return false;
    }
    return true;
  }

  private static String describe(InputType.Type kind) {
    return switch (kind) {
      case FF, CNNFlat -> "a vector";
      case RNN -> "a sequence";
      case CNN, CNN3D -> "a grid";
    };
  }

  private String inputHint(InputType.Type kind) {
    return where.startsWith("layer 1 ")
        ? " (model.input.type is " + describe(kind).substring(2).toUpperCase(Locale.ROOT) + ")"
        : "";
  }

  private Layer notFor(String what) {
    problem("cannot take " + what);
    return null;
  }

  private Layer withDropout(Layer layer) {
    double drop = probability(DROPOUT, 0);
    if (drop > 0 && layer instanceof BaseLayer base) {
      base.setIDropout(new Dropout(TrainingControls.retainProbability(drop)));
    }
    return layer;
  }

  private Activation defaultActivation() {
    return ActivationNameConstraint.lookup(options.get(MODEL_ACTIVATION)).orElseThrow();
  }

  private Activation activation(Activation fallback) {
    String name = entry.get(ACTIVATION);
    if (name == null) {
      return fallback;
    }
    return ActivationNameConstraint.lookup(name)
        .orElseGet(
            () -> {
              problem(ACTIVATION + " " + quote(name) + " is not a DL4J activation");
              return fallback;
            });
  }

  private ConvolutionMode mode() {
    return choice(
        "mode",
        Map.of("same", ConvolutionMode.Same, "truncate", ConvolutionMode.Truncate),
        ConvolutionMode.Same);
  }

  private PoolingType pooling(PoolingType fallback) {
    return choice(
        "pooling",
        Map.of("max", PoolingType.MAX, "avg", PoolingType.AVG, "sum", PoolingType.SUM),
        fallback);
  }

  private <T> T choice(String option, Map<String, T> byName, T fallback) {
    String raw = entry.get(option);
    if (raw == null) {
      return fallback;
    }
    T value = byName.get(raw.trim().toLowerCase(Locale.ROOT));
    if (value == null) {
      problem(
          option
              + " "
              + quote(raw)
              + " is not one of "
              + String.join(", ", new TreeSet<>(byName.keySet())));
      return fallback;
    }
    return value;
  }

  private boolean flag(String option) {
    String raw = entry.get(option);
    if (raw == null || raw.equalsIgnoreCase("false")) {
      return false;
    }
    if (raw.equalsIgnoreCase("true")) {
      return true;
    }
    problem(option + " " + quote(raw) + " is not true or false");
    return false;
  }

  private double rate() {
    if (!entry.containsKey("rate")) {
      problem("rate is required: the probability of dropping each input, from 0 up to 1");
      return 0;
    }
    return probability("rate", 0);
  }

  /** A drop probability: 0 or more and less than 1. */
  private double probability(String option, double fallback) {
    String raw = entry.get(option);
    if (raw == null) {
      return fallback;
    }
    Double value = parsed(option, raw, Double::parseDouble, "a number");
    if (value == null) {
      return fallback;
    }
    if (!(value >= 0 && value < 1)) {
      problem(option + " " + raw + " is out of range, must be >= 0 and < 1");
      return fallback;
    }
    return value;
  }

  private int positive(String option) {
    if (!entry.containsKey(option)) {
      problem(option + " is required");
      return 1;
    }
    return positiveOr(option, 1);
  }

  private int positiveOr(String option, int fallback) {
    String raw = entry.get(option);
    if (raw == null) {
      return fallback;
    }
    Integer value = parsed(option, raw, Integer::parseInt, "an integer");
    if (value == null) {
      return fallback;
    }
    if (value < 1) {
      problem(option + " " + raw + " is out of range, must be >= 1");
      return fallback;
    }
    return value;
  }

  /** A size in two dimensions, written as one number for both or as "rows,columns". */
  private int[] pair(String option, int[] fallback) {
    String raw = entry.get(option);
    if (raw == null) {
      if (fallback == null) {
        problem(option + " is required: one size for both dimensions, or [rows, columns]");
        return new int[] {1, 1};
      }
      return fallback;
    }
    String[] parts = raw.replace("[", "").replace("]", "").split(",");
    int[] sizes =
        Arrays.stream(parts)
            .map(String::trim)
            .mapToInt(part -> part.matches("[1-9][0-9]{0,8}") ? Integer.parseInt(part) : -1)
            .toArray();
    if (sizes.length > 2 || Arrays.stream(sizes).anyMatch(size -> size < 1)) {
      problem(
          option + " " + quote(raw) + " is not one size >= 1, or two of them as [rows, columns]");
      return fallback == null ? new int[] {1, 1} : fallback;
    }
    return sizes.length == 1 ? new int[] {sizes[0], sizes[0]} : sizes;
  }

  private <T> T parsed(String option, String raw, Function<String, T> parser, String expected) {
    try {
      return parser.apply(raw.trim());
    } catch (NumberFormatException e) {
      problem(option + " " + quote(raw) + " is not " + expected);
      return null;
    }
  }

  private void problem(String detail) {
    problems.add(MODEL_LAYERS.key() + ": " + where + ": " + detail);
  }
}
