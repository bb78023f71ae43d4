package io.streamlearn.pipeline.config;

import static io.streamlearn.pipeline.config.Problems.quote;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_CONFIGURATION_FILE;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_HIDDEN_LAYERS;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_LAYERS;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_STEPS_PER_BATCH;

import io.streamlearn.operators.InputShape;
import io.streamlearn.operators.KeyModels;
import io.streamlearn.operators.ModelOverride;
import io.streamlearn.operators.ModelSpec;
import io.streamlearn.operators.state.FeatureStatistics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;

/**
 * A validated Streamlearn configuration: {@link StreamlearnOptions} values read from a YAML file
 * and command-line overrides, plus native Flink options given as {@code flink.*} keys.
 *
 * <p>All validation happens while loading, and every problem is reported in one {@link
 * ConfigException}, so a job never starts with a configuration that fails later.
 */
public final class StreamlearnConfig {

  /** Keys with this prefix are native Flink options, passed through with the prefix removed. */
  static final String FLINK_PREFIX = "flink.";

  private static final List<String> KNOWN_KEYS =
      StreamlearnOptions.all().stream().map(ConfigOption::key).toList();

  /** The typed values that were given; options not in here take their defaults. */
  private final Configuration values;

  private final Configuration flinkPassThrough;

  /** The network as DL4J JSON: a MultiLayerConfiguration's or a ComputationGraphConfiguration's. */
  private final String model;

  /**
   * Where new keys start (model.initial or model.initial.parent-key, as a ModelSerializer zip);
   * null: seeded weights.
   */
  private final byte[] initialModel;

  /** The model of keys no override matches. */
  private final ModelSpec defaultModel;

  /** model.overrides, built and checked. */
  private final List<ModelOverride> overrides;

  /** model.overrides as given: each override's keys, by its number. */
  private final SortedMap<Integer, Map<String, String>> overrideKeys;

  /** The version of each model.initial.parent-key's checkpoint new keys start from, by key. */
  private final SortedMap<String, Long> parentVersions;

  private StreamlearnConfig(
      Configuration values,
      Configuration flinkPassThrough,
      Resolved model,
      List<ModelOverride> overrides,
      SortedMap<Integer, Map<String, String>> overrideKeys,
      SortedMap<String, Long> parentVersions) {
    this.values = values;
    this.flinkPassThrough = flinkPassThrough;
    this.model = model.configurationJson();
    this.initialModel = model.initialModel();
    this.defaultModel = model.spec();
    this.overrides = overrides;
    this.overrideKeys = overrideKeys;
    this.parentVersions = parentVersions;
  }

  /**
   * A configuration's values and default model as checked: null parts where they have problems.
   *
   * @param spec the model keys train, or null where it could not be built
   */
  private record Resolved(
      Configuration values, String configurationJson, byte[] initialModel, ModelSpec spec) {

    /** A network without initial model, or none where it has problems. */
    Resolved(Configuration values, String configurationJson, Problems problems) {
      this(values, configurationJson, null, null, problems);
    }

    Resolved(Configuration values, InitialModels.InitialModel initial, Problems problems) {
      this(values, initial.configurationJson(), initial.modelZip(), initial.statistics(), problems);
    }

    private Resolved(
        Configuration values,
        String configurationJson,
        byte[] initialModel,
        FeatureStatistics initialStatistics,
        Problems problems) {
      this(
          values,
          configurationJson,
          initialModel,
          configurationJson == null || problems.concernAny(List.of(MODEL_STEPS_PER_BATCH))
              ? null
              : new ModelSpec(
                  configurationJson,
                  values.get(MODEL_STEPS_PER_BATCH),
                  initialModel,
                  initialStatistics));
    }
  }

  /**
   * Loads a YAML file, nested ({@code batch: {size: 64}}) or flat ({@code batch.size: 64}), with
   * overrides that win over the file's values.
   *
   * @throws ConfigException listing every problem found
   */
  public static StreamlearnConfig load(Path yamlFile, Map<String, String> overrides) {
    return load(yamlFile, overrides, ParentCheckpoints.fromKafka());
  }

  /**
   * Loads a YAML file as {@link #load(Path, Map)} does, finding the checkpoint that
   * model.initial.parent-key names in {@code parents}.
   */
  public static StreamlearnConfig load(
      Path yamlFile, Map<String, String> overrides, ParentCheckpoints parents) {
    Problems problems = new Problems();
    Map<String, String> flat = new HashMap<>(YamlConfigFile.read(yamlFile, problems));
    flat.putAll(overrides);
    return validate(flat, problems, parents);
  }

