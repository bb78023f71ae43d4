package io.streamlearn.pipeline;

import io.streamlearn.pipeline.config.StreamlearnConfig;
import io.streamlearn.pipeline.config.StreamlearnOptions;
import io.streamlearn.pipeline.kafka.KafkaBroker;
import io.streamlearn.pipeline.kafka.KafkaConnectors;
import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.WireCodec;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * One run of the Kafka-wired job (the source, sinks and settings of {@link KafkaJob}, the topology
 * of {@link StreamlearnJob}) on the calling test's MiniCluster, against a real broker.
 *
 * <p>Its output topics, consumer group and Kafka transactional ids are named after the run, so runs
 * sharing a broker never see each other's records, and a run resumed from a savepoint under the
 * same name writes where it left off.
 */
final class PipelineRun {

  private static final Duration OUTPUT_TIMEOUT = Duration.ofMinutes(2);

  /** Longest a read of everything committed to an output topic may take. */
  private static final Duration READ_TIMEOUT = Duration.ofMinutes(1);

  private final KafkaBroker broker;
  private final String name;
  private final Map<String, String> options = new HashMap<>();
  private TrainerFactory trainers = TrainerFactory.STANDARD;
  private UnaryOperator<PipelineSinks> sinkDecorator = UnaryOperator.identity();

  /**
   * @param training the model, batch and publication options of the test; the run adds topics,
   *     names, checkpointing and restarts
   */
  PipelineRun(KafkaBroker broker, String name, String samplesTopic, Map<String, String> training) {
    this.broker = broker;
    this.name = name;
    options.putAll(training);
    options.put("kafka.bootstrap-servers", broker.bootstrapServers());
    options.put("kafka.topic.samples", samplesTopic);
    options.put("kafka.topic.predictions", predictionsTopic());
    options.put("kafka.topic.checkpoints", checkpointsTopic());
    options.put("kafka.topic.dead-letters", deadLettersTopic());
    options.put("kafka.topic.metrics", metricsTopic());
    options.put("kafka.group-id", name);
    options.put("job.name", name);
    // Checkpoints often enough for failures to fall between them in a run of seconds, and room for
    // every planned failure to restart the job.
    options.put("job.checkpoint-interval", "300 ms");
    options.put("flink.restart-strategy.type", "fixed-delay");
    options.put("flink.restart-strategy.fixed-delay.attempts", "10");
    options.put("flink.restart-strategy.fixed-delay.delay", "200 ms");
  }

  /** Sets a Streamlearn option, or a Flink one as {@code flink.<key>}, for the next start. */
  PipelineRun set(String key, String value) {
    options.put(key, value);
    return this;
  }

  PipelineRun trainers(TrainerFactory factory) {
    this.trainers = factory;
    return this;
  }

  PipelineRun sinks(UnaryOperator<PipelineSinks> decorator) {
    this.sinkDecorator = decorator;
    return this;
  }

  /** Creates the output topics: once per run name. */
  PipelineRun createTopics() throws Exception {
    broker.createTopic(predictionsTopic(), 2);
    // One partition: one order over all published checkpoints, in which versions must grow.
    broker.createTopic(checkpointsTopic(), 1);
    broker.createTopic(deadLettersTopic(), 1);
    broker.createTopic(metricsTopic(), 1);
    return this;
  }

  /**
   * Runs the job over the records in the samples topic when it starts, and returns when the job has
   * ended: every key's final model is published and every output committed by then.
   */
  void runToEndOfInput() throws Exception {
    environment(true).execute(name);
  }

  /** Starts the job without an end of input: the caller stops it. */
  RunningJob start() throws Exception {
    return new RunningJob(environment(false).executeAsync(name));
  }

  /**
   * Waits until every sample of {@code samples} that is in a full batch has its prediction
   * committed: all but each key's last, partial batch, which waits for more samples or the end of
   * input.
   */
  void awaitPredictionsOfFullBatches(List<LabeledSample> samples) {
    int batchSize = StreamlearnConfig.fromMap(options).get(StreamlearnOptions.BATCH_SIZE);
    int inFullBatches =
        samples.stream()
            .collect(Collectors.groupingBy(LabeledSample::getKey, Collectors.counting()))
            .values()
            .stream()
            .mapToInt(count -> (int) (count / batchSize * batchSize))
            .sum();
    awaitPredictions(inFullBatches);
  }

  /** Waits until at least {@code count} predictions are committed. */
  void awaitPredictions(int count) {
    int committed =
        KafkaConnectors.readAll(
                broker.bootstrapServers(),
                predictionsTopic(),
                WireCodec.predictions(),
                count,
                OUTPUT_TIMEOUT)
            .size();
    if (committed < count) {
      throw new AssertionError(
          "Run "
              + name
              + " committed "
              + committed
              + " predictions in "
              + OUTPUT_TIMEOUT
              + ", expected "
              + count);
    }
  }

  /** Everything committed to the output topics so far. */
  RunOutputs outputs() {
    return new RunOutputs(
        KafkaConnectors.readCommitted(
            broker.bootstrapServers(), predictionsTopic(), WireCodec.predictions(), READ_TIMEOUT),
        KafkaConnectors.readCommitted(
            broker.bootstrapServers(),
            checkpointsTopic(),
            WireCodec.modelCheckpoints(),
            READ_TIMEOUT));
  }

  private StreamExecutionEnvironment environment(boolean stopAtLatestOffsets) {
    StreamlearnConfig config = StreamlearnConfig.fromMap(options);
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(config.flinkConfiguration());
    StreamlearnJob.defineWorkflow(
        env,
        KafkaJob.samplesSource(config, stopAtLatestOffsets),
        KafkaJob.labelsSource(config, stopAtLatestOffsets),
        sinkDecorator.apply(KafkaJob.sinks(config)),
        KafkaJob.pipelineSettings(config),
        trainers);
    return env;
  }

  private String predictionsTopic() {
    return name + "-predictions";
  }

  private String checkpointsTopic() {
    return name + "-checkpoints";
  }

  private String deadLettersTopic() {
    return name + "-dead-letters";
  }

  private String metricsTopic() {
    return name + "-metrics";
  }
}
