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

  /**
   * Flags for a JVM whose start is most of its work: a submission, Flink's resource calculation,
   * the tests' JobManager. C1 alone and the serial collector start one on about half the CPU, which
   * the TaskManagers and the tests, sharing 2 cores, need more. TaskManagers never get them: they
   * run the job as a deployment does.
   */
  static List<String> startUpFlags() {
    return List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
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
