package io.streamlearn.operators;

import io.streamlearn.operators.state.KeyModelState;
import io.streamlearn.schemas.DeadLetterReason;
import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.MetricsEvent;
import io.streamlearn.schemas.ModelCheckpoint;
import io.streamlearn.schemas.ModelFormat;
import io.streamlearn.schemas.Prediction;
import io.streamlearn.schemas.SampleLabel;
import io.streamlearn.schemas.WireCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Test-then-train on each key's mini-batches: every sample of a batch is first scored by the key's
 * current model (an honest out-of-sample prediction, stamped with the model version that made it),
 * then the batch's labeled samples train the model with one gradient step.
 *
 * <p>A key's parameters, optimizer state and counters live in keyed state ({@link KeyModelState});
 * the subtask's one {@link SharedNetwork} is loaded with them per batch. A step that makes the loss
 * or a parameter NaN or infinite is rolled back: the key keeps its previous model and the batch's
 * labeled samples go to the {@link DeadLetters#TAG} side output as {@code DIVERGED_BATCH}. A key's
 * model is published to the {@link #CHECKPOINTS} side output every {@code checkpointEverySteps}
 * steps, at least every {@code checkpointInterval} while it changes, and once more when the input
 * ends.
 *
 * <p>Each key's prequential errors feed its drift detector ({@link KeyDriftMonitor}); a detection
 * is answered after the batch is scored and before it trains the model, and published to the {@link
 * #DRIFT_EVENTS} side output. A reaction that replaces the model publishes the new version at once.
 *
 * <p>The second input brings labels of samples that came unlabeled ({@link LabelJoin}): such a
 * sample's served prediction, completed with its label, is scored like the others (its drift
 * detector sees it too) but goes to the {@link #SCORED} side output only (its prediction was
 * published when it was served), and the completed sample trains with the key's next step.
 */
public class OnlineTrainer
    extends KeyedCoProcessFunction<String, List<LabeledSample>, SampleLabel, Prediction> {

  private static final Logger LOG = LoggerFactory.getLogger(OnlineTrainer.class);

  public static final OutputTag<ModelCheckpoint> CHECKPOINTS =
      new OutputTag<>("model-checkpoints", new AvroTypeInfo<>(ModelCheckpoint.class));

  /**
   * The labeled predictions of each batch, and each served prediction a delayed label completed,
   * for evaluation: a batch at a time, so that the evaluator's state is read and written once per
   * batch. Completed predictions are only here: the predictions topic had them when served.
   */
  public static final OutputTag<List<Prediction>> SCORED =
      new OutputTag<>("scored-predictions", Types.LIST(new AvroTypeInfo<>(Prediction.class)));

  public static final OutputTag<MetricsEvent> DRIFT_EVENTS =
      new OutputTag<>("drift-events", new AvroTypeInfo<>(MetricsEvent.class));

  /** Fires when the end of input brings the final watermark: publish what is unpublished. */
  private static final long END_OF_INPUT = Long.MAX_VALUE;

  private final TrainerSettings settings;

  private transient SharedNetwork network;
  private transient PrequentialMetrics metrics;
  private transient KeyDriftMonitor drift;
  private transient ValueState<KeyModelState> model;
  private transient TrainerMetrics trainerMetrics;
  private transient DeadLetters deadLetters;
  private transient WireCodec<LabeledSample> sampleCodec;
  private transient LabelJoin labelJoin;

  public OnlineTrainer(TrainerSettings settings) {
    this.settings = settings;
  }

  static ValueStateDescriptor<KeyModelState> modelDescriptor() {
    return new ValueStateDescriptor<>("key-model", new AvroTypeInfo<>(KeyModelState.class));
  }

  @Override
  public void open(OpenContext openContext) {
    // open() runs on the task thread, like processElement and onTimer: all ND4J work stays there.
    network = new SharedNetwork(settings.modelConfigurationJson());
    metrics = new PrequentialMetrics(settings.metricsWindow());
    model = getRuntimeContext().getState(modelDescriptor());
    trainerMetrics = new TrainerMetrics(getRuntimeContext().getMetricGroup());
    deadLetters = new DeadLetters(getRuntimeContext().getMetricGroup());
    drift =
        new KeyDriftMonitor(
            settings.drift(),
            settings.shape().isClassification(),
            network,
            settings.metricsWindow());
    drift.open(getRuntimeContext());
    sampleCodec = WireCodec.labeledSamples();
    labelJoin =
        new LabelJoin(getRuntimeContext(), settings.shape(), settings.delayedLabels(), deadLetters);
  }

  @Override
  public void processElement1(List<LabeledSample> arrived, Context ctx, Collector<Prediction> out)
      throws Exception {
    long now = ctx.timerService().currentProcessingTime();
    KeyModelState state = model.value();
    if (state == null) {
      state = network.newKeyState(now);
    }
    network.load(state);

    List<LabeledSample> batch =
        labelJoin.withWaitingLabels(arrived, now, letter -> ctx.output(DeadLetters.TAG, letter));
    INDArray features = featureMatrix(batch);
    float[][] outputs = network.predict(features);
    long version = state.getVersion();
    List<LabeledSample> training = new ArrayList<>(batch.size());
    List<Prediction> scored = new ArrayList<>(batch.size());
    double[] errors = new double[batch.size()];
    for (int row = 0; row < batch.size(); row++) {
      LabeledSample sample = batch.get(row);
      float[] scores = outputs[row];
      Prediction prediction = prediction(sample, scores, version, now);
      out.collect(prediction);
      if (settings.shape().isLabeled(sample)) {
        errors[scored.size()] = score(state, sample, scores);
        scored.add(prediction);
        training.add(sample);
      } else {
        labelJoin.awaitLabel(sample, scores, version, ctx.timerService(), now);
      }
    }
    if (!scored.isEmpty()) {
      ctx.output(SCORED, scored);
      drift.observe(Arrays.copyOf(errors, scored.size()));
    }
    reactToDrift(state, ctx, now);

    // Samples whose delayed labels came since the last step train in this one.
    List<LabeledSample> joined = labelJoin.drainTrainable();
    boolean wholeBatch = training.size() == batch.size() && joined.isEmpty();
    training.addAll(joined);
    if (!training.isEmpty()) {
      train(state, training, wholeBatch ? features : featureMatrix(training), ctx, now);
    }
    model.update(state);
  }

  @Override
  public void processElement2(SampleLabel label, Context ctx, Collector<Prediction> out)
      throws Exception {
    long now = ctx.timerService().currentProcessingTime();
    LabelJoin.Joined joined =
        labelJoin.onLabel(
            label, ctx.timerService(), now, letter -> ctx.output(DeadLetters.TAG, letter));
    if (joined == null) {
      return;
    }
    // The key has a model state: its model served the sample.
    KeyModelState state = model.value();
    drift.observe(score(state, joined.sample(), joined.scores()));
    ctx.output(
        SCORED,
        List.of(
            prediction(
                joined.sample(), joined.scores(), joined.modelVersion(), joined.predictionTime())));
    reactToDrift(state, ctx, now);
    if (labelJoin.trainableCount() >= settings.delayedLabels().trainingBatchSize()) {
      trainJoined(state, ctx, now);
    }
    model.update(state);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<Prediction> out)
      throws Exception {
    boolean endOfInput = ctx.timeDomain() == TimeDomain.EVENT_TIME;
    if (endOfInput) {
      KeyModelState state = model.value();
      if (state != null && labelJoin.trainableCount() > 0) {
        trainJoined(state, ctx, ctx.timerService().currentProcessingTime());
        model.update(state);
      }
    } else {
      labelJoin.expire(
          timestamp, ctx.getCurrentKey(), deadLetter -> ctx.output(DeadLetters.TAG, deadLetter));
      if (labelJoin.trainingDue(timestamp)) {
        KeyModelState state = model.value();
        trainJoined(state, ctx, timestamp);
        model.update(state);
      }
    }
    KeyModelState state = model.value();
    if (state == null || state.getVersion() == state.getPublishedVersion()) {
      return;
    }
    boolean due =
        timestamp >= state.getPublishedAtMillis() + settings.checkpointInterval().toMillis();
    if (endOfInput || due) {
      network.load(state);
      publish(state, ctx, ctx.timerService().currentProcessingTime());
      model.update(state);
    }
  }

  /** One gradient step on labeled samples; a step that makes the model diverge is rolled back. */
  private void train(
      KeyModelState state, List<LabeledSample> samples, INDArray features, Context ctx, long now)
      throws IOException {
    network.setLearningRateFactor(drift.learningRateFactor());
    boolean finite = network.fit(new DataSet(features, labelMatrix(samples)));
    drift.stepTaken(finite);
    if (!finite) {
      rejectDivergedBatch(samples, state.getVersion(), ctx, now);
      return;
    }
    network.store(state);
    state.setVersion(state.getVersion() + 1);
    state.setSteps(state.getSteps() + 1);
    state.setSamplesSeen(state.getSamplesSeen() + samples.size());
    trainerMetrics.stepTook(
        network.lastStepNanos(), samples.size(), network.lastLoss(), state.getVersion());
    schedulePublication(state, ctx, now);
  }

  /**
   * Trains the joined samples that wait for a step, with the key's model loaded into the network.
   */
  private void trainJoined(KeyModelState state, Context ctx, long now) throws Exception {
    List<LabeledSample> joined = labelJoin.drainTrainable();
    network.load(state);
    train(state, joined, featureMatrix(joined), ctx, now);
  }

  /** This subtask's delayed-label join, whose counters tests read. */
  LabelJoin labelJoin() {
    return labelJoin;
  }

  /** Publishes now if the step count says so, else makes sure a timer will. */
  private void schedulePublication(KeyModelState state, Context ctx, long now) {
    long stepsSincePublished = state.getVersion() - Math.max(state.getPublishedVersion(), 0);
    int everySteps = settings.checkpointEverySteps();
    if (everySteps > 0 && stepsSincePublished >= everySteps) {
      publish(state, ctx, now);
      return;
    }
    long intervalMillis = settings.checkpointInterval().toMillis();
    if (intervalMillis > 0) {
      // Same timestamp on every batch until the next publication: Flink keeps one timer for it.
      ctx.timerService().registerProcessingTimeTimer(state.getPublishedAtMillis() + intervalMillis);
    }
    ctx.timerService().registerEventTimeTimer(END_OF_INPUT);
  }

  /**
   * Publishes a drift that scoring detected, after reacting to it; a model the reaction replaced is
   * published at once, so that consumers of checkpoints follow the change promptly.
   */
  private void reactToDrift(KeyModelState state, Context ctx, long now) throws IOException {
    KeyDriftMonitor.Reaction reaction = drift.react(ctx.getCurrentKey(), state, now);
    if (reaction == null) {
      return;
    }
    ctx.output(DRIFT_EVENTS, reaction.event());
    if (reaction.done().replacesModel()) {
      publish(state, ctx, now);
    }
  }

  /** Emits the loaded network as the key's next checkpoint and records the publication. */
  private void publish(KeyModelState state, Context ctx, long now) {
    long intervalMillis = settings.checkpointInterval().toMillis();
    if (intervalMillis > 0) {
      ctx.timerService().deleteProcessingTimeTimer(state.getPublishedAtMillis() + intervalMillis);
    }
    ctx.timerService().deleteEventTimeTimer(END_OF_INPUT);
    ctx.output(
        CHECKPOINTS,
        ModelCheckpoint.newBuilder()
            .setKey(ctx.getCurrentKey())
            .setVersion(state.getVersion())
            .setSteps(state.getSteps())
            .setSamplesSeen(state.getSamplesSeen())
            .setCreatedAt(Instant.ofEpochMilli(now))
            .setModelFormat(ModelFormat.DL4J_MODEL_SERIALIZER_ZIP)
            .setModel(ByteBuffer.wrap(network.serializedModel()))
            .setMetrics(
                PrequentialMetrics.summary(state.getMetrics(), settings.shape().isClassification()))
            .setConfigDigest(network.configDigest())
            .build());
    state.setPublishedVersion(state.getVersion());
    state.setPublishedAtMillis(now);
    trainerMetrics.checkpointPublished();
  }

  /** The key keeps its previous model; the step's samples go to the dead letters. */
  private void rejectDivergedBatch(
      List<LabeledSample> samples, long version, Context ctx, long now) {
    if (LogThrottle.shouldLog(trainerMetrics.stepDiverged())) {
      LOG.warn(
          "Rolled back a training step of key {} at version {}: the loss or a parameter became NaN"
              + " or infinite ({} samples dead-lettered)",
          ctx.getCurrentKey(),
          version,
          samples.size());
    }
    for (LabeledSample sample : samples) {
      Rejection rejection =
          new Rejection(
              DeadLetterReason.DIVERGED_BATCH,
              "training on the batch of sample " + sample.getId() + " made the model diverge");
      ctx.output(
          DeadLetters.TAG, deadLetters.of(sample, sampleCodec.encode(sample), rejection, now));
    }
  }

  /**
   * Adds a labeled outcome to the key's fading metrics and returns its error for the drift
   * detector: 0 or 1 for a classification, the absolute error of a regression.
   */
  private double score(KeyModelState state, LabeledSample sample, float[] scores) {
    if (settings.shape().isClassification()) {
      metrics.addClassification(state.getMetrics(), scores, sample.getLabel());
      return PrequentialMetrics.argMax(scores) == sample.getLabel() ? 0 : 1;
    }
    metrics.addRegression(state.getMetrics(), scores[0], sample.getTarget());
    return Math.abs(scores[0] - sample.getTarget());
  }

  private Prediction prediction(LabeledSample sample, float[] scores, long version, long now) {
    Prediction.Builder prediction =
        Prediction.newBuilder()
            .setSampleId(sample.getId())
            .setKey(sample.getKey())
            .setModelVersion(version)
            .setScores(Floats.boxed(scores))
            .setLabel(sample.getLabel())
            .setTarget(sample.getTarget())
            .setEventTime(sample.getEventTime())
            .setPredictionTime(Instant.ofEpochMilli(now));
    if (settings.shape().isClassification()) {
      prediction.setPredictedLabel(PrequentialMetrics.argMax(scores));
    }
    return prediction.build();
  }

  private INDArray featureMatrix(List<LabeledSample> batch) {
    int width = settings.shape().features();
    float[] values = new float[batch.size() * width];
    for (int row = 0; row < batch.size(); row++) {
      List<Float> features = batch.get(row).getFeatures();
      for (int column = 0; column < width; column++) {
        values[row * width + column] = features.get(column);
      }
    }
    return Nd4j.createFromArray(values).reshape(batch.size(), width);
  }

  private INDArray labelMatrix(List<LabeledSample> samples) {
    ModelShape shape = settings.shape();
    INDArray labels = Nd4j.zeros(DataType.FLOAT, samples.size(), shape.outputs());
    for (int i = 0; i < samples.size(); i++) {
      LabeledSample sample = samples.get(i);
      if (shape.isClassification()) {
        labels.putScalar(i, sample.getLabel(), 1.0);
      } else {
        labels.putScalar(i, 0, sample.getTarget());
      }
    }
    return labels;
  }
}
