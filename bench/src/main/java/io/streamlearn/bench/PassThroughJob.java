package io.streamlearn.bench;

import static io.streamlearn.pipeline.config.StreamlearnOptions.JOB_NAME;

import io.streamlearn.bench.JobHarness.Job;
import io.streamlearn.bench.JobHarness.Timed;
import io.streamlearn.operators.SampleDecoder;
import io.streamlearn.pipeline.KafkaJob;
import io.streamlearn.pipeline.PipelineSettings;
import io.streamlearn.pipeline.config.StreamlearnConfig;
import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.Prediction;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The least a job that predicts every sample of a keyed stream does, as a ceiling for the whole
 * job: the job's own samples source (read committed, up to the end offsets at start), its sample
 * decoder, one keyBy by model key, one {@link Prediction} per sample with fixed scores (no model,
 * no state), and the job's predictions sink with the job's delivery guarantee, on the job's Flink
 * configuration and parallelism, with object reuse as the job runs. What is left is Kafka, Avro and
 * Flink's network between two tasks: what any Flink job that reads the samples and writes a
 * prediction per sample pays on this machine. The real job has two keyed edges (the mini-batch
 * drain in front of the trainer), a trainer, evaluators and three more sinks on top.
 */
final class PassThroughJob {

  private PassThroughJob() {}

  /**
   * Runs the pass-through over the job's samples topic: its rate and CPU, first prediction to last.
   */
  static Timed run(JobHarness harness, Job job, int count) throws Exception {
    StreamlearnConfig config = JobHarness.config(job);
    Configuration flink = config.flinkConfiguration();
    flink.set(
        CheckpointingOptions.CHECKPOINTS_DIRECTORY,
        harness.stateOf(job).resolve("checkpoints").toUri().toString());
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
    env.getConfig().enableObjectReuse();
    PipelineSettings settings = KafkaJob.pipelineSettings(config);
    env.fromSource(
            KafkaJob.samplesSource(config, true), WatermarkStrategy.noWatermarks(), "samples")
        .process(new SampleDecoder(settings.shape(), settings.maxRecordBytes()))
        .keyBy(LabeledSample::getKey, Types.STRING)
        .map(new FixedPrediction(settings.shape().outputs()))
        .returns(new AvroTypeInfo<>(Prediction.class))
        .sinkTo(KafkaJob.sinks(config).predictions());
    CpuUse cpu = harness.countCpu();
    try {
      env.execute(config.get(JOB_NAME));
    } finally {
      cpu.stop();
    }
    return Timed.of(cpu, harness.predictions(job, count));
  }

  /**
   * The prediction the job would emit for a sample, with the same scores for every sample: one list
   * for all of them, which no operator changes (the job runs with object reuse).
   */
  private static final class FixedPrediction implements MapFunction<LabeledSample, Prediction> {
    private final List<Float> scores;

    FixedPrediction(int outputs) {
      this.scores = List.copyOf(Collections.nCopies(outputs, 1f / outputs));
    }

    @Override
    public Prediction map(LabeledSample sample) {
      return Prediction.newBuilder()
          .setSampleId(sample.getId())
          .setKey(sample.getKey())
          .setModelVersion(0)
          .setScores(scores)
          .setPredictedLabel(0)
          .setLabel(sample.getLabel())
          .setTarget(sample.getTarget())
          .setEventTime(sample.getEventTime())
          .setPredictionTime(Instant.now())
          .build();
    }
  }
}
