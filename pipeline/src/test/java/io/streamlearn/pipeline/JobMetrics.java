package io.streamlearn.pipeline;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.testutils.InMemoryReporter;

/**
 * The metrics a job registered, as the MiniCluster's {@link InMemoryReporter} kept them after the
 * job finished. A metric is found by the end of its identifier (such as {@code trainingSteps} or
 * {@code deadLetters.reason.MISSING_KEY.count}) and comes once per subtask that registered it.
 */
final class JobMetrics {

  private final InMemoryReporter reporter;
  private final String jobId;

  JobMetrics(InMemoryReporter reporter, JobID job) {
    this.reporter = reporter;
    this.jobId = job.toHexString();
  }

  /** The sum over subtasks of the counters named so. */
  long counterSum(String name) {
    return all(name, Counter.class).stream().mapToLong(Counter::getCount).sum();
  }

  /** The counters named so, summed over subtasks, of every operator that counts the reason. */
  long deadLetters(Object reason) {
    return counterSum("deadLetters.reason." + reason + ".count");
  }

  /** The values of the gauges named so, one per subtask. */
  List<Object> gaugeValues(String name) {
    return all(name, Gauge.class).stream().map(gauge -> (Object) gauge.getValue()).toList();
  }

  /** The histograms named so, one per subtask. */
  List<Histogram> histograms(String name) {
    return all(name, Histogram.class);
  }

  /**
   * By group, not by {@link InMemoryReporter#getMetricsByIdentifiers}: a chained operator's metrics
   * and its task's can share an identifier, which that map cannot hold.
   */
  private <M extends Metric> List<M> all(String name, Class<M> type) {
    return reporter.getMetricsByGroup().entrySet().stream()
        .filter(group -> jobId.equals(group.getKey().getAllVariables().get("<job_id>")))
        .flatMap(group -> metricsNamed(group.getKey(), group.getValue(), name))
        .map(type::cast)
        .toList();
  }

  private static Stream<Metric> metricsNamed(
      MetricGroup group, Map<String, Metric> metrics, String name) {
    return metrics.entrySet().stream()
        .filter(metric -> group.getMetricIdentifier(metric.getKey()).endsWith("." + name))
        .map(Map.Entry::getValue);
  }
}
