package io.streamlearn.pipeline.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigurationReferenceTest {

  @Test
  void committedReferenceIsUpToDateWithTheOptions() throws IOException {
    Path committed = repositoryRoot().resolve("docs/configuration.md");
    String regenerate =
        "docs/configuration.md is missing or out of date with StreamlearnOptions; regenerate it"
            + " from the repository root with:\n  "
            + ConfigurationReference.REGENERATE_COMMAND;

    assertThat(committed).as(regenerate).exists();
    assertThat(Files.readString(committed))
        .as(regenerate)
        .isEqualTo(ConfigurationReference.render());
  }

  @Test
  void referenceHasARowPerOptionWithTypeDefaultAndAllowedValues() {
    String reference = ConfigurationReference.render();

    assertThat(reference)
        .contains(
            "| `kafka.bootstrap-servers` | `String` | (required) | Kafka brokers",
            "| `model.configuration-file` | `String` | (none) | ",
            "| `batch.size` | `Integer` | `16` | Samples per training step",
            "| `batch.max-delay` | `Duration` | `200 ms` | ",
            "| `model.hidden-layers` | `List<Integer>` | `64` | ",
            "| `model.task` | `Enum: CLASSIFICATION, BINARY, MULTI_LABEL, REGRESSION` | `CLASSIFICATION` | ",
            "| `model.seed` | `Long` | `42` | ",
            "Must be > 0 ms and <= 15 min. |",
            "Each must be >= 1. |");
    StreamlearnOptions.all()
        .forEach(option -> assertThat(reference).contains("| `" + option.key() + "` |"));
  }

  @Test
  void mainWritesTheReferenceToTheGivenFile(@TempDir Path tempDir) throws IOException {
    Path output = tempDir.resolve("configuration.md");

    ConfigurationReference.main(new String[] {output.toString()});

    assertThat(output).hasContent(ConfigurationReference.render());
  }

  /**
   * Surefire runs in the module directory; the repository root is the nearest directory above it
   * that holds the pipeline module.
   */
  private static Path repositoryRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("pom.xml"))
          && Files.isRegularFile(dir.resolve("pipeline/pom.xml"))) {
        return dir;
      }
    }
    throw new IllegalStateException("no repository root above " + Path.of("").toAbsolutePath());
  }
}
