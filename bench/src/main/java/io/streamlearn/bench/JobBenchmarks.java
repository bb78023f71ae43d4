package io.streamlearn.bench;

import io.streamlearn.pipeline.config.StreamlearnConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The whole-pipeline benchmarks, in one JVM against one Kafka broker: each runs the real job and
 * writes its figures into the results file as soon as it has them.
 *
 * <p>Usage: {@code JobBenchmarks [--scale F] [--only NAME,...] [--set key=value]... [--report-as
 * SUFFIX] [results.json]}. {@code --scale} multiplies sample counts and durations (0.1 checks that
 * everything works in a fraction of the time; the figures need 1). {@code --only} runs some of
 * them: one-key, fused-job, state, latency, recovery. {@code --set} adds a job option to every job,
 * for example {@code --set trainer.mode=fused}. {@code --report-as} writes each figure under its
 * name with the suffix, without a target: a run in another setting than the figures' own, such as
 * another garbage collector, reported beside them (bench/run runs the latency benchmark so with
 * ZGC, as {@code _zgc}).
 */
public final class JobBenchmarks {

  private static final Map<String, JobBenchmark> ALL = new LinkedHashMap<>();

  static {
    ALL.put("one-key", new OneKeyThroughput());
    ALL.put("fused-job", new FusedJobThroughput());
    ALL.put("state", new StateBytesPerKey());
    ALL.put("latency", new LatencyAndFreshness());
    ALL.put("recovery", new Recovery());
  }

  private JobBenchmarks() {}

  public static void main(String[] args) throws Exception {
    double scale = 1;
    List<String> only = new ArrayList<>(ALL.keySet());
    List<String> options = new ArrayList<>();
    Path results = Path.of("bench/results.json");
    String reportAs = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--scale" -> scale = Double.parseDouble(args[++i]);
        case "--only" -> only = List.of(args[++i].split(","));
        case "--set" -> options.add(args[++i]);
        case "--report-as" -> reportAs = args[++i];
        default -> results = Path.of(args[i]);
      }
    }
    for (String name : only) {
      if (!ALL.containsKey(name)) {
        throw new IllegalArgumentException("No benchmark " + name + ": one of " + ALL.keySet());
      }
    }
    List<String> failed = new ArrayList<>();
    try (JobHarness harness = JobHarness.start(StreamlearnConfig.parseOverrides(options))) {
      for (String name : only) {
        long start = System.nanoTime();
        Map<String, Figure> figures;
        try {
          figures = reported(ALL.get(name).run(harness, scale), reportAs);
        } catch (Exception e) {
          // The others still run: one broken benchmark should not cost the whole run's figures.
          System.err.println(name + " failed:");
          e.printStackTrace();
          failed.add(name);
          continue;
        }
        figures.forEach(
            (figure, value) ->
                System.out.printf(
                    Locale.ROOT,
                    "%s = %.2f (target %s %s)%n",
                    figure,
                    value.value(),
                    value.better(),
                    value.hasTarget() ? value.target() : "none"));
        System.out.printf(Locale.ROOT, "%s took %.0f s%n", name, (System.nanoTime() - start) / 1e9);
        ResultsFile.merge(results, figures);
      }
    }
    if (!failed.isEmpty()) {
      throw new IllegalStateException("Benchmarks failed: " + failed);
    }
  }

  /** The figures as measured, or under their names with {@code suffix} and without targets. */
  private static Map<String, Figure> reported(Map<String, Figure> figures, String suffix) {
    if (suffix == null) {
      return figures;
    }
    Map<String, Figure> renamed = new LinkedHashMap<>();
    figures.forEach((name, figure) -> renamed.put(name + suffix, figure.withoutTarget()));
    return renamed;
  }
}
