package io.streamlearn.pipeline.cli;

import static io.streamlearn.pipeline.config.StreamlearnOptions.JOB_NAME;
import static io.streamlearn.pipeline.config.StreamlearnOptions.JOB_PARALLELISM;
import static io.streamlearn.pipeline.config.StreamlearnOptions.KAFKA_BOOTSTRAP_SERVERS;
import static io.streamlearn.pipeline.config.StreamlearnOptions.KAFKA_TOPIC_CHECKPOINTS;
import static io.streamlearn.pipeline.config.StreamlearnOptions.KAFKA_TOPIC_DEAD_LETTERS;
import static io.streamlearn.pipeline.config.StreamlearnOptions.KAFKA_TOPIC_METRICS;
import static io.streamlearn.pipeline.config.StreamlearnOptions.KAFKA_TOPIC_PREDICTIONS;
import static io.streamlearn.pipeline.config.StreamlearnOptions.KAFKA_TOPIC_SAMPLES;

import io.streamlearn.pipeline.KafkaJob;
import io.streamlearn.pipeline.config.ConfigException;
import io.streamlearn.pipeline.config.ParentCheckpoints;
import io.streamlearn.pipeline.config.StreamlearnConfig;
import io.streamlearn.pipeline.demo.DemoMonitor;
import io.streamlearn.pipeline.demo.DemoStats;
import io.streamlearn.pipeline.generate.SampleStream;
import io.streamlearn.pipeline.kafka.KafkaBroker;
import io.streamlearn.pipeline.kafka.KafkaClientSettings;
import io.streamlearn.pipeline.kafka.KafkaConnectors;
import io.streamlearn.schemas.LabeledSample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the whole pipeline on this machine alone: a real Kafka broker (KRaft, in a child JVM"
          + " on a free loopback port), a local Flink environment and a generator of a drifting"
          + " classification stream (rotating hyperplane, or another of --stream). Prints one"
          + " progress line a second.",
      "",
      "With --config the demo trains that configuration (an example of examples/, or your own)"
          + " on the generated stream that suits its input and task: friedman for a regression"
          + " (with the model's outputs), multilabel for a multi-label model, recall for a"
          + " sequence into a recurrent network, motif for a sequence into"
          + " convolutions, hyperplane for 2 classes and rbf for more; --stream chooses another"
          + " of the same shape. Settings come from the file, then the demo's own (its broker,"
          + " job name, parallelism, checkpoint and metrics intervals) replace the file's, then"
          + " --set replaces both."
    },
    footer = {
      "",
      "Examples:",
      "  bin/streamlearn demo                          # until Ctrl-C",
      "  bin/streamlearn demo --samples 50000 --json   # summary as JSON on the last line",
      "  bin/streamlearn demo --keys 8 --drift 0.0005 --set batch.size=32",
      "  bin/streamlearn demo --config examples/lstm.yaml --samples 20000 --json"
    })
final class DemoCommand extends Subcommand {

  /** The generator stays at most this far ahead of the predictions, so Kafka does not fill up. */
  private static final long MAX_SAMPLES_AHEAD = 50_000;

  /** How long the job may take to end, and its last output to be read, after it is stopped. */
  private static final Duration END_TIMEOUT = Duration.ofMinutes(1);

  @Option(
      names = "--samples",
      defaultValue = "0",
      description = "Stop after N samples (default: run until Ctrl-C).")
  long samples;