  /**
   * Validates flat dotted keys and their values as text, e.g. "batch.size" → "64". A
   * model.initial.parent-key's checkpoint is read from the job's checkpoints topic.
   *
   * @throws ConfigException listing every problem found
   */
  public static StreamlearnConfig fromMap(Map<String, String> flat) {
    return fromMap(flat, ParentCheckpoints.fromKafka());
  }

  /** Validates as {@link #fromMap(Map)}, finding a parent key's checkpoint in {@code parents}. */
  public static StreamlearnConfig fromMap(Map<String, String> flat, ParentCheckpoints parents) {
    return validate(flat, new Problems(), parents);
  }

  /**
   * Parses command-line overrides of the form {@code key=value}; the value may be empty or contain
   * '=', and a later override of a key wins over an earlier one.
   *
   * @throws ConfigException naming every argument without '='
   */
  public static Map<String, String> parseOverrides(List<String> arguments) {
    Map<String, String> overrides = new LinkedHashMap<>();
    List<String> malformed = new ArrayList<>();
    for (String argument : arguments) {
      int equals = argument.indexOf('=');
      if (equals <= 0) {
        malformed.add("override " + quote(argument) + " is not of the form key=value");
      } else {
        overrides.put(argument.substring(0, equals).trim(), argument.substring(equals + 1).trim());
      }
    }
    if (!malformed.isEmpty()) {
      throw new ConfigException(malformed);
    }
    return overrides;
  }

  /**
   * The option's value, or its default when not set; null for {@link
   * StreamlearnOptions#MODEL_CONFIGURATION_FILE} and {@link StreamlearnOptions#KAFKA_TOPIC_LABELS}
   * when not set. Compact model keys keep their values here even when a configuration file defines
   * the network: use {@link #modelConfigurationJson()} for the network.
   */
  public <T> T get(ConfigOption<T> option) {
    if (!KNOWN_KEYS.contains(option.key())) {
      throw new IllegalArgumentException(option.key() + " is not one of StreamlearnOptions");
    }
    return values.get(option);
  }

  /**
   * The Flink configuration for the job: the flink.* keys without their prefix, plus the Flink
   * options that job.* keys set. A new copy on each call, so callers may add to it.
   */
  public Configuration flinkConfiguration() {
    Configuration flink = new Configuration(flinkPassThrough);
    DerivedFlinkOptions.applyTo(flink, values);
    return flink;
  }

  /**
   * The network configuration as DL4J JSON, a MultiLayerConfiguration's or a
   * ComputationGraphConfiguration's, built and checked once while loading.
   */
  public String modelConfigurationJson() {
    return model;
  }

  /**
   * The model.initial (or model.initial.parent-key) network every new key starts from, adapted as
   * model.initial.* says, in DL4J's ModelSerializer zip format; its configuration is {@link
   * #modelConfigurationJson()}. Null when neither is set.
   */
  public byte[] initialModel() {
    return initialModel;
  }

  /**
   * The feature statistics every new key's scaling starts from: those of the parent key's
   * checkpoint (model.initial.parent-key) when it has a scaler, else null.
   */
  public FeatureStatistics initialStatistics() {
    return defaultModel.initialStatistics();
  }

  /**
   * The version of the checkpoint that new keys start from, of each key that
   * model.initial.parent-key names (for the default model or an override), by key; empty when none
   * does.
   */
  public SortedMap<String, Long> parentVersions() {
    return parentVersions;
  }

  /**
   * The keys whose model is not the default one (model.overrides), in the order they are tried,
   * each with its model built and checked.
   */
  public List<ModelOverride> modelOverrides() {
    return overrides;
  }

  /**
   * The network configuration of a layer stack. Each call returns a new copy because a
   * MultiLayerNetwork keeps and mutates its configuration (iteration and epoch counts), and
   * networks must not share one.
   *
   * @throws IllegalStateException if the network is a ComputationGraph
   */
  public MultiLayerConfiguration modelConfiguration() {
    if (KeyModels.isGraph(model)) {
      throw new IllegalStateException("the network is a ComputationGraph, not a layer stack");
    }
    return MultiLayerConfiguration.fromJson(model);
  }

  /**
   * Whether the keys' models train fused ({@link StreamlearnOptions#TRAINER_MODE}): {@code fused},
   * or {@code auto} and the models are ones the fused trainer trains. Builds the network once.
   */
  public boolean fusedTraining() {
    return TrainerModes.fused(values, defaultModel, overrides);
  }

  /** How the features of a sample are laid out for the network (model.input.*). */
  public InputShape inputShape() {
    return InputShapes.of(values);
  }

