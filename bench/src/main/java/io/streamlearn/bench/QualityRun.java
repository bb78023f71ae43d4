package io.streamlearn.bench;

import io.streamlearn.operators.SourceRecord;
import io.streamlearn.pipeline.KafkaJob;
import io.streamlearn.pipeline.PipelineSinks;
import io.streamlearn.pipeline.StreamlearnJob;
import io.streamlearn.pipeline.config.StreamlearnConfig;
import io.streamlearn.pipeline.generate.SampleStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * One configuration trained on one generated stream through the real job: the topology of {@link
 * StreamlearnJob} with the settings {@code run} derives from a configuration ({@link
 * KafkaJob#pipelineSettings}), on a local MiniCluster, over a bounded source of the stream's
 * records in place of the samples topic. Predictions are counted ({@link AccuracySink}); the other
 * outputs are discarded.
 *
 * @param options configuration keys of the run on top of the job's defaults, such as {@code
 *     model.learning-rate}; empty for the default configuration
 */
record QualityRun(GeneratedSamples.StreamSpec stream, long samples, Map<String, String> options) {

  /** Prequential accuracy and how long the job took. */
  record Result(double accuracy, long predictions, double seconds) {}

  Result run(String name) throws Exception {
    SampleStream shape = stream.create();
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("model.features", Integer.toString(shape.features()));
    settings.put("model.classes", Integer.toString(shape.classes()));
    settings.put("job.name", name);
    // Required by every configuration; this job's source and sinks are not Kafka's.
    settings.put("kafka.bootstrap-servers", "unused:9092");
    // One source reader keeps the generator's order; a batch is cut by count alone, so batch
    // boundaries, and with them what is learned, do not depend on how fast this machine is.
    settings.put("job.parallelism", "1");
    settings.put("batch.max-delay", "0 ms");
    settings.putAll(options);
    StreamlearnConfig config = StreamlearnConfig.fromMap(settings);

    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.createLocalEnvironment(1, config.flinkConfiguration());
    AccuracySink predictions = new AccuracySink();
    StreamlearnJob.defineWorkflow(
        env,
        new DataGeneratorSource<SourceRecord>(
            new GeneratedSamples(stream),
            samples,
            RateLimiterStrategy.noOp(),
            TypeInformation.of(SourceRecord.class)),
        new PipelineSinks(
            predictions, new DiscardingSink<>(), new DiscardingSink<>(), new DiscardingSink<>()),
        KafkaJob.pipelineSettings(config));
    long started = System.nanoTime();
    try {
      env.execute(name);
      double seconds = (System.nanoTime() - started) / 1e9;
      if (predictions.predictions() != samples) {
        throw new IllegalStateException(
            name + ": " + predictions.predictions() + " predictions of " + samples + " samples");
      }
      return new Result(predictions.accuracy(), predictions.predictions(), seconds);
    } finally {
      predictions.release();
    }
  }
}
