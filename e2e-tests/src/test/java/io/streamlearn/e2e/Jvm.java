package io.streamlearn.e2e;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** This JVM's Java and the settings the build passes to the tests, for the processes they start. */
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
    return Arrays.asList(buildProperty("flink.jvm.opens").trim().split("\\s+"));
  }

  /** A system property that the build (Surefire, see e2e-tests/pom.xml) sets for the tests. */
  static String buildProperty(String name) {
    String value = System.getProperty(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(
          "System property " + name + " is missing: run the tests through Maven (Surefire)");
    }
    return value;
  }
}
