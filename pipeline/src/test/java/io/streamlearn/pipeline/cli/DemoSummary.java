package io.streamlearn.pipeline.cli;

import static io.streamlearn.pipeline.cli.Cli.streamlearn;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamlearn.pipeline.RepositoryExamples;
import io.streamlearn.pipeline.cli.Cli.Result;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The demo as the {@code demo --config} tests run it, for one key with {@code --json}, and the
 * baselines they compare its figures with.
 */
final class DemoSummary {

  /** The demo's metrics window: its figures are over the last this many predictions. */
  static final int WINDOW = 2_000;

  private static final Pattern JSON_NUMBER = Pattern.compile("\"(\\w+)\":(-?[0-9.]+)");

  private DemoSummary() {}

  /** {@code demo --config examples/NAME} with one key, to its end after {@code samples}. */
  static Map<String, Double> ofExample(String example, int samples, Path workDir)
      throws IOException {
    return of(
        "--config",
        RepositoryExamples.asRunFromTheRoot(example, workDir).toString(),
        "--samples",
        Integer.toString(samples));
  }

  /** Runs the demo for one key with --json and the arguments; the figures of its last line. */
  static Map<String, Double> of(String... args) {
    List<String> command = new ArrayList<>(List.of("demo", "--json", "--keys", "1"));
    command.addAll(List.of(args));
    Result result = streamlearn(command.toArray(String[]::new));

    assertThat(result.exitCode()).as(result.err()).isZero();
    String[] lines = result.out().strip().split("\n");
    String last = lines[lines.length - 1];
    assertThat(last).startsWith("{").endsWith("}");
    Map<String, Double> figures = new TreeMap<>();
    Matcher number = JSON_NUMBER.matcher(last);
    while (number.find()) {
      figures.put(number.group(1), Double.parseDouble(number.group(2)));
    }
    return figures;
  }

  /**
   * The mean absolute error, over every output, of predicting each output's mean of these targets:
   * the error a model that learned nothing of the features could at best have.
   *
   * @param targets each sample's targets, as many for every sample
   */
  static double meanPredictorMae(List<List<Double>> targets) {
    int outputs = targets.get(0).size();
    double error = 0;
    for (int output = 0; output < outputs; output++) {
      int o = output;
      double mean = targets.stream().mapToDouble(t -> t.get(o)).average().orElseThrow();
      error += targets.stream().mapToDouble(t -> Math.abs(t.get(o) - mean)).sum();
    }
    return error / (targets.size() * outputs);
  }
}
