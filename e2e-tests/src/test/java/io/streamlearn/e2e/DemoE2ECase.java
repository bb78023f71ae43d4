package io.streamlearn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/streamlearn demo} as a user runs it: the script, a JVM of its own, the Kafka broker it
 * starts in a child JVM, and nothing left behind when it ends or is interrupted.
 */
class DemoE2ECase {

  private static final String PROMETHEUS_REPORTER =
      "org.apache.flink.metrics.prometheus.PrometheusReporterFactory";
  private static final String TRAINING_STEPS = "flink_taskmanager_job_task_operator_trainingSteps";

  private static final Pattern JSON_NUMBER = Pattern.compile("\"(\\w+)\":([0-9.]+)");

  @TempDir Path workDir;
  private Process demo;

  @AfterEach
  void stopDemo() throws InterruptedException {
    if (demo != null && demo.isAlive()) {
      demo.descendants().forEach(ProcessHandle::destroyForcibly);
      demo.destroyForcibly().waitFor();
    }
  }

  @Test
  void trainsOnFiftyThousandSamplesAndEndsWithAJsonSummary() throws Exception {
    Path output = workDir.resolve("demo.out");
    demo = start(output, "demo", "--samples", "50000", "--json");
    List<ProcessHandle> children = childrenOnceRunning(output);

    assertThat(demo.waitFor(6, TimeUnit.MINUTES)).as("demo ended").isTrue();

    List<String> lines = Files.readAllLines(output);
    assertThat(demo.exitValue()).as(String.join("\n", lines)).isZero();
    Map<String, Double> summary = json(lines.get(lines.size() - 1));
    assertThat(summary)
        .containsEntry("samples", 50_000.0)
        .containsEntry("predictions", 50_000.0)
        .containsEntry("trained", 50_000.0);
    assertThat(summary.get("checkpoints")).isGreaterThanOrEqualTo(4);
    assertThat(summary.get("accuracy")).isGreaterThanOrEqualTo(0.85);
    assertThat(lines).anySatisfy(line -> assertThat(line).contains("accuracy(last 2,000)"));
    assertThat(children).isNotEmpty().noneMatch(ProcessHandle::isAlive);
  }

  /** One demo run for both: each would otherwise start a JVM, a broker and a job of its own. */
  @Test
  void servesPrometheusMetricsAndStopsCleanlyOnCtrlCLeavingNoProcessBehind() throws Exception {
    Path output = workDir.resolve("demo.out");
    int metricsPort = FreePort.next();
    // The Prometheus reporter through the flink.* pass-through, as docs/operations.md shows it.
    demo =
        start(
            output,
            "demo",
            "--set",
            "flink.metrics.reporter.prom.factory.class=" + PROMETHEUS_REPORTER,
            "--set",
            "flink.metrics.reporter.prom.port=" + metricsPort);
    List<ProcessHandle> children = childrenOnceRunning(output);
    assertThat(
            Await.until(
                Duration.ofMinutes(3), () -> Files.readString(output).contains("checkpoints")))
        .isTrue();
    // Progress lines come from the start; the job's operators register their metrics later.
    FlinkRestClient prometheus = new FlinkRestClient("127.0.0.1:" + metricsPort);
    assertThat(
            Await.until(
                Duration.ofMinutes(2),
                () ->
                    prometheus.getText("/metrics").lines().anyMatch(DemoE2ECase::isTrainingSteps)))
        .as("%s on the demo's Prometheus endpoint", TRAINING_STEPS)
        .isTrue();

    new ProcessBuilder("kill", "-INT", Long.toString(demo.pid())).start().waitFor();

    assertThat(demo.waitFor(90, TimeUnit.SECONDS)).as("demo ended after Ctrl-C").isTrue();
    assertThat(Files.readString(output)).contains("Done:");
    assertThat(children).isNotEmpty().noneMatch(ProcessHandle::isAlive);
  }

  private static boolean isTrainingSteps(String prometheusLine) {
    return prometheusLine.startsWith(TRAINING_STEPS + "{");
  }

  private static Process start(Path output, String... args) throws IOException {
    Path script = Path.of(Jvm.buildProperty("streamlearn.bin")).normalize();
    List<String> command = new java.util.ArrayList<>(List.of(script.toString()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command)
        .redirectErrorStream(false)
        .redirectOutput(output.toFile())
        .redirectError(output.resolveSibling("demo.err").toFile())
        .start();
  }

  /** The demo's child processes (the Kafka broker), seen once it prints progress. */
  private List<ProcessHandle> childrenOnceRunning(Path output) throws InterruptedException {
    assertThat(
            Await.until(Duration.ofMinutes(3), () -> Files.readString(output).contains("samples")))
        .as("demo prints progress")
        .isTrue();
    return demo.descendants().collect(Collectors.toList());
  }

  private static Map<String, Double> json(String line) {
    assertThat(line).startsWith("{").endsWith("}");
    Matcher matcher = JSON_NUMBER.matcher(line);
    Map<String, Double> values = new java.util.HashMap<>();
    while (matcher.find()) {
      values.put(matcher.group(1), Double.parseDouble(matcher.group(2)));
    }
    return values;
  }
}
