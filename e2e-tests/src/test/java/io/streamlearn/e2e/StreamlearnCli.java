package io.streamlearn.e2e;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the packaged command line, {@code streamlearn.jar}, the way {@code bin/streamlearn} does: a
 * JVM of its own with the flags Flink needs.
 */
final class StreamlearnCli {

  /** What {@code run --detached} prints once the cluster has accepted the job. */
  private static final Pattern SUBMITTED_JOB = Pattern.compile("Submitted job ([0-9a-f]{32})");

  /** What a finished command printed (stdout and stderr together) and how it exited. */
  record Result(int exitCode, String output) {

    /**
     * The id of the job that a successful submission printed.
     *
     * @throws IllegalStateException if the command failed or printed no job id
     */
    String submittedJobId() {
      Matcher jobId = SUBMITTED_JOB.matcher(output);
      if (exitCode != 0 || !jobId.find()) {
        throw new IllegalStateException(
            "No job submitted (exit code " + exitCode + "):\n" + output);
      }
      return jobId.group(1);
    }
  }

  private StreamlearnCli() {}

  /** Runs the command to its end, writing its output to {@code outputFile} as well. */
  static Result run(Path outputFile, Duration timeout, String... args)
      throws IOException, InterruptedException {
    return launch(
        outputFile, timeout, List.of("-jar", jar("streamlearn.cli.jar").toString()), args);
  }

  /**
   * Runs {@code mainClass} from {@code extraJar} with the command line's jar on the class path too,
   * as a program built on Streamlearn's classes would, to its end.
   */
  static Result runMain(
      Path outputFile, Duration timeout, Path extraJar, String mainClass, String... args)
      throws IOException, InterruptedException {
    String classPath = jar("streamlearn.cli.jar") + File.pathSeparator + extraJar;
    return launch(outputFile, timeout, List.of("-cp", classPath, mainClass), args);
  }

  private static Result launch(
      Path outputFile, Duration timeout, List<String> program, String[] args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Jvm.javaExecutable());
    // Every command run here submits a job or asks the cluster something, and ends.
    command.addAll(Jvm.startUpFlags());
    command.addAll(Jvm.flinkOpens());
    command.addAll(program);
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(outputFile.toFile())
            .start();
    if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
      throw new IllegalStateException(
          String.join(" ", command)
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
