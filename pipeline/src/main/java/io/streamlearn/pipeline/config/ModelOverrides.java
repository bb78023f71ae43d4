package io.streamlearn.pipeline.config;

import static io.streamlearn.pipeline.config.Problems.quote;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_CONFIGURATION_FILE;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_HIDDEN_LAYERS;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_INITIAL;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_INITIAL_PARENT_KEY;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_LAYERS;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_OVERRIDES;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_STEPS_PER_BATCH;

import io.streamlearn.operators.ModelOverride;
import io.streamlearn.operators.ModelSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Stream;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

/**
 * model.overrides: keys whose model is not the default one. In flat form each override is a set of
 * keys {@code model.overrides[N].pattern} and {@code model.overrides[N].<model key without
 * "model.">}, numbered from 0 in the order they are tried; a YAML list under model.overrides
 * becomes those keys ({@link YamlConfigFile}), and so does {@code --set model.overrides=...} in
 * Flink's notation for a list of maps.
 *
 * <p>Each override's model is checked as the default's is, on the default's keys with the
 * override's keys put over them, so that every rule and every check against model.input applies to
 * it; a problem with one of the override's own keys names it as {@code model.overrides[N].key}.
 */
final class ModelOverrides {

  /** The key that holds an override's key pattern. */
  static final String PATTERN = "pattern";

  /** A flat override key: its number, then the key it sets. */
  private static final Pattern INDEXED =
      Pattern.compile(Pattern.quote(MODEL_OVERRIDES.key()) + "\\[(\\d+)]\\.(.+)");

  private static final String MODEL_PREFIX = "model.";

  /** The keys that say what the network is: an override that sets one replaces all of them. */
  static final List<ConfigOption<?>> NETWORK =
      Stream.concat(
              Stream.of(MODEL_HIDDEN_LAYERS, MODEL_LAYERS, MODEL_CONFIGURATION_FILE),
              InitialModels.KEYS.stream())
          .toList();

  /** The keys an override may set; the others are the same for every key of a job. */
  static final List<ConfigOption<?>> OVERRIDABLE =
      Stream.of(ModelFactory.COMPACT_SPEC, NETWORK, List.<ConfigOption<?>>of(MODEL_STEPS_PER_BATCH))
          .flatMap(List::stream)
          .distinct()
          .toList();

  private static final List<String> OVERRIDABLE_KEYS =
      OVERRIDABLE.stream().map(ConfigOption::key).toList();

  private ModelOverrides() {}

  /**
   * Takes the override keys out of {@code flat}: each override's keys by its number, each without
   * the "model." its option key has; the key "pattern" as it is.
   */
  static SortedMap<Integer, Map<String, String>> extract(
      Map<String, String> flat, Problems problems) {
    SortedMap<Integer, Map<String, String>> overrides = new TreeMap<>();
    for (Iterator<Map.Entry<String, String>> it = flat.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, String> entry = it.next();
      Matcher indexed = INDEXED.matcher(entry.getKey());
      if (indexed.matches()) {
        it.remove();
        if (entry.getValue() != null) {
          overrides
              .computeIfAbsent(Integer.parseInt(indexed.group(1)), n -> new LinkedHashMap<>())
              .put(indexed.group(2), entry.getValue().trim());
        }
      }
    }
    String listed = flat.remove(MODEL_OVERRIDES.key());
    if (listed != null && !overrides.isEmpty()) {
      problems.add(
          MODEL_OVERRIDES,
          "given both as a list and as model.overrides[N].* keys; give the overrides one way");
    } else if (listed != null) {
      fromList(listed, overrides, problems);
    }
    return overrides;
  }

  /** The flat keys of the overrides, as {@link #extract} takes them. */
  static Map<String, String> flat(SortedMap<Integer, Map<String, String>> overrides) {
    Map<String, String> flat = new LinkedHashMap<>();
    overrides.forEach(
        (index, keys) -> keys.forEach((key, value) -> flat.put(prefix(index) + key, value)));
    return flat;
  }

  /**
   * Checks each override and builds its model with {@code build}, which checks and builds a model
   * from flat keys into the problems it is given, as for the default model.
   *
   * @param defaultKeys the default model's keys, which overrides inherit
   * @param defaultHasProblems whether the default's keys had problems: an override's problems with
   *     keys it inherits are then theirs, reported once already
   */
  static List<ModelOverride> resolve(
      SortedMap<Integer, Map<String, String>> overrides,
      Map<String, String> defaultKeys,
      boolean defaultHasProblems,
      BiFunction<Map<String, String>, Problems, ModelSpec> build,
      Problems problems) {
    List<ModelOverride> resolved = new ArrayList<>();
    overrides.forEach(
        (index, keys) -> {
          Problems own = new Problems();
          String pattern = pattern(index, keys.get(PATTERN), own);
          Map<String, String> set = modelKeys(index, keys, own);
          if (!own.isEmpty()) {
            problems.addAll(own);
            return;
          }
          Problems inModel = new Problems();
          ModelSpec model = build.apply(inherited(defaultKeys, set), inModel);
          for (String message : inModel.messages()) {
            String named = named(index, message, set);
            if (named != null || !defaultHasProblems) {
              problems.add(named != null ? named : entry(index) + ": " + message);
            }
          }
          if (model != null && inModel.isEmpty()) {
            resolved.add(new ModelOverride(pattern, model));
          }
        });
    return resolved;
  }

