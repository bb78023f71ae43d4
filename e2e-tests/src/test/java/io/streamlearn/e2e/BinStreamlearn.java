package io.streamlearn.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code bin/streamlearn} as a user starts it, in {@code workDir} as its working directory, with
 * what it prints (stdout and stderr, its log included) in {@code <name>.out} there.
 */
final class BinStreamlearn {

  private BinStreamlearn() {}

  static Process start(Path workDir, String name, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(Jvm.buildProperty("streamlearn.bin")).normalize().toString());
    command.addAll(List.of(args));
    return new ProcessBuilder(command)
        .directory(workDir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(workDir.resolve(name + ".out").toFile())
        .start();
  }

  /** Kills a command started here, if it was started and still runs, and waits for its end. */
  static void kill(Process command) throws InterruptedException {
    if (command != null && command.isAlive()) {
      command.destroyForcibly().waitFor();
    }
  }

  /** What the command started as {@code name} has printed so far. */
  static String output(Path workDir, String name) throws IOException {
    return Files.readString(workDir.resolve(name + ".out"));
  }
}
