package io.streamlearn.operators;

import java.util.concurrent.TimeUnit;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * The metrics of an {@link OnlineTrainer} subtask, registered in its operator metric group (names
 * and meanings: docs/operations.md). The trainer reports events; this class owns the metric
 * objects, so the trainer stays about training.
 *
 * <p>Gauges are read by the reporter's thread while the task thread updates them: the fields they
 * read are volatile.
 */
final class TrainerMetrics {

  /**
   * Steps the step time histogram keeps its quantiles over: at hundreds of steps per second, the
   * last few seconds, which is what a scrape every 15 to 60 s should describe.
   */
  static final int STEP_TIME_WINDOW = 1024;

  private final Counter trainingSteps;
  private final Counter samplesTrained;
  private final Counter checkpointsPublished;
  private final Counter divergedSteps;
  private final Histogram stepTimeMicros;

  private volatile double loss = Double.NaN;
  private volatile long modelVersion;

  TrainerMetrics(MetricGroup operatorMetrics) {
    trainingSteps = operatorMetrics.counter("trainingSteps");
    samplesTrained = operatorMetrics.counter("samplesTrained");
    checkpointsPublished = operatorMetrics.counter("checkpointsPublished");
    divergedSteps = operatorMetrics.counter("divergedSteps");
    stepTimeMicros =
        operatorMetrics.histogram(
            "trainingStepTimeMicros", new DescriptiveStatisticsHistogram(STEP_TIME_WINDOW));
    operatorMetrics.gauge("trainingLoss", () -> loss);
    operatorMetrics.gauge("modelVersion", () -> modelVersion);
  }

  /**
   * A gradient step that was kept: it took {@code nanos} (the fit and its divergence check),
   * trained on {@code samples} labeled samples, ended with DL4J score {@code loss}, and made the
   * key's model {@code version}.
   */
  void stepTook(long nanos, int samples, double loss, long version) {
    trainingSteps.inc();
    samplesTrained.inc(samples);
    stepTimeMicros.update(TimeUnit.NANOSECONDS.toMicros(nanos));
    this.loss = loss;
    // The highest version on the subtask, not the last key's: with many keys per subtask the last
    // key's version jumps between keys, while the highest only grows and shows the subtask trains.
    if (version > modelVersion) {
      modelVersion = version;
    }
  }

  void checkpointPublished() {
    checkpointsPublished.inc();
  }

  /** Counts a rolled-back step; returns how many this subtask has rolled back. */
  long stepDiverged() {
    divergedSteps.inc();
    return divergedSteps.getCount();
  }
}
