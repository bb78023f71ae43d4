package io.streamlearn.pipeline.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamlearn.pipeline.report.MetricsFile;
import io.streamlearn.pipeline.report.SyntheticMetrics;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ReportCommandTest {

  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @Test
  void writesTheReportOfASavedMetricsFile() throws IOException {
    Path metrics = dir.resolve("metrics.jsonl");
    MetricsFile.write(metrics, SyntheticMetrics.stream());
    Path report = dir.resolve("report");

    int exitCode = run("report", "--input", metrics.toString(), "--output", report.toString());

    assertThat(exitCode).isZero();
    assertThat(report.resolve("report.html")).isNotEmptyFile();
    assertThat(report.resolve("overall.png")).isNotEmptyFile();
    assertThat(report.resolve("key-sensor-a.png")).isNotEmptyFile();
    assertThat(report.resolve("key-sensor_b.png")).isNotEmptyFile();
    assertThat(report.resolve("versions.png")).isNotEmptyFile();
  }

  @Test
  void failsWithoutAReportOnABadLine() throws IOException {
    Path metrics = dir.resolve("metrics.jsonl");
    Files.writeString(metrics, "not json\n", UTF_8);
    Path report = dir.resolve("report");

    int exitCode = run("report", "--input", metrics.toString(), "--output", report.toString());

    assertThat(exitCode).isEqualTo(1);
    assertThat(report).doesNotExist();
  }

  @Test
  void failsWithoutAReportOnAnEmptyFile() throws IOException {
    Path metrics = Files.createFile(dir.resolve("metrics.jsonl"));
    Path report = dir.resolve("report");

    int exitCode = run("report", "--input", metrics.toString(), "--output", report.toString());

    assertThat(exitCode).isEqualTo(1);
    assertThat(report).doesNotExist();
  }

  @Test
  void takesEitherAFileOrATopicNotBoth() {
    int exitCode =
        run(
            "report",
            "--input",
            "metrics.jsonl",
            "--bootstrap-servers",
            "localhost:9092",
            "--output",
            dir.toString());

    assertThat(exitCode).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(err.toString()).contains("mutually exclusive");
  }

  @Test
  void explainsItselfWithExamples() {
    int exitCode = run("report", "--help");

    assertThat(exitCode).isZero();
    assertThat(out.toString())
        .contains("--input=FILE", "--bootstrap-servers", "--output=DIR", "Examples:")
        .contains("bin/streamlearn report --input metrics.jsonl --output report");
  }

  private int run(String... args) {
    CommandLine commandLine = new CommandLine(new StreamlearnCommand());
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(args);
  }
}
