package io.streamlearn.pipeline;

import io.streamlearn.operators.DeadLetters;
import io.streamlearn.operators.FusedTrainer;
import io.streamlearn.operators.LabelDecoder;
import io.streamlearn.operators.MiniBatchDrainOperator;
import io.streamlearn.operators.OnlineTrainer;
import io.streamlearn.operators.OnlineTrainerOperator;
import io.streamlearn.operators.SampleDecoder;
import io.streamlearn.operators.SourceRecord;
import io.streamlearn.operators.TrainerOutputs;
import io.streamlearn.operators.evaluation.EvaluationSettings;
import io.streamlearn.operators.evaluation.PrequentialEvaluator;
import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.MetricsEvent;
import io.streamlearn.schemas.Prediction;
import io.streamlearn.schemas.SampleLabel;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.ConnectedStreams;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;

/**
 * The Streamlearn topology: samples → decode → predict on arrival, then train per-key mini-batches,
 * with predictions, model checkpoints and dead letters going to their sinks. Labels that come apart
 * from their samples, from a second source, are decoded and joined in the trainer.
 *
 * <p>It is a function of its sources and sinks, so tests run it on bounded inputs and collecting
 * sinks while the command line wires in Kafka. The operator uids are part of the savepoint format:
 * changing one orphans that operator's state.
 */
public final class StreamlearnJob {

  private static final String JOB_SCOPE = "job";

  private static final String TRAINER_NAME = "predict then train";

  private StreamlearnJob() {}

  /** The topology without delayed labels: every sample comes with its label, or never gets one. */
  public static void defineWorkflow(
      StreamExecutionEnvironment env,
      Source<SourceRecord, ?, ?> source,
      PipelineSinks sinks,
      PipelineSettings settings) {
    defineWorkflow(env, source, null, sinks, settings, TrainerFactory.STANDARD);
  }

  /** The topology with a source of labels for samples that came without them. */
  public static void defineWorkflow(
      StreamExecutionEnvironment env,
      Source<SourceRecord, ?, ?> source,
      Source<SourceRecord, ?, ?> labelSource,
      PipelineSinks sinks,
      PipelineSettings settings) {
    defineWorkflow(env, source, labelSource, sinks, settings, TrainerFactory.STANDARD);
  }

  /**
   * The topology with the trainers that {@code trainers} makes: {@link FusedTrainer} when the
   * settings say the keys' models train fused, {@link OnlineTrainer} otherwise. A test seam (see
   * {@link TrainerFactory}); the public overloads use the standard trainers.
   *
   * @param labelSource the labels topic, or null when there is none
   */
  static void defineWorkflow(
      StreamExecutionEnvironment env,
      Source<SourceRecord, ?, ?> source,
      Source<SourceRecord, ?, ?> labelSource,
      PipelineSinks sinks,
      PipelineSettings settings,
      TrainerFactory trainers) {
    // Without object reuse Flink deep-copies every record (Avro's deepCopy) between chained
    // operators: each decoded sample, each prediction and each scored batch. No operator of this
    // topology changes a record it has emitted or received, so the copies only cost time
    // (bench/README.md: where the job's time goes). The batches the fused trainer keeps waiting
    // come over a keyBy edge, where Flink deserializes every record anew.
    env.getConfig().enableObjectReuse();
    SingleOutputStreamOperator<LabeledSample> samples =
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "samples")
            .uid("samples-source")
            .process(new SampleDecoder(settings.shape(), settings.maxRecordBytes()))
            .uid("decode-samples")
            .name("decode samples");

    // The trainer batches each key's samples itself. This operator keeps the uid of the
    // mini-batcher that did before, whose savepoints hold open batches: it drains them into the
    // trainer and passes every sample through.
    DataStream<LabeledSample> keyedSamples =
        samples
            .keyBy(LabeledSample::getKey, Types.STRING)
            .transform(
                "mini-batch", new AvroTypeInfo<>(LabeledSample.class), new MiniBatchDrainOperator())
            .uid("mini-batch")
            .name("mini-batch");

    SingleOutputStreamOperator<SampleLabel> labels =
        labelSource == null
            ? noLabels(samples)
            : env.fromSource(labelSource, WatermarkStrategy.noWatermarks(), "labels")
                .uid("labels-source")
                .process(new LabelDecoder(settings.shape(), settings.maxRecordBytes()))
                .uid("decode-labels")
                .name("decode labels");

