package io.streamlearn.pipeline.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code bin/streamlearn} in this JVM, through the entry point main uses, and keeps what it
 * printed; or in a JVM of its own, to see what a user sees on stderr.
 */
final class Cli {

  private Cli() {}

  static Result streamlearn(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exitCode =
        StreamlearnCommand.commandLine()
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true))
            .execute(args);
    return new Result(exitCode, out.toString(), err.toString());
  }

  /**
   * Runs the command line in a JVM of its own, with {@code jvmOptions}, that logs as the
   * log4j2.properties bin/streamlearn ships says: whatever Kafka's clients log goes to the stderr
   * kept here, as it would for a user.
   *
   * @throws AssertionError if it has not ended within {@code timeout}
   */
  static Result streamlearnInItsOwnJvm(Duration timeout, List<String> jvmOptions, String... args)
      throws IOException, InterruptedException {
    URL bundledLogging = StreamlearnCommand.class.getResource("/log4j2.properties");
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElseThrow());
    command.add("-Dlog4j2.configurationFile=" + bundledLogging);
    command.addAll(jvmOptions);
    command.addAll(
        List.of("-cp", System.getProperty("java.class.path"), StreamlearnCommand.class.getName()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).start();
    try {
      CompletableFuture<String> out =
          CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
      CompletableFuture<String> err =
          CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
      if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
        throw new AssertionError(String.join(" ", args) + " did not end within " + timeout);
      }
      return new Result(process.exitValue(), out.join(), err.join());
    } finally {
      process.destroyForcibly().waitFor();
    }
  }

  private static String readAll(InputStream stream) {
    try {
      return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  record Result(int exitCode, String out, String err) {}
}
