package io.streamlearn.e2e;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The JVM flags (heap, direct and metaspace limits) and the {@code -D key=value} properties a Flink
 * JobManager or TaskManager process starts with, derived from the memory settings of config.yaml
 * the way Flink's own start scripts do: by {@code BashJavaUtils}. The TaskManager does not start
 * without them.
 *
 * @param jvmFlags flags for the {@code java} command line
 * @param dynamicProperties program arguments such as {@code -D taskmanager.cpu.cores=2.0}
 */
record FlinkProcessResources(List<String> jvmFlags, List<String> dynamicProperties) {

  static final String JOB_MANAGER = "GET_JM_RESOURCE_PARAMS";
  static final String TASK_MANAGER = "GET_TM_RESOURCE_PARAMS";

  /** The prefix of BashJavaUtils' result lines among whatever else it prints. */
  private static final String RESULT_PREFIX = "BASH_JAVA_UTILS_EXEC_RESULT:";

  static FlinkProcessResources compute(String command, String classPath, Path configDir)
      throws IOException, InterruptedException {
    List<String> java = new ArrayList<>();
    java.add(Jvm.javaExecutable());
    java.addAll(Jvm.startUpFlags());
    java.addAll(
        List.of(
            "-cp",
            classPath,
            "org.apache.flink.runtime.util.bash.BashJavaUtils",
            command,
            "--configDir",
            configDir.toString()));
    Process process = new ProcessBuilder(java).redirectErrorStream(true).start();
    List<String> output = process.inputReader().lines().toList(); // ends when the process does
    if (process.waitFor() != 0) {
      throw new IOException("BashJavaUtils " + command + " failed:\n" + String.join("\n", output));
    }
    List<String> results =
        output.stream()
            .filter(line -> line.startsWith(RESULT_PREFIX))
            .map(line -> line.substring(RESULT_PREFIX.length()).trim())
            .toList();
    if (results.size() != 2) {
      throw new IOException(
          "BashJavaUtils "
              + command
              + " printed no JVM flags and properties:\n"
              + String.join("\n", output));
    }
    return new FlinkProcessResources(words(results.get(0)), words(results.get(1)));
  }

  private static List<String> words(String line) {
    return Arrays.asList(line.split("\\s+"));
  }
}