  private static void fromList(
      String listed, SortedMap<Integer, Map<String, String>> overrides, Problems problems) {
    List<Map<String, String>> maps;
    try {
      maps = Configuration.fromMap(Map.of(MODEL_OVERRIDES.key(), listed)).get(MODEL_OVERRIDES);
    } catch (IllegalArgumentException e) {
      problems.add(
          MODEL_OVERRIDES, quote(listed) + " is not a YAML list of maps, or maps separated by ';'");
      return;
    }
    for (int i = 0; i < maps.size(); i++) {
      overrides.put(i, new LinkedHashMap<>(maps.get(i)));
    }
  }

  private static String pattern(int index, String pattern, Problems problems) {
    String key = prefix(index) + PATTERN;
    if (pattern == null || pattern.isEmpty()) {
      problems.add(key, "required, not set: a Java regular expression that matches whole keys");
      return null;
    }
    try {
      Pattern.compile(pattern);
    } catch (PatternSyntaxException e) {
      problems.add(
          key,
          quote(pattern)
              + " is not a Java regular expression: "
              + e.getDescription()
              + " near index "
              + e.getIndex());
    }
    return pattern;
  }

  /** The override's model keys as option keys; keys it may not set are problems. */
  private static Map<String, String> modelKeys(
      int index, Map<String, String> keys, Problems problems) {
    Map<String, String> set = new LinkedHashMap<>();
    keys.forEach(
        (key, value) -> {
          String optionKey = MODEL_PREFIX + key;
          if (key.equals(PATTERN)) {
            return;
          }
          if (OVERRIDABLE_KEYS.contains(optionKey)) {
            set.put(optionKey, value);
          } else if (StreamlearnOptions.all().stream().anyMatch(o -> o.key().equals(optionKey))) {
            problems.add(
                prefix(index) + key,
                optionKey
                    + " is the job's, the same for every key; an override sets only "
                    + String.join(", ", shortKeys()));
          } else {
            problems.add(
                "unknown key "
                    + quote(prefix(index) + key)
                    + " (did you mean "
                    + quote(prefix(index) + KeySuggestions.closest(key, shortKeys()))
                    + "?)");
          }
        });
    return set;
  }

  /**
   * The default's keys with the override's over them. A network the override sets replaces the
   * default's; a configuration file or an initial model defines the whole network, so the compact
   * keys that must be left out next to them are not inherited.
   */
  private static Map<String, String> inherited(
      Map<String, String> defaultKeys, Map<String, String> set) {
    Map<String, String> keys = new HashMap<>(defaultKeys);
    if (NETWORK.stream().anyMatch(option -> set.containsKey(option.key()))) {
      NETWORK.forEach(option -> keys.remove(option.key()));
    }
    if (set.containsKey(MODEL_CONFIGURATION_FILE.key())) {
      ModelFactory.COMPACT_SPEC.forEach(option -> keys.remove(option.key()));
    }
    if (set.containsKey(MODEL_INITIAL.key()) || set.containsKey(MODEL_INITIAL_PARENT_KEY.key())) {
      InitialModels.REPLACED_KEYS.forEach(option -> keys.remove(option.key()));
    }
    keys.putAll(set);
    return keys;
  }

  /** The problem, named after the override's key when it is about one; else null. */
  private static String named(int index, String message, Map<String, String> set) {
    for (String key : set.keySet()) {
      if (message.startsWith(key + ": ")) {
        return prefix(index)
            + key.substring(MODEL_PREFIX.length())
            + message.substring(key.length());
      }
    }
    return null;
  }

  private static List<String> shortKeys() {
    return Stream.concat(
            Stream.of(PATTERN),
            OVERRIDABLE_KEYS.stream().map(key -> key.substring(MODEL_PREFIX.length())))
        .toList();
  }

  /** How problems name an override: model.overrides[N]. */
  private static String entry(int index) {
    return MODEL_OVERRIDES.key() + "[" + index + "]";
  }

  private static String prefix(int index) {
    return entry(index) + ".";
  }
}