  /**
   * The effective configuration as flat keys and text values, defaults included, in the form {@link
   * #fromMap} accepts: fromMap(toMap()) gives an equal configuration. Compact model keys are left
   * out when a configuration file defines the network, model.hidden-layers when model.layers does,
   * and unset options without default.
   */
  public Map<String, String> toMap() {
    boolean networkFromFile = values.contains(MODEL_CONFIGURATION_FILE);
    boolean networkFromInitial = InitialModelRules.isSet(values);
    Map<String, String> map = new LinkedHashMap<>();
    for (ConfigOption<?> option : StreamlearnOptions.all()) {
      Object value = values.get(option);
      boolean replacedByFile =
          networkFromFile && ModelFactory.COMPACT_SPEC.contains(option)
              || networkFromInitial && InitialModels.REPLACED_KEYS.contains(option);
      boolean replacedByLayers =
          option.equals(MODEL_HIDDEN_LAYERS) && values.contains(MODEL_LAYERS);
      if (value != null && !replacedByFile && !replacedByLayers) {
        map.put(option.key(), OptionValues.format(value));
      }
    }
    map.putAll(ModelOverrides.flat(overrideKeys));
    new TreeMap<>(flinkPassThrough.toMap())
        .forEach((key, value) -> map.put(FLINK_PREFIX + key, value));
    return map;
  }

  private static StreamlearnConfig validate(
      Map<String, String> given, Problems problems, ParentCheckpoints parents) {
    ParentsReadOnce readOnce = new ParentsReadOnce(parents);
    Map<String, String> flat = new HashMap<>(given);
    SortedMap<Integer, Map<String, String>> overrideKeys = ModelOverrides.extract(flat, problems);
    Map<String, String> known = new HashMap<>();
    Map<String, String> passThrough = new HashMap<>();
    // Sorted, so that problems about unknown keys come in a stable order.
    for (Map.Entry<String, String> entry : new TreeMap<>(flat).entrySet()) {
      String key = entry.getKey();
      if (entry.getValue() == null) {
        // Like an empty value in YAML: the key is not set.
        continue;
      }
      String value = entry.getValue().trim();
      if (KNOWN_KEYS.contains(key)) {
        known.put(key, value);
      } else if (key.startsWith(FLINK_PREFIX) && key.length() > FLINK_PREFIX.length()) {
        passThrough.put(key.substring(FLINK_PREFIX.length()), value);
      } else {
        problems.add(
            "unknown key "
                + quote(key)
                + " (did you mean "
                + quote(KeySuggestions.closest(key, KNOWN_KEYS))
                + "?)");
      }
    }
    Configuration flinkPassThrough = Configuration.fromMap(passThrough);
    Resolved model = resolve(known, flinkPassThrough, problems, readOnce);
    List<ModelOverride> overrides =
        ModelOverrides.resolve(
            overrideKeys,
            known,
            !problems.isEmpty(),
            (keys, overrideProblems) ->
                resolve(keys, new Configuration(), overrideProblems, readOnce).spec(),
            problems);
    TrainerModes.check(model.values(), model.spec(), overrides, problems);
    problems.throwIfAny();
    return new StreamlearnConfig(
        model.values(), flinkPassThrough, model, overrides, overrideKeys, readOnce.versions());
  }

  /** Parses and checks the keys, and builds the model they describe unless they have problems. */
  private static Resolved resolve(
      Map<String, String> known,
      Configuration flinkPassThrough,
      Problems problems,
      ParentCheckpoints parents) {
    Configuration values = OptionParser.parse(known, problems);
    OptionConstraints.check(values, known, problems);
    CrossOptionRules.check(values, known, flinkPassThrough, problems);
    if (InitialModelRules.isSet(values)) {
      InitialModels.InitialModel initial =
          loadInitialModelUnlessInputsAreInvalid(values, problems, parents);
      return initial == null
          ? new Resolved(values, null, null, null)
          : new Resolved(values, initial, problems);
    }
    return new Resolved(values, buildModelUnlessInputsAreInvalid(values, problems), problems);
  }

  private static InitialModels.InitialModel loadInitialModelUnlessInputsAreInvalid(
      Configuration values, Problems problems, ParentCheckpoints parents) {
    if (problems.concernAny(ModelFactory.INPUTS)
        || problems.concernAny(InitialModels.KEYS)
        || values.contains(StreamlearnOptions.MODEL_INITIAL_PARENT_KEY)
            && problems.concernAny(ParentKeyModels.INPUTS)) {
      return null;
    }
    try {
      return InitialModels.load(values, parents);
    } catch (ConfigException e) {
      problems.addAll(e);
      return null;
    }
  }

  private static String buildModelUnlessInputsAreInvalid(Configuration values, Problems problems) {
    if (problems.concernAny(ModelFactory.INPUTS)) {
      return null;
    }
    try {
      return ModelFactory.create(values);
    } catch (ConfigException e) {
      problems.addAll(e);
      return null;
    }
  }
}
