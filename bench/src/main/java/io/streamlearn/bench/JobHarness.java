package io.streamlearn.bench;

import io.streamlearn.pipeline.cli.StreamlearnCommand;
import io.streamlearn.pipeline.config.StreamlearnConfig;
import io.streamlearn.pipeline.generate.SampleStream;
import io.streamlearn.pipeline.generate.StandardStream;
import io.streamlearn.pipeline.kafka.KafkaBroker;
import io.streamlearn.pipeline.kafka.KafkaConnectors;
import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.Prediction;
import io.streamlearn.schemas.WireCodec;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.LongSummaryStatistics;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.flink.util.FileUtils;

/**
 * What the whole-pipeline benchmarks share: a real Kafka broker (pipeline's {@link KafkaBroker}, a
 * child JVM on free loopback ports), topics filled with generated samples, the real job run the way
 * {@code bin/streamlearn run} runs it (through {@link StreamlearnCommand}, in this JVM), and its
 * output topics read back as a read-committed consumer reads them. {@link #close()} stops the
 * broker and removes every file the runs wrote.
 */
final class JobHarness implements AutoCloseable {

  private static final Duration READ_TIMEOUT = Duration.ofMinutes(6);
  private static final Duration STOP_TIMEOUT = Duration.ofMinutes(2);
  private static final long SAMPLE_SEED = 7;

  private final Path workDir;
  private final KafkaBroker broker;
  private final Map<String, String> jobOptions;

  private JobHarness(Path workDir, KafkaBroker broker, Map<String, String> jobOptions) {
    this.workDir = workDir;
    this.broker = broker;
    this.jobOptions = jobOptions;
  }

  /**
   * Starts the broker.
   *
   * @param jobOptions options every job of this harness gets on top of its own, such as {@code
   *     trainer.mode}: {@code bench/run --set key=value}
   */
  static JobHarness start(Map<String, String> jobOptions) throws IOException, InterruptedException {
    Path workDir = Files.createTempDirectory("streamlearn-bench");
    try {
      return new JobHarness(workDir, KafkaBroker.start(workDir.resolve("kafka")), jobOptions);
    } catch (IOException | InterruptedException | RuntimeException e) {
      FileUtils.deleteDirectoryQuietly(workDir.toFile());
      throw e;
    }
  }

  String bootstrapServers() {
    return broker.bootstrapServers();
  }

  /**
   * A job of its own: its topics (one partition each, as the job has parallelism 1), consumer group
   * and state directory, named after it. {@code options} are configuration keys; the harness's job
   * options come on top.
   */
  Job job(String name, Map<String, String> options) throws Exception {
    Job job = new Job(name, workDir.resolve(name + ".yaml"));
    for (String topic : job.topics()) {
      broker.createTopic(topic, 1);
    }
    Map<String, String> all = new LinkedHashMap<>();
    all.put("kafka.bootstrap-servers", broker.bootstrapServers());
    all.put("kafka.group-id", name);
    all.put("kafka.topic.samples", job.samples());
    all.put("kafka.topic.predictions", job.predictions());
    all.put("kafka.topic.checkpoints", job.checkpoints());
    all.put("kafka.topic.dead-letters", name + "-dead-letters");
    all.put("kafka.topic.metrics", name + "-metrics");
    all.put("job.name", name);
    all.put("job.state-dir", workDir.resolve("state").toString());
    all.putAll(options);
    all.putAll(jobOptions);
    Files.writeString(
        job.config(),
        all.entrySet().stream()
            .map(option -> option.getKey() + ": " + option.getValue())
            .collect(Collectors.joining("\n", "", "\n")));
    return job;
  }

  /** A generated stream without drift over {@code keys} keys, keys taking turns. */
  static SampleStream stream(StandardStream stream, int keys, int features) {
    return stream.create(SAMPLE_SEED, keys, features, 0);
  }

  /** The first {@code count} samples of {@link #stream}. */
  static List<LabeledSample> samples(StandardStream stream, int keys, int features, int count) {
    return take(stream(stream, keys, features), count);
  }

