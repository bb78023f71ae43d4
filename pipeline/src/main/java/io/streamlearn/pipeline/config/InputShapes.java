package io.streamlearn.pipeline.config;

import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_CONFIGURATION_FILE;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_FEATURES;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_INPUT_CHANNELS;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_INPUT_HEIGHT;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_INPUT_TIMESTEPS;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_INPUT_TYPE;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_INPUT_WIDTH;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_LAYERS;

import io.streamlearn.operators.InputShape;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;

/** The model.input.* keys: which dimensions each input type needs, and the shape they give. */
final class InputShapes {

  /** The dimension keys, each set only for the input types that have it. */
  static final List<ConfigOption<?>> DIMENSIONS =
      List.of(MODEL_INPUT_TIMESTEPS, MODEL_INPUT_HEIGHT, MODEL_INPUT_WIDTH, MODEL_INPUT_CHANNELS);

  /** Every key the input shape depends on. */
  static final List<ConfigOption<?>> KEYS =
      Stream.concat(Stream.of(MODEL_INPUT_TYPE, MODEL_FEATURES), DIMENSIONS.stream()).toList();

  private InputShapes() {}

  /** The input shape of a valid configuration. */
  static InputShape of(ReadableConfig values) {
    return switch (values.get(MODEL_INPUT_TYPE)) {
      case VECTOR -> InputShape.vector(values.get(MODEL_FEATURES));
      case SEQUENCE ->
          InputShape.sequence(values.get(MODEL_INPUT_TIMESTEPS), values.get(MODEL_INPUT_CHANNELS));
      case GRID ->
          InputShape.grid(
              values.get(MODEL_INPUT_HEIGHT),
              values.get(MODEL_INPUT_WIDTH),
              values.get(MODEL_INPUT_CHANNELS));
    };
  }

  /**
   * Each input type's dimensions must be set, and only those; together they must hold
   * model.features values; and only a configuration file describes networks for inputs other than
   * vectors.
   */
  static void check(Configuration values, Problems problems) {
    if (problems.concernAny(KEYS)) {
      return;
    }
    InputShape.Kind kind = values.get(MODEL_INPUT_TYPE);
    List<ConfigOption<Integer>> needed = dimensionsOf(kind);
    boolean complete = true;
    for (ConfigOption<?> dimension : DIMENSIONS) {
      boolean isNeeded = needed.contains(dimension);
      if (isNeeded && !values.contains(dimension)) {
        problems.add(dimension, "required when " + MODEL_INPUT_TYPE.key() + " is " + kind);
        complete = false;
      } else if (!isNeeded && values.contains(dimension)) {
        problems.add(
            dimension,
            "only used when "
                + MODEL_INPUT_TYPE.key()
                + " is "
                + typesWith(dimension)
                + ", but it is "
                + kind
                + "; remove it or set the type");
      }
    }
    if (!complete || kind == InputShape.Kind.VECTOR) {
      return;
    }
    InputShape shape = of(values);
    int features = values.get(MODEL_FEATURES);
    if (shape.features() != features) {
      problems.add(
          MODEL_INPUT_TYPE,
          kind
              + " of "
              + needed.stream()
                  .map(dimension -> values.get(dimension) + " " + dimension.key())
                  .collect(Collectors.joining(" x "))
              + " holds "
              + shape.features()
              + " values per sample, but "
              + MODEL_FEATURES.key()
              + " is "
              + features
              + "; they must be equal");
    }
    if (!values.contains(MODEL_CONFIGURATION_FILE)
        && !values.contains(MODEL_LAYERS)
        && !InitialModelRules.isSet(values)) {
      problems.add(
          MODEL_INPUT_TYPE,
          kind
              + " needs "
              + MODEL_LAYERS.key()
              + ", "
              + MODEL_CONFIGURATION_FILE.key()
              + ", "
              + StreamlearnOptions.MODEL_INITIAL.key()
              + " or "
              + StreamlearnOptions.MODEL_INITIAL_PARENT_KEY.key()
              + ": model.hidden-layers builds dense networks, which take vectors");
    }
  }

  private static List<ConfigOption<Integer>> dimensionsOf(InputShape.Kind kind) {
    return switch (kind) {
      case VECTOR -> List.of();
      case SEQUENCE -> List.of(MODEL_INPUT_TIMESTEPS, MODEL_INPUT_CHANNELS);
      case GRID -> List.of(MODEL_INPUT_HEIGHT, MODEL_INPUT_WIDTH, MODEL_INPUT_CHANNELS);
    };
  }

  private static String typesWith(ConfigOption<?> dimension) {
    return Stream.of(InputShape.Kind.values())
        .filter(kind -> dimensionsOf(kind).contains(dimension))
        .map(InputShape.Kind::name)
        .collect(Collectors.joining(" or "));
  }
}
