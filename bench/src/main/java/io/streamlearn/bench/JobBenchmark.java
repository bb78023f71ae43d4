package io.streamlearn.bench;

import java.util.Map;

/** A whole-pipeline benchmark: runs the real job against the harness's broker, gives figures. */
interface JobBenchmark {

  /**
   * @param scale multiplies the benchmark's sample counts and durations: 1 for the figures, less to
   *     check that the benchmark works
   */
  Map<String, Figure> run(JobHarness harness, double scale) throws Exception;

  /** At least {@code minimum}, {@code full} scaled. */
  static int scaled(int full, double scale, int minimum) {
    return Math.max(minimum, (int) Math.round(full * scale));
  }
}
