package io.streamlearn.pipeline.config;

import static io.streamlearn.pipeline.config.Problems.quote;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Reads a YAML configuration file into flat dotted keys: {@code batch: {size: 64}} and {@code
 * batch.size: 64} both become "batch.size" → "64", and a list of plain values becomes "32,16".
 */
final class YamlConfigFile {

  private YamlConfigFile() {}

  /**
   * Returns the file's flat keys and values. Keys given twice (once nested, once flat) are reported
   * to {@code problems}; a file that cannot be read or parsed throws at once, since nothing else
   * can be checked without it.
   */
  static Map<String, String> read(Path file, Problems problems) {
    Object document;
    try (Reader reader = Files.newBufferedReader(file)) {
      document = newYaml().load(reader);
    } catch (NoSuchFileException e) {
      throw new ConfigException("configuration file " + quote(file.toString()) + " not found", e);
    } catch (IOException e) {
      throw new ConfigException(
          "configuration file " + quote(file.toString()) + " cannot be read: " + e, e);
    } catch (YAMLException e) {
      throw new ConfigException(
          "configuration file " + quote(file.toString()) + " is not valid YAML: " + e.getMessage(),
          e);
    }
    Map<String, String> flat = new LinkedHashMap<>();
    if (document instanceof Map<?, ?> map) {
      flatten("", map, flat, problems);
    } else if (document != null) {
      throw new ConfigException(
          List.of(
              "configuration file "
                  + quote(file.toString())
                  + " must be a mapping of keys to values"));
    }
    return flat;
  }

  /**
   * Every scalar is read as the text the user wrote ("0.00001" stays "0.00001", "off" does not
   * become "false") so that Flink parses it and error messages quote it as written. Only empty
   * values and "~"/"null" resolve to null, which leaves the key unset.
   */
  private static Yaml newYaml() {
    LoaderOptions loaderOptions = new LoaderOptions();
    loaderOptions.setAllowDuplicateKeys(false);
    Resolver plainTextResolver =
        new Resolver() {
          @Override
          protected void addImplicitResolvers() {
            addImplicitResolver(Tag.NULL, NULL, "~nN\0");
            addImplicitResolver(Tag.NULL, EMPTY, null);
          }
        };
    DumperOptions dumperOptions = new DumperOptions();
    return new Yaml(
        new SafeConstructor(loaderOptions),
        new Representer(dumperOptions),
        dumperOptions,
        loaderOptions,
        plainTextResolver);
  }

  private static void flatten(
      String prefix, Map<?, ?> map, Map<String, String> flat, Problems problems) {
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      String key = prefix + entry.getKey();
      Object value = entry.getValue();
      if (value instanceof Map<?, ?> nested) {
        flatten(key + ".", nested, flat, problems);
      } else if (key.equals(StreamlearnOptions.MODEL_OVERRIDES.key())
          && value instanceof List<?> overrides) {
        numbered(key, overrides, flat, problems);
      } else if (value instanceof List<?> list
          && !list.isEmpty()
          && list.stream().allMatch(element -> element instanceof Map)) {
        putOnce(key, listOfMaps(key, list, problems), flat, problems);
      } else if (value instanceof List<?> list) {
        putOnce(key, joinPlainValues(key, list, problems), flat, problems);
      } else if (value != null) {
        putOnce(key, value.toString(), flat, problems);
      }
    }
  }

  /**
   * model.overrides: each entry's keys as key[N].option, numbered from 0, since an entry holds
   * lists of maps (its layers) that a flat list of maps cannot.
   */
  private static void numbered(
      String key, List<?> entries, Map<String, String> flat, Problems problems) {
    for (int i = 0; i < entries.size(); i++) {
      if (entries.get(i) instanceof Map<?, ?> entry) {
        flatten(key + "[" + i + "].", entry, flat, problems);
      } else {
        problems.add(
            key + "[" + i + "]",
            "an override is a map of a pattern and model keys, not " + quote(entries.get(i) + ""));
      }
    }
  }

  /**
   * A list of maps, such as model.layers, in Flink's notation for it: each map's entries as
   * key:value separated by ',', the maps separated by ';', quoted where a value holds one of those.
   * A list inside an entry (a kernel of [3, 5]) becomes its values separated by ','.
   */
  private static String listOfMaps(String key, List<?> maps, Problems problems) {
    List<Map<String, String>> entries = new ArrayList<>();
    for (int i = 0; i < maps.size(); i++) {
      Map<String, String> entry = new LinkedHashMap<>();
      for (Map.Entry<?, ?> option : ((Map<?, ?>) maps.get(i)).entrySet()) {
        Object value = option.getValue();
        if (value instanceof Map) {
          problems.add(
              key,
              "entry "
                  + (i + 1)
                  + ", "
                  + option.getKey()
                  + ": an option of a list entry is a plain value or a list of them, not a map");
        } else if (value instanceof List<?> values) {
          entry.put(String.valueOf(option.getKey()), joinPlainValues(key, values, problems));
        } else if (value != null) {
          entry.put(String.valueOf(option.getKey()), value.toString());
        }
      }
      entries.add(entry);
    }
    return FlinkText.listOfMaps(entries);
  }

  private static String joinPlainValues(String key, List<?> list, Problems problems) {
    if (list.stream().anyMatch(element -> element instanceof Map || element instanceof List)) {
      problems.add(
          key,
          "a list may hold only plain values such as 32 or relu, or only maps (model.layers), not"
              + " lists or a mix");
    }
    return list.stream().map(String::valueOf).collect(Collectors.joining(","));
  }

  private static void putOnce(
      String key, String value, Map<String, String> flat, Problems problems) {
    String earlier = flat.putIfAbsent(key, value);
    if (earlier != null) {
      problems.add(
          key,
          "set twice in the file, as "
              + quote(earlier)
              + " and as "
              + quote(value)
              + "; nested and dotted keys name the same option, keep one");
    }
  }
}