  /** The next {@code count} samples of a stream. */
  static List<LabeledSample> take(SampleStream samples, int count) {
    List<LabeledSample> taken = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      taken.add(samples.next());
    }
    return taken;
  }

  /** Writes the samples to the job's samples topic and returns once the broker has them all. */
  void produce(Job job, List<LabeledSample> samples) {
    KafkaConnectors.produce(broker.bootstrapServers(), job.samples(), samples);
  }

  /**
   * {@code bin/streamlearn run --config <job> --until-end --quiet}: reads what is in the samples
   * topic now, trains on it, publishes every key's final model and returns the CPU each part of the
   * machine spent meanwhile.
   *
   * @throws IllegalStateException if run exits other than 0, with what it printed
   */
  CpuUse runUntilEnd(Job job) {
    CpuUse cpu = countCpu();
    Cli.Result run = Cli.run("run", "--config", job.config().toString(), "--until-end", "--quiet");
    cpu.stop();
    run.check();
    return cpu;
  }

  /** {@code bin/streamlearn run --config <job> --quiet}, in the background until {@link #stop}. */
  CompletableFuture<Cli.Result> runLive(Job job) {
    return CompletableFuture.supplyAsync(
        () -> Cli.run("run", "--config", job.config().toString(), "--quiet"));
  }

  /**
   * {@code bin/streamlearn stop --config <job>}: stops the job that {@link #runLive} runs, with a
   * savepoint, and waits for its run to end.
   */
  void stop(Job job, CompletableFuture<Cli.Result> run) throws Exception {
    Cli.run("stop", "--config", job.config().toString()).check();
    run.get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).check();
  }

  /**
   * The first {@code expected} predictions on the job's predictions topic, read committed.
   *
   * @throws IllegalStateException if fewer arrive within 6 min
   */
  List<Prediction> predictions(Job job, int expected) {
    List<Prediction> predictions =
        KafkaConnectors.readAll(
            broker.bootstrapServers(),
            job.predictions(),
            WireCodec.predictions(),
            expected,
            READ_TIMEOUT);
    if (predictions.size() < expected) {
      throw new IllegalStateException(
          predictions.size() + " of " + expected + " predictions on " + job.predictions());
    }
    return predictions;
  }

  /**
   * Samples per second from the first prediction to the last, by their prediction times: the
   * predictions made after the first instant over the time that took.
   */
  static double samplesPerSecond(List<Prediction> predictions) {
    return samplesPerSecond(predictionMillis(predictions));
  }

  /** {@link #samplesPerSecond(List)} of predictions made at these epoch milliseconds. */
  static double samplesPerSecond(long[] predictionMillis) {
    LongSummaryStatistics times = LongStream.of(predictionMillis).summaryStatistics();
    if (times.getMax() == times.getMin()) {
      throw new IllegalStateException("All predictions were made in the same millisecond");
    }
    long atFirst = LongStream.of(predictionMillis).filter(time -> time == times.getMin()).count();
    return (times.getCount() - atFirst) * 1000.0 / (times.getMax() - times.getMin());
  }

  private static long[] predictionMillis(List<Prediction> predictions) {
    return predictions.stream()
        .mapToLong(prediction -> prediction.getPredictionTime().toEpochMilli())
        .toArray();
  }

  /** Counts the CPU this JVM and the broker spend from now on ({@link CpuUse#stop} ends it). */
  CpuUse countCpu() {
    return CpuUse.start(broker.process());
  }

  /**
   * A run's rate, first prediction to last ({@link #samplesPerSecond}), and the CPU each part spent
   * in that time.
   */
  record Timed(double samplesPerSecond, CpuUse.Spent spent) {

    /**
     * The fastest of several runs of a job in this JVM: the first spends much of its time compiling
     * Flink's, Kafka's, Avro's and ND4J's code, which a job that runs for hours pays once.
     */
    static Timed best(List<Timed> runs) {
      return runs.stream().max(Comparator.comparingDouble(Timed::samplesPerSecond)).orElseThrow();
    }

    static Timed of(CpuUse cpu, List<Prediction> predictions) {
      long[] millis = predictionMillis(predictions);
      LongSummaryStatistics times = LongStream.of(millis).summaryStatistics();
      return new Timed(
          JobHarness.samplesPerSecond(millis), cpu.between(times.getMin(), times.getMax()));
    }
  }

  /** The job's configuration as run loads it. */
  static StreamlearnConfig config(Job job) {
    return StreamlearnConfig.load(job.config(), Map.of());
  }

  /** The job's checkpoints and savepoints, as run keeps them: {@code <state-dir>/<job.name>}. */
  Path stateOf(Job job) {
    return workDir.resolve("state").resolve(job.name());
  }

  /** Stops the broker and removes the work directory, also after a failed benchmark. */
  @Override
  public void close() {
    broker.close();
    FileUtils.deleteDirectoryQuietly(workDir.toFile());
  }

  /** One job's configuration file and topic names. */
  record Job(String name, Path config) {
    String samples() {
      return name + "-samples";
    }

    String predictions() {
      return name + "-predictions";
    }

    String checkpoints() {
      return name + "-model-checkpoints";
    }

    List<String> topics() {
      return List.of(
          samples(), predictions(), checkpoints(), name + "-dead-letters", name + "-metrics");
    }
  }

  /** {@code bin/streamlearn} in this JVM, through the entry point its main uses. */
  static final class Cli {
    private Cli() {}

    static Result run(String... args) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int exitCode =
          StreamlearnCommand.commandLine()
              .setOut(new PrintWriter(out, true))
              .setErr(new PrintWriter(err, true))
              .execute(args);
      return new Result(String.join(" ", args), exitCode, out.toString(), err.toString());
    }

    record Result(String command, int exitCode, String out, String err) {
      void check() {
        if (exitCode != 0) {
          throw new IllegalStateException(
              "streamlearn " + command + " exited " + exitCode + ":\n" + out + err);
        }
      }
    }
  }
}
