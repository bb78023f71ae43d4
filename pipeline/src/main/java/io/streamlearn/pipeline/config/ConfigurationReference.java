package io.streamlearn.pipeline.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.description.HtmlFormatter;

/**
 * Generates docs/configuration.md from {@link StreamlearnOptions}, so that the reference cannot
 * drift from the code: ConfigurationReferenceTest fails when the committed file differs.
 */
public final class ConfigurationReference {

  /** Rewrites docs/configuration.md; run from the repository root. */
  static final String REGENERATE_COMMAND =
      "mvn -B -q -pl pipeline -am package -DskipTests && java -cp pipeline/target/streamlearn.jar"
          + " io.streamlearn.pipeline.config.ConfigurationReference docs/configuration.md";

  private static final String INTRO =
      """
      # Configuration

      <!-- Generated from StreamlearnOptions by ConfigurationReference; do not edit by hand.
      Regenerate from the repository root with:
      %s
      -->

      Streamlearn reads its configuration from a YAML file, with overrides from the command line.
      The whole configuration is validated before the job starts, and every problem is reported at
      once, each naming the key, the value and what is allowed.

      ## The file

      Keys can be nested or written with dots; both mean the same:

      ```yaml
      batch:
        size: 64
      model.hidden-layers: [32, 16]
      ```

      Lists are YAML lists or comma-separated text (`32,16`). Durations are written as Flink reads
      them: `200 ms`, `10 s`, `10 min` (a bare number is milliseconds). A key with an empty value
      is not set. `pipeline/src/main/resources/streamlearn-example.yaml` is a commented example.

      ## Overrides

      `--set key=value` on the command line sets one dotted key and wins over the file, for example
      `--set batch.size=128 --set model.hidden-layers=64,32`.

      ## Flink options

      Any key that starts with `flink.` is passed to Flink's configuration with the prefix removed,
      so native Flink options can be set, for example `flink.state.backend.type: rocksdb`. Any
      other unknown key is an error that suggests the closest known key.

      These Flink options are set from Streamlearn keys, and setting them with `flink.` keys as well
      is an error:

      %s

      ## Options

      | Key | Type | Default | Description |
      | --- | --- | --- | --- |
      """;

  private ConfigurationReference() {}

  /** Writes the reference to the path given as the only argument. */
  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: ConfigurationReference OUTPUT_FILE.md");
    }
    Files.writeString(Path.of(args[0]), render());
  }

  /** The whole reference document as Markdown. */
  static String render() {
    String derivedFlinkOptions =
        DerivedFlinkOptions.ALL.stream()
            .map(d -> "- `%s` from `%s`".formatted(d.flinkOption().key(), d.source().key()))
            .collect(Collectors.joining("\n"));
    String intro = INTRO.formatted(REGENERATE_COMMAND, derivedFlinkOptions);
    return StreamlearnOptions.all().stream()
        .map(ConfigurationReference::row)
        .collect(Collectors.joining("", intro, ""));
  }

  private static String row(ConfigOption<?> option) {
    return "| `%s` | `%s` | %s | %s |\n"
        .formatted(option.key(), typeName(option), defaultValue(option), description(option));
  }

  private static String typeName(ConfigOption<?> option) {
    Class<?> valueClass = OptionTypes.valueClass(option);
    String name = valueClass.isEnum() ? enumTypeName(valueClass) : valueClass.getSimpleName();
    return OptionTypes.isList(option) ? "List<" + name + ">" : name;
  }

  private static String enumTypeName(Class<?> enumClass) {
    return Stream.of(enumClass.getEnumConstants())
        .map(Object::toString)
        .collect(Collectors.joining(", ", "Enum: ", ""));
  }

  private static String defaultValue(ConfigOption<?> option) {
    if (option.hasDefaultValue()) {
      return "`" + OptionValues.format(option.defaultValue()) + "`";
    }
    return StreamlearnOptions.isRequired(option) ? "(required)" : "(none)";
  }

  /** The option's own description, then what its constraints allow. */
  private static String description(ConfigOption<?> option) {
    List<String> allowed =
        OptionConstraints.allowedValues(option).stream()
            .map(text -> text.substring(0, 1).toUpperCase(Locale.ROOT) + text.substring(1) + ".")
            .toList();
    String text = new HtmlFormatter().format(option.description());
    return Stream.concat(Stream.of(text), allowed.stream())
        .collect(Collectors.joining(" "))
        .replace("|", "\\|");
  }
}
