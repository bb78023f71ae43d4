package io.streamlearn.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A long-running Java program in a child process that ends when this JVM ends (see {@link
 * DiesWithParent}), writing its console output to {@code <name>.out} and, by convention, its log to
 * {@code <name>.log} in the work directory.
 */
final class ChildJvm {

  private static final long GRACE_PERIOD_SECONDS = 15;

  private final String name;
  private final Process process;
  private final Path consoleFile;
  private final Path logFile;

  private ChildJvm(String name, Process process, Path consoleFile, Path logFile) {
    this.name = name;
    this.process = process;
    this.consoleFile = consoleFile;
    this.logFile = logFile;
  }

  /**
   * Starts {@code mainClass} with the {@code -Dlog.file} system property set, which the log4j
   * configuration of the cluster uses as its file name.
   */
  static ChildJvm start(
      String name,
      Path workDir,
      String classPath,
      List<String> jvmFlags,
      String mainClass,
      List<String> args)
      throws IOException {
    Path consoleFile = workDir.resolve(name + ".out");
    Path logFile = workDir.resolve(name + ".log");
    List<String> command = new ArrayList<>();
    command.add(Jvm.javaExecutable());
    command.addAll(jvmFlags);
    command.add("-Dlog.file=" + logFile);
    command.add("-cp");
    command.add(classPath);
    command.add(DiesWithParent.class.getName());
    command.add(mainClass);
    command.addAll(args);
    Process process =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(consoleFile.toFile())
            .start();
    return new ChildJvm(name, process, consoleFile, logFile);
  }

  String name() {
    return name;
  }

  Path logFile() {
    return logFile;
  }

  ProcessHandle handle() {
    return process.toHandle();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** SIGTERM, so the program runs its shutdown hooks; SIGKILL if it has not ended in time. */
  void stop() throws InterruptedException {
    // Not process.destroy(): it also closes the child's stdin, and DiesWithParent would halt the
    // child at once, skipping the orderly shutdown that SIGTERM asks for.
    process.toHandle().destroy();
    if (!process.waitFor(GRACE_PERIOD_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
    try {
      process.getOutputStream().close();
    } catch (IOException e) {
      // The child has exited; a failure to close our end of its stdin pipe changes nothing.
    }
  }

  /** SIGKILL, as a crash or an out-of-memory killer ends a process; waits until it has exited. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  /** The last lines of the console output and of the log, for failure messages. */
  String tail(int lines) {
    return "--- "
        + name
        + (process.isAlive() ? " (running)" : " (exited " + process.exitValue() + ")")
        + " console:\n"
        + lastLines(consoleFile, lines)
        + "--- "
        + name
        + " log:\n"
        + lastLines(logFile, lines);
  }

  private static String lastLines(Path file, int count) {
    if (!Files.exists(file)) {
      return "(no " + file.getFileName() + ")\n";
    }
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size()))
          + "\n";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
