package io.streamlearn.pipeline.cli;

import static io.streamlearn.pipeline.config.StreamlearnOptions.KAFKA_TOPIC_CHECKPOINTS;
import static io.streamlearn.pipeline.config.StreamlearnOptions.KAFKA_TOPIC_METRICS;
import static io.streamlearn.pipeline.config.StreamlearnOptions.KAFKA_TOPIC_PREDICTIONS;

import io.streamlearn.pipeline.KafkaJob;
import io.streamlearn.pipeline.config.StreamlearnConfig;
import io.streamlearn.pipeline.demo.DemoMonitor;
import io.streamlearn.pipeline.demo.DemoStats;
import io.streamlearn.pipeline.kafka.KafkaClientSettings;
import io.streamlearn.pipeline.kafka.KafkaConnectors;
import io.streamlearn.pipeline.progress.KeyVersions;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * What {@code run} prints while its job runs: a progress line every few seconds, from the job's
 * output topics read committed as any downstream consumer reads them (what the demo shows), and a
 * summary when the job ends. The topics are read from their start, so the figures are the job's
 * over all its runs; the rate is this run's.
 */
final class RunProgress implements AutoCloseable {

  private static final Duration CATCH_UP = Duration.ofSeconds(15);

  private final StreamlearnConfig config;
  private final KafkaClientSettings kafka;
  private final PrintWriter out;
  private final boolean quiet;
  private final long started = System.nanoTime();
  private DemoMonitor monitor;
  private long predictionsBefore;
  private double secondsBefore;

  RunProgress(StreamlearnConfig config, PrintWriter out, boolean quiet) {
    this.config = config;
    this.kafka = KafkaJob.kafkaClientSettings(config);
    this.out = out;
    this.quiet = quiet;
  }

  /**
   * Prints progress every {@code interval} until the job ends, then the summary.
   *
   * @return the job's result
   * @throws ExecutionException with the reason the job failed or was cancelled
   */
  JobExecutionResult follow(JobClient job, Duration interval)
      throws InterruptedException, ExecutionException {
    CompletableFuture<JobExecutionResult> result = job.getJobExecutionResult();
    while (true) {
      try {
        JobExecutionResult done = result.get(interval.toMillis(), TimeUnit.MILLISECONDS);
        out.println(summary(job));
        out.flush();
        return done;
      } catch (TimeoutException stillRunning) {
        if (!quiet) {
          out.println(progressLineOrWhyNot());
          out.flush();
        }
      }
    }
  }

  /** Progress is a courtesy: not being able to read it must not stop the job. */
  private String progressLineOrWhyNot() {
    try {
      return progressLine();
    } catch (RuntimeException e) {
      return String.format(
          Locale.ROOT, "[%6.1fs] running; no progress figures: %s", seconds(), e.getMessage());
    }
  }

  private String progressLine() {
    double seconds = seconds();
    DemoStats stats = stats(seconds);
    if (stats == null) {
      return String.format(
          Locale.ROOT, "[%6.1fs] running; no output topics yet: %s", seconds, outputTopics());
    }
    double rate = (stats.predictions() - predictionsBefore) / (seconds - secondsBefore);
    predictionsBefore = stats.predictions();
    secondsBefore = seconds;
    return String.format(
        Locale.ROOT,
        "[%6.1fs] predictions %,d (%,.0f/s) | %s | drifts %d | %s | model checkpoints %,d",
        seconds,
        stats.predictions(),
        rate,
        quality(stats),
        stats.drifts(),
        KeyVersions.summary(stats.versions()),
        stats.checkpoints());
  }

  private String summary(JobClient job) throws InterruptedException {
    String figures;
    try {
      figures = figures(caughtUp(seconds()));
    } catch (RuntimeException e) {
      figures = "not readable (" + e.getMessage() + ")";
    }
    return String.format(
        Locale.ROOT,
        "Job %s ended after %.1f s. On its output topics: %s",
        job.getJobID(),
        seconds(),
        figures);
  }

  private static String figures(DemoStats stats) {
    return stats == null
        ? "no output topics"
        : String.format(
            Locale.ROOT,
            "%,d predictions, %,d trained, %,d model checkpoints published | %s | %s",
            stats.predictions(),
            stats.trained(),
            stats.checkpoints(),
            quality(stats),
            KeyVersions.summary(stats.versions()));
  }

  /** The figures once the job's last transactions have been read: they stop changing. */
  private DemoStats caughtUp(double seconds) throws InterruptedException {
    long deadline = System.nanoTime() + CATCH_UP.toNanos();
    DemoStats before = stats(seconds);
    while (before != null && System.nanoTime() < deadline) {
      Thread.sleep(1_500);
      DemoStats after = stats(seconds);
      if (after.equals(before)) {
        break;
      }
      before = after;
    }
    return before;
  }

  private static String quality(DemoStats stats) {
    Double accuracy = stats.metrics().get("accuracy");
    if (accuracy == null) {
      return "no metrics yet";
    }
    return String.format(
        Locale.ROOT,
        "accuracy(last %,d) %.3f kappa %.3f",
        stats.metrics().getOrDefault("windowSize", 0.0).longValue(),
        accuracy,
        stats.metrics().getOrDefault("kappa", 0.0));
  }

  /** The figures so far; null while the output topics do not exist (they are not created here). */
  private DemoStats stats(double seconds) {
    if (monitor == null) {
      if (!outputTopicsExist()) {
        return null;
      }
      monitor =
          new DemoMonitor(
              kafka,
              config.get(KAFKA_TOPIC_PREDICTIONS),
              config.get(KAFKA_TOPIC_CHECKPOINTS),
              config.get(KAFKA_TOPIC_METRICS));
    }
    return monitor.stats(0, seconds);
  }

  private boolean outputTopicsExist() {
    try (KafkaConsumer<byte[], byte[]> consumer = KafkaConnectors.committedConsumer(kafka)) {
      Set<String> topics = consumer.listTopics(Duration.ofSeconds(10)).keySet();
      return topics.containsAll(outputTopics());
    }
  }

  private List<String> outputTopics() {
    return List.of(
        config.get(KAFKA_TOPIC_PREDICTIONS),
        config.get(KAFKA_TOPIC_CHECKPOINTS),
        config.get(KAFKA_TOPIC_METRICS));
  }

  private double seconds() {
    return (System.nanoTime() - started) / 1e9;
  }

  @Override
  public void close() throws InterruptedException {
    if (monitor != null) {
      monitor.close();
    }
  }
}
