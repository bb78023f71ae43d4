package io.streamlearn.e2e;

import java.io.File;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** Facts about this JVM that the processes the tests start take over. */
final class Jvm {

  private Jvm() {}

  static String javaExecutable() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * The {@code --add-opens}/{@code --add-exports} flags every JVM running Flink needs, as the build
   * passes them to the tests.
   */
  static List<String> flinkOpens() {
    String opens = System.getProperty("flink.jvm.opens");
    if (opens == null || opens.isBlank()) {
      throw new IllegalStateException(
          "System property flink.jvm.opens is missing: run the tests through Maven (Surefire)");
    }
    return Arrays.asList(opens.trim().split("\\s+"));
  }

  /** The class path entries of this JVM (Surefire sets the real ones, not its booter jar). */
  static List<String> classPath() {
    return Arrays.asList(System.getProperty("java.class.path").split(File.pathSeparator));
  }
}
