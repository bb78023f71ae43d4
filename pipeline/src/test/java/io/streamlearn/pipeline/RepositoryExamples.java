package io.streamlearn.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The configurations of the repository's {@code examples/}, as tests load them. */
public final class RepositoryExamples {

  /** The tests run in pipeline/; the examples' paths are relative to the repository root. */
  private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();

  private static final Path EXAMPLES = REPOSITORY.resolve("examples");

  private RepositoryExamples() {}

  /** The file names of every example configuration, sorted. */
  public static List<String> names() throws IOException {
    try (Stream<Path> files = Files.list(EXAMPLES)) {
      return files
          .map(file -> file.getFileName().toString())
          .filter(name -> name.endsWith(".yaml"))
          .sorted()
          .toList();
    }
  }

  /**
   * A copy of the example in {@code workDir} with its repository-relative paths ({@code
   * examples/...}) made absolute, as they resolve when bin/streamlearn runs in the repository root.
   */
  public static Path asRunFromTheRoot(String example, Path workDir) throws IOException {
    String text = Files.readString(EXAMPLES.resolve(example));
    Path copy = workDir.resolve(example);
    Files.writeString(copy, text.replace(" examples/", " " + EXAMPLES + "/"));
    return copy;
  }
}
