package io.streamlearn.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the packaged command line, {@code streamlearn.jar}, the way {@code bin/streamlearn} does: a
 * JVM of its own with the flags Flink needs.
 */
final class StreamlearnCli {

  /** What a finished command printed (stdout and stderr together) and how it exited. */
  record Result(int exitCode, String output) {}

  private StreamlearnCli() {}

  /** Runs the command to its end, writing its output to {@code outputFile} as well. */
  static Result run(Path outputFile, Duration timeout, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Jvm.javaExecutable());
    command.addAll(Jvm.flinkOpens());
    command.add("-jar");
    command.add(jar("streamlearn.cli.jar").toString());
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(outputFile.toFile())
            .start();
    if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
      throw new IllegalStateException(
          "streamlearn "
              + String.join(" ", args)
              + " did not end within "
              + timeout.toSeconds()
              + " s:\n"
              + Files.readString(outputFile));
    }
    return new Result(process.exitValue(), Files.readString(outputFile));
  }

  /** A jar the pipeline module packages, whose path the build passes as a system property. */
  static Path jar(String property) {
    Path jar = Path.of(Jvm.buildProperty(property)).normalize();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " does not exist: build it with mvn -B package");
    }
    return jar;
  }
}