  @Option(
      names = "--json",
      description = "Print the final summary as one JSON object on the last line.")
  boolean json;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "Trains this job configuration (YAML, as run takes it) instead of the default network,"
              + " on the stream that suits it; the stream's shape comes from the file.")
  Path config;

  @Mixin GeneratorOptions stream;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = "Overrides one configuration key; repeatable.")
  List<String> overrides = new ArrayList<>();

  /**
   * The demo's broker is new: no key has published a model in it that a new key could start from.
   */
  private static final ParentCheckpoints NO_PARENT_CHECKPOINTS =
      ParentCheckpoints.refused(
          "the demo starts a new, empty Kafka broker of its own, which holds no checkpoint; run"
              + " the configuration with 'bin/streamlearn run' against the Kafka cluster whose"
              + " checkpoints topic holds the parent's");

  /** The broker the configuration is checked with before the demo's own has started. */
  private static final String PLACEHOLDER_BROKER = "localhost:9092";

  private volatile boolean interrupted;
  private final CountDownLatch finished = new CountDownLatch(1);

  @Override
  public Integer call() throws Exception {
    StreamlearnConfig checked;
    SampleStream generated;
    try {
      // Checked before the broker starts, so that a mistake is reported at once.
      checked = configuration(PLACEHOLDER_BROKER);
      generated = config == null ? stream.generator() : ConfiguredStream.of(checked, stream);
    } catch (ConfigException | IllegalArgumentException e) {
      err().println((config == null ? "demo" : config.toString()) + ": " + e.getMessage());
      return 2;
    }
    Thread ctrlC = new Thread(this::stopOnCtrlC, "demo-shutdown");
    Runtime.getRuntime().addShutdownHook(ctrlC);
    Path workDir = Files.createTempDirectory("streamlearn-demo");
    try (KafkaBroker broker = KafkaBroker.start(workDir.resolve("kafka"))) {
      Map<String, String> settings = new LinkedHashMap<>(checked.toMap());
      settings.put(KAFKA_BOOTSTRAP_SERVERS.key(), broker.bootstrapServers());
      return runDemo(
          broker, StreamlearnConfig.fromMap(settings, NO_PARENT_CHECKPOINTS), generated, workDir);
    } finally {
      deleteRecursively(workDir);
      finished.countDown();
      if (!interrupted) {
        Runtime.getRuntime().removeShutdownHook(ctrlC);
      }
    }
  }

  private int runDemo(
      KafkaBroker broker, StreamlearnConfig config, SampleStream generated, Path workDir)
      throws Exception {
    int partitions = config.get(JOB_PARALLELISM);
    broker.createTopic(config.get(KAFKA_TOPIC_SAMPLES), partitions);
    broker.createTopic(config.get(KAFKA_TOPIC_PREDICTIONS), partitions);
    broker.createTopic(config.get(KAFKA_TOPIC_CHECKPOINTS), 1);
    broker.createTopic(config.get(KAFKA_TOPIC_DEAD_LETTERS), 1);
    broker.createTopic(config.get(KAFKA_TOPIC_METRICS), 1);

    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.createLocalEnvironment(partitions, config.flinkConfiguration());
    KafkaJob.define(env, config);
    try (DemoMonitor monitor =
        new DemoMonitor(
            KafkaClientSettings.of(broker.bootstrapServers()),
            config.get(KAFKA_TOPIC_PREDICTIONS),
            config.get(KAFKA_TOPIC_CHECKPOINTS),
            config.get(KAFKA_TOPIC_METRICS))) {
      JobClient job = env.executeAsync(config.get(JOB_NAME));
      long started = System.nanoTime();
      AtomicLong produced = new AtomicLong();
      Thread generator =
          startGenerator(
              broker.bootstrapServers(),
              config.get(KAFKA_TOPIC_SAMPLES),
              generated,
              produced,
              monitor);

      DemoStats stats = monitor.stats(0, 0);
      while (!interrupted && (samples == 0 || stats.predictions() < samples)) {
        if (job.getJobStatus().get().isTerminalState()) {
          job.getJobExecutionResult().get(); // rethrows why the job ended
          throw new IllegalStateException("The job ended before the demo did");
        }
        Thread.sleep(1_000);
        stats = monitor.stats(produced.get(), seconds(started));
        out().println(stats.progressLine());
      }
      generator.interrupt();
      double seconds = seconds(started);
      if (interrupted) {
        job.cancel().get(30, TimeUnit.SECONDS);
        // What was read: the broker stops with this JVM, so there is nothing more to wait for.
        stats = monitor.stats(produced.get(), seconds);
      } else {
        // Draining flushes every open batch and publishes each key's final model.
        job.stopWithSavepoint(
                true,
                workDir.resolve("savepoints").toUri().toString(),
                SavepointFormatType.CANONICAL)
            .get(2, TimeUnit.MINUTES);
        // The savepoint may complete before its transactions (the final models and metrics)
        // commit; once the job has ended, they have.
        job.getJobExecutionResult().get(END_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        stats = monitor.statsOfEverythingCommitted(produced.get(), seconds, END_TIMEOUT);
      }
      out().println(json ? stats.json() : stats.summary());
      return interrupted || stats.predictions() >= samples ? 0 : 1;
    }
  }

  /**
   * The configuration the demo runs: the file's settings, or else the model shape of the stream;
   * then the demo's own, which replace the file's; then --set, which replaces both.
   */
  private StreamlearnConfig configuration(String bootstrapServers) {
    Map<String, String> settings = new LinkedHashMap<>();
    if (config == null) {
      settings.putAll(stream.modelShape());
    }
    settings.put(KAFKA_BOOTSTRAP_SERVERS.key(), bootstrapServers);
    settings.put("job.name", "streamlearn-demo");
    settings.put("job.parallelism", "2");
    // Predictions are written in Kafka transactions that commit with each Flink checkpoint.
    settings.put("job.checkpoint-interval", "1 s");
    settings.put("model.checkpoint.every-steps", "50");
    settings.put("model.checkpoint.interval", "5 s");
    // The metrics printed are the whole job's, over its last 2,000 predictions, every second.
    settings.put("metrics.window", "2000");
    settings.put("metrics.snapshot-interval", "1 s");
    settings.putAll(StreamlearnConfig.parseOverrides(overrides));
    return config == null
        ? StreamlearnConfig.fromMap(settings, NO_PARENT_CHECKPOINTS)
        : StreamlearnConfig.load(config, settings, NO_PARENT_CHECKPOINTS);
  }

  private Thread startGenerator(
      String bootstrapServers,
      String topic,
      Iterator<LabeledSample> generated,
      AtomicLong produced,
      DemoMonitor monitor) {
    Iterable<LabeledSample> paced =
        () ->
            new Iterator<>() {
              @Override
              public boolean hasNext() {
                while (produced.get() - monitor.predictions() >= MAX_SAMPLES_AHEAD) {
                  if (!pause()) {
                    return false;
                  }
                }
                return !Thread.currentThread().isInterrupted()
                    && (samples == 0 || produced.get() < samples);
              }

              @Override
              public LabeledSample next() {
                produced.incrementAndGet();
                return generated.next();
              }
            };
    Thread generator =
        new Thread(() -> KafkaConnectors.produce(bootstrapServers, topic, paced), "demo-generator");
    generator.setDaemon(true);
    generator.start();
    return generator;
  }

  private void stopOnCtrlC() {
    interrupted = true;
    try {
      finished.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static boolean pause() {
    try {
      Thread.sleep(50);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static double seconds(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1e9;
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