    // The trainer has two inputs, so it cannot be chained to the drain. The samples are still
    // partitioned by key, but keyBy rather than a forward edge: unaligned checkpoint barriers do
    // not overtake the records queued on a forward edge, so under backpressure no checkpoint would
    // complete. Each key's samples come from one subtask, in order, either way.
    ConnectedStreams<LabeledSample, SampleLabel> trainerInputs =
        keyedSamples
            .keyBy(LabeledSample::getKey, Types.STRING)
            .connect(labels.keyBy(SampleLabel::getKey, Types.STRING));
    AvroTypeInfo<Prediction> predictionType = new AvroTypeInfo<>(Prediction.class);
    // Both trainers keep the same keyed state and timers, under the same names and uid.
    SingleOutputStreamOperator<Prediction> predictions =
        (settings.fused()
                ? trainerInputs.transform(
                    TRAINER_NAME,
                    predictionType,
                    trainers
                        .fused()
                        .make(
                            settings.trainer(),
                            settings.batching(),
                            settings.fuseKeys(),
                            settings.batching().maxDelay()))
                : trainerInputs.transform(
                    TRAINER_NAME,
                    predictionType,
                    new OnlineTrainerOperator(
                        trainers.perKey().apply(settings.trainer(), settings.batching()))))
            .uid("predict-then-train")
            .name(TRAINER_NAME);

    predictions.sinkTo(sinks.predictions()).uid("predictions-sink").name("predictions");
    // Not chained to the trainer: this sink is transactional, and at every Flink checkpoint its
    // writer opens a new transaction (initTransactions, a round trip to the broker's transaction
    // coordinator) and its committer commits the last one, which on the trainer's thread held up
    // every prediction behind them (bench/README.md, latency). Model checkpoints are few records.
    predictions
        .getSideOutput(TrainerOutputs.CHECKPOINTS)
        .sinkTo(sinks.checkpoints())
        .uid("checkpoints-sink")
        .name("model checkpoints")
        .disableChaining();
    evaluate(predictions.getSideOutput(TrainerOutputs.SCORED), settings.evaluation())
        .union(predictions.getSideOutput(TrainerOutputs.DRIFT_EVENTS))
        .sinkTo(sinks.metrics())
        .uid("metrics-sink")
        .name("metrics");
    samples
        .getSideOutput(DeadLetters.TAG)
        .union(labels.getSideOutput(DeadLetters.TAG), predictions.getSideOutput(DeadLetters.TAG))
        .sinkTo(sinks.deadLetters())
        .uid("dead-letters-sink")
        .name("dead letters");
  }

  /**
   * The trainer's label input when there is no labels topic: an empty stream made from the samples,
   * not a source. A source that ends at once would be a finished task in every checkpoint, with
   * state to reconcile when a labels topic is added later; this stateless operator has none.
   */
  private static SingleOutputStreamOperator<SampleLabel> noLabels(
      DataStream<LabeledSample> samples) {
    return samples
        .flatMap((LabeledSample sample, Collector<SampleLabel> none) -> {})
        .returns(new AvroTypeInfo<>(SampleLabel.class))
        .uid("no-labels")
        .name("no labels");
  }

  /**
   * Prequential metrics per key and for the whole job, and the whole job's drift detections; each
   * key's come from the trainer, which reacts to them.
   */
  private static DataStream<MetricsEvent> evaluate(
      DataStream<List<Prediction>> scored, EvaluationSettings settings) {
    AvroTypeInfo<MetricsEvent> metricsType = new AvroTypeInfo<>(MetricsEvent.class);
    // The trainer emits each key's batches from the subtask that owns the key: no shuffle.
    DataStream<MetricsEvent> perKey =
        DataStreamUtils.reinterpretAsKeyedStream(
                scored, batch -> batch.get(0).getKey(), Types.STRING)
            .process(PrequentialEvaluator.forKeys(settings))
            .returns(metricsType)
            .uid("evaluate-keys")
            .name("evaluate per key");
    // One evaluator sees every prediction: the whole job's figures are not an average of keys'.
    DataStream<MetricsEvent> wholeJob =
        scored
            .keyBy(batch -> JOB_SCOPE, Types.STRING)
            .process(PrequentialEvaluator.forJob(settings))
            .returns(metricsType)
            .setParallelism(1)
            .uid("evaluate-job")
            .name("evaluate whole job");
    return perKey.union(wholeJob);
  }
}
