package io.streamlearn.operators;

import io.streamlearn.operators.evaluation.MultiLabelOutcome;
import io.streamlearn.operators.state.KeyModelState;
import io.streamlearn.schemas.DeadLetterReason;
import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.ModelCheckpoint;
import io.streamlearn.schemas.Prediction;
import io.streamlearn.schemas.SampleLabel;
import io.streamlearn.schemas.WireCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Test-then-train of one key at a time, in the key's Flink state: every sample is first predicted
 * by the key's current model as it arrives (an honest out-of-sample prediction, stamped with the
 * model version that made it, emitted at once), then, when its mini-batch is cut ({@link
 * OpenBatch}), the batch's labeled samples are scored with those predictions and train the model. A
 * trainer operator calls it with the current key set; the model itself is behind {@link KeyModel},
 * so this class and the operators that run it hold no ND4J types.
 *
 * <p>A key's parameters, optimizer state and counters live in keyed state ({@link KeyModelState});
 * the key's {@link KeyModel}, which {@link KeyModelChoice} selects by the key at each call, is
 * loaded with them when a key's samples are predicted or its batch trains, and stays loaded while
 * only predictions of that key follow. A step that makes the loss or a parameter NaN or infinite is
 * rolled back: the key keeps its previous model and the batch's labeled samples go to the {@link
 * DeadLetters#TAG} side output as {@code DIVERGED_BATCH}. A key's model is published to {@link
 * TrainerOutputs#CHECKPOINTS} every {@code checkpointEverySteps} steps, at least every {@code
 * checkpointInterval} while it changes, once more when the input ends, and, when the settings ask
 * for it, right before each Flink checkpoint barrier if it changed since it was last published
 * ({@link #publishChanged}).
 *
 * <p>Each key's prequential errors feed its drift detector ({@link KeyDriftMonitor}); a detection
 * is answered after the batch is scored and before it trains the model, and published to {@link
 * TrainerOutputs#DRIFT_EVENTS}. A reaction that replaces the model publishes the new version at
 * once.
 *
 * <p>Labels of samples that came unlabeled are joined here too ({@link LabelJoin}): such a sample's
 * served prediction, completed with its label, is scored like the others (its drift detector sees
 * it too) but goes to {@link TrainerOutputs#SCORED} only (its prediction was published when it was
 * served), and the completed sample trains with the key's next step.
 *
 * <p>A batch is {@link #cut} then {@link #train}ed: a trainer that fits many keys' models at once
 * ({@link FusedTrainer}) takes each cut batch's {@link #trainingOf training samples}, fits them
 * together, and hands each key's outcome to {@link #stepped(KeyModelState, List, SteppedElsewhere,
 * KeyContext, long)} and {@link #keep}.
 */
public final class KeyStep {

  private static final Logger LOG = LoggerFactory.getLogger(KeyStep.class);

  /** Fires when the end of input brings the final watermark: publish what is unpublished. */
  private static final long END_OF_INPUT = Long.MAX_VALUE;

  /** Bytes of parameters and updater state that {@link #created} holds at most. */
  static final long CREATED_BYTES = 64L << 20;

  private final TrainerSettings settings;
  private final KeyModelChoice model;
  private final PrequentialMetrics metrics;
  private final KeyDriftMonitor drift;
  private final ValueState<KeyModelState> modelState;

  /**
   * The key's last publication, [version, processing time], when there was one since this state
   * existed: a publication writes these two numbers rather than the whole model state again (on
   * RocksDB a new version of every published key's parameters and updater state). Where it is
   * absent (never published, or a savepoint from before it), the model state's own fields count.
   */
  private final ValueState<long[]> publication;

  private final TrainerMetrics trainerMetrics;
  private final DeadLetters deadLetters;
  private final WireCodec<LabeledSample> sampleCodec;
  private final LabelJoin labelJoin;
  private final FeatureScaler scaler;

  /**
   * The key whose current model state the model is loaded with, or null when that is not known:
   * whatever may make the model and the key's state differ (a fit, a drift reaction, a step taken
   * elsewhere) forgets it. Samples of one key tend to come together: its model stays loaded.
   */
  private String loadedKey;

  /**
   * Keys whose model changed since it was last published, when models are published before each
   * barrier: a step adds its key, a publication removes it, so that a barrier reads the state of
   * these keys only. Memory alone is lost with a failure: {@link #findUnpublished} rebuilds it from
   * the keys' state when the operator opens.
   */
  private final Set<String> unpublished = new LinkedHashSet<>();

  /**
   * Model states that keys' first samples created and nothing wrote yet. A key's first step writes
   * its state soon after; writing it at creation too left, on RocksDB, two versions of every new
   * key's parameters and updater state in the files a checkpoint copies whenever RocksDB flushed
   * between the two writes (bench/README.md, state per key on RocksDB). {@link #saveCreated} writes
   * what is still here right before each barrier, so a checkpoint holds every key's state as it
   * did; a failure loses only what no checkpoint held. A creation that would take this past {@link
   * #CREATED_BYTES} is written at once, as before.
   */
  private final Map<String, KeyModelState> created = new HashMap<>();

  private long createdBytes;

  /**
   * A scored batch of the current key: the labeled samples it will train on, as they arrived, and
   * the scaling its model saw them with (null: none).
   */
  public record Scored(
      KeyModelState state, List<LabeledSample> training, Standardization scaling) {}

  /**
   * A training step of the current key's model that another trainer took outside the loaded model
   * (a fused step of many keys): the key's new parameters and optimizer state, encoded as {@link
   * KeyModelState} holds them (unused when the step diverged), its loss and the key's share of the
   * step's time.
   */
  public record SteppedElsewhere(
      boolean finite, ByteBuffer parameters, ByteBuffer updaterState, double loss, long nanos) {}

  /**
   * Creates the step's state, metrics and drift detection in the operator's runtime context; call
   * it in the operator's {@code open}.
   */
  public KeyStep(RuntimeContext context, TrainerSettings settings, KeyModelChoice model) {
    this.settings = settings;
    this.model = model;
    this.metrics = new PrequentialMetrics(settings.metricsWindow());
    this.modelState = context.getState(modelDescriptor());
    this.publication = context.getState(publicationDescriptor());
    this.trainerMetrics = new TrainerMetrics(context.getMetricGroup());
    this.deadLetters = new DeadLetters(context.getMetricGroup());
    this.drift =
        new KeyDriftMonitor(
            settings.drift(), settings.shape().isClassification(), model, settings.metricsWindow());
    drift.open(context);
    this.sampleCodec = WireCodec.labeledSamples();
    this.labelJoin =
        new LabelJoin(context, settings.shape(), settings.delayedLabels(), deadLetters);
    this.scaler = new FeatureScaler(settings.scaling(), settings.shape().features());
  }

  /** The key's model state: its name and type are part of the savepoint format. */
  public static ValueStateDescriptor<KeyModelState> modelDescriptor() {
    return new ValueStateDescriptor<>("key-model", new AvroTypeInfo<>(KeyModelState.class));
  }

  /** The key's last publication: its name and type are part of the savepoint format. */
  public static ValueStateDescriptor<long[]> publicationDescriptor() {
    return new ValueStateDescriptor<>(
        "key-publication", PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO);
  }

  /**
   * The model state of {@code key}, the current key, with its last publication; null before its
   * first sample.
   */
  private KeyModelState storedState(String key) throws IOException {
    return withPublication(modelOf(key));
  }

  /** The model state of {@code key}, the current key, as created or as written; null if neither. */
  private KeyModelState modelOf(String key) throws IOException {
    KeyModelState state = created.isEmpty() ? null : created.get(key);
    return state == null ? modelState.value() : state;
  }

  /** Writes the model state of {@code key}, the current key. */
  private void write(String key, KeyModelState state) throws IOException {
    modelState.update(state);
    KeyModelState waited = created.isEmpty() ? null : created.remove(key);
    if (waited != null) {
      createdBytes -= bytesOf(waited);
    }
  }

  /** A new key's model state: kept in {@link #created} while there is room, else written. */
  private void create(String key, KeyModelState state) throws IOException {
    long bytes = bytesOf(state);
    if (createdBytes + bytes > CREATED_BYTES) {
      modelState.update(state);
    } else {
      created.put(key, state);
      createdBytes += bytes;
    }
  }

  private static long bytesOf(KeyModelState state) {
    return (long) state.getParameters().remaining() + state.getUpdaterState().remaining();
  }

  /**
   * Writes the model states that keys' first samples created and nothing wrote since, right before
   * a Flink checkpoint barrier, after anything else that writes or creates states there. {@code
   * selectKey} makes a key the operator's current key.
   */
  public void saveCreated(Consumer<String> selectKey) throws IOException {
    for (Map.Entry<String, KeyModelState> entry : created.entrySet()) {
      selectKey.accept(entry.getKey());
      modelState.update(entry.getValue());
    }
    created.clear();
    createdBytes = 0;
  }

  private KeyModelState withPublication(KeyModelState state) throws IOException {
    long[] published = publication.value();
    if (state != null && published != null) {
      state.setPublishedVersion(published[0]);
      state.setPublishedAtMillis(published[1]);
    }
    return state;
  }

  /**
   * Finds the keys whose model changed since it was last published, from their state, when models
   * are published before each barrier; call it when the operator opens, restored or not.
   */
  public void findUnpublished(KeyedStateBackend<String> backend) throws Exception {
    if (!settings.checkpointBeforeBarriers()) {
      return;
    }
    backend.applyToAllKeys(
        VoidNamespace.INSTANCE,
        VoidNamespaceSerializer.INSTANCE,
        modelDescriptor(),
        // The backend makes each key current before it hands over the key's state.
        (key, state) -> {
          if (hasUnpublishedChange(withPublication(state.value()))) {
            unpublished.add(key);
          }
        });
  }

  /**
   * Publishes the model of every key that changed since its last publication, right before a Flink
   * checkpoint barrier: the checkpoint's transaction then holds every key's model as trained up to
   * the checkpoint. {@code selectKey} makes a key the operator's current key.
   */
  public void publishChanged(Consumer<String> selectKey, KeyContext ctx) throws Exception {
    if (unpublished.isEmpty()) {
      return;
    }
    long now = ctx.timers().currentProcessingTime();
    for (String key : List.copyOf(unpublished)) {
      selectKey.accept(key);
      model.select(key);
      KeyModelState state = storedState(key);
      if (hasUnpublishedChange(state)) {
        loadModel(state, key);
        publish(state, ctx, now);
      }
    }
    unpublished.clear();
  }

  /** Whether a key's model trained, or was replaced, since it was last published. */
  static boolean hasUnpublishedChange(KeyModelState state) {
    return state != null && state.getVersion() > Math.max(state.getPublishedVersion(), 0);
  }

  /**
   * A sample of the current key as it joins the key's open batch: completed by its label if the
   * label came first.
   */
  public LabeledSample arrived(LabeledSample sample, KeyContext ctx) throws Exception {
    return labelJoin
        .withWaitingLabels(
            List.of(sample),
            ctx.timers().currentProcessingTime(),
            letter -> ctx.output(DeadLetters.TAG, letter))
        .get(0);
  }

  /**
   * Samples of the current key as its model is to score them (with the scaling of the key's feature
   * statistics), and the key's model state that scores them: what a model call needs, whichever
   * model makes it.
   */
  public record ToPredict(KeyModelState state, ModelInput input) {}

  /**
   * Predicts samples of the current key with its current model, in one model call, and emits the
   * predictions, stamped with the model's version. Nothing is scored or trained yet: that waits for
   * the samples' batch ({@link #cut}). A key's first sample creates its model state.
   */
  public List<Prediction> predict(List<LabeledSample> raw, KeyContext ctx) throws Exception {
    ToPredict toPredict = toPredict(raw, ctx);
    loadModel(toPredict.state(), ctx.key());
    return predicted(toPredict, model.predict(toPredict.input()), ctx);
  }

  /**
   * The current key's samples to predict, with the key's model state, which a key's first sample
   * creates. A trainer that scores many keys' samples in one call ({@link FusedTrainer}) takes
   * these, and hands each key's outputs to {@link #predicted}.
   */
  public ToPredict toPredict(List<LabeledSample> raw, KeyContext ctx) throws IOException {
    model.select(ctx.key());
    // Scoring reads the model, not its last publication: no read of key-publication per call.
    KeyModelState state = modelOf(ctx.key());
    if (state == null) {
      state = model.newKeyState(ctx.timers().currentProcessingTime());
      create(ctx.key(), state);
    }
    return new ToPredict(state, scaler.input(state, raw));
  }

  /**
   * Emits, under the current key, the predictions of the model's {@code outputs} for the samples to
   * predict (one array per sample, as {@link KeyModel#predict} gives them), stamped with the
   * version of the model state that made them, and returns them.
   */
  public List<Prediction> predicted(ToPredict toPredict, float[][] outputs, KeyContext ctx) {
    long now = ctx.timers().currentProcessingTime();
    List<LabeledSample> samples = toPredict.input().samples();
    long version = toPredict.state().getVersion();
    List<Prediction> predictions = new ArrayList<>(samples.size());
    for (int row = 0; row < samples.size(); row++) {
      Prediction prediction = prediction(samples.get(row), outputs[row], version, now);
      ctx.predicted(prediction);
      predictions.add(prediction);
    }
    return predictions;
  }

  /**
   * Evaluates a batch of the current key that was cut, with the predictions {@link #predict} made
   * for its samples: scores the labeled ones, keeps the unlabeled ones waiting for their labels,
   * learns the feature statistics and answers a drift they revealed, as when the batch was scored
   * all at once. The key's state is not written yet.
   */
  public Scored cut(List<LabeledSample> arrived, List<Prediction> predicted, KeyContext ctx)
      throws Exception {
    model.select(ctx.key());
    long now = ctx.timers().currentProcessingTime();
    KeyModelState state = storedState(ctx.key());
    // The model is not loaded here, only where it is used: a per-key step (train), a drift
    // reaction that replaces it (which loads the replacement), a publication. A fused step never
    // needs it, and decoding it for every batch cost that trainer's thread a seventh of its time.
    // Labels that came after their samples arrived, while the batch was open.
    List<LabeledSample> raw =
        labelJoin.withWaitingLabels(arrived, now, letter -> ctx.output(DeadLetters.TAG, letter));
    // The scaling the samples were predicted with (the statistics change only below): the labeled
    // samples train with it (by either trainer), and an unlabeled one waits for its label with its
    // features as it was predicted.
    ModelInput asPredicted = scaler.input(state, raw);
    List<LabeledSample> training = new ArrayList<>(raw.size());
    List<Prediction> scored = new ArrayList<>(raw.size());
    double[] errors = new double[raw.size()];
    for (int row = 0; row < raw.size(); row++) {
      LabeledSample sample = raw.get(row);
      Prediction prediction = predicted.get(row);
      float[] scores = Floats.unboxed(prediction.getScores());
      if (settings.shape().isLabeled(sample)) {
        errors[scored.size()] = score(state, sample, scores);
        scored.add(withOutcome(prediction, sample));
        training.add(sample);
      } else {
        // It waits for its label from when it was served.
        labelJoin.awaitLabel(
            sample,
            asPredicted.featuresAsSeen(row),
            scores,
            prediction.getModelVersion(),
            ctx.timers(),
            prediction.getPredictionTime().toEpochMilli());
      }
    }
    scaler.learn(state, raw.stream().filter(settings.shape()::isLabeled).toList());
    if (!scored.isEmpty()) {
      ctx.output(TrainerOutputs.SCORED, scored);
      drift.observe(Arrays.copyOf(errors, scored.size()));
    }
    reactToDrift(state, ctx, now);
    return new Scored(state, training, asPredicted.scaling());
  }

  /**
   * Loads the key's model and trains it on the scored batch's labeled samples, with the samples
   * whose delayed labels came since the last step, and writes the key's state.
   */
  public void train(Scored scored, KeyContext ctx) throws Exception {
    ModelInput training = trainingOf(scored);
    if (!training.isEmpty()) {
      loadModel(scored.state(), ctx.key());
      train(scored.state(), training, ctx, ctx.timers().currentProcessingTime());
    }
    keep(scored.state(), ctx);
  }

  /**
   * What a scored batch of the current key trains on: its labeled samples, then the samples whose
   * delayed labels came since the key's last step (kept as they were predicted), which are handed
   * out once.
   */
  public ModelInput trainingOf(Scored scored) throws Exception {
    return ModelInput.scaledThenAsSeen(
        scored.training(), scored.scaling(), labelJoin.drainTrainable());
  }

  /** Writes the current key's model state: after its step, or after a batch with none. */
  public void keep(KeyModelState state, KeyContext ctx) throws IOException {
    write(ctx.key(), state);
  }

  /** The factor on the learning rate of the current key's next step (its drift reaction's). */
  public double learningRateFactor() throws IOException {
    return drift.learningRateFactor();
  }

  /** Joins a label that came after its sample; trains when enough joined samples wait. */
  public void onLabel(SampleLabel label, KeyContext ctx) throws Exception {
    model.select(ctx.key());
    loadedKey = null;
    long now = ctx.timers().currentProcessingTime();
    LabelJoin.Joined joined =
        labelJoin.onLabel(label, ctx.timers(), now, letter -> ctx.output(DeadLetters.TAG, letter));
    if (joined == null) {
      return;
    }
    // The key has a model state: its model served the sample.
    KeyModelState state = storedState(ctx.key());
    drift.observe(score(state, joined.sample(), joined.scores()));
    ctx.output(
        TrainerOutputs.SCORED,
        List.of(
            prediction(
                joined.sample(), joined.scores(), joined.modelVersion(), joined.predictionTime())));
    reactToDrift(state, ctx, now);
    if (labelJoin.trainableCount() >= settings.delayedLabels().trainingBatchSize()) {
      trainJoined(state, ctx, now);
    }
    write(ctx.key(), state);
  }

  /**
   * A timer of the current key: expires waiting labels, trains joined samples that are due, and
   * publishes a changed model when its interval passed or the input ended.
   */
  public void onTimer(long timestamp, boolean endOfInput, KeyContext ctx) throws Exception {
    model.select(ctx.key());
    if (endOfInput) {
      KeyModelState state = storedState(ctx.key());
      if (state != null && labelJoin.trainableCount() > 0) {
        trainJoined(state, ctx, ctx.timers().currentProcessingTime());
        write(ctx.key(), state);
      }
    } else {
      labelJoin.expire(timestamp, ctx.key(), letter -> ctx.output(DeadLetters.TAG, letter));
      if (labelJoin.trainingDue(timestamp)) {
        KeyModelState state = storedState(ctx.key());
        trainJoined(state, ctx, timestamp);
        write(ctx.key(), state);
      }
    }
    KeyModelState state = storedState(ctx.key());
    if (state == null || state.getVersion() == state.getPublishedVersion()) {
      return;
    }
    // Zero: never by time. Any timer of the key comes here, the open batch's and the label join's.
    long intervalMillis = settings.checkpointInterval().toMillis();
    boolean due = intervalMillis > 0 && timestamp >= state.getPublishedAtMillis() + intervalMillis;
    if (endOfInput || due) {
      loadModel(state, ctx.key());
      publish(state, ctx, ctx.timers().currentProcessingTime());
    }
  }

  /**
   * Records the outcome of a training step of the loaded model on {@code samples} at processing
   * time {@code now}: a finite one is stored in {@code state}, counted and scheduled for
   * publication; a diverged one is rolled back and its samples are dead-lettered.
   */
  public void stepped(
      KeyModelState state, List<LabeledSample> samples, boolean finite, KeyContext ctx, long now)
      throws IOException {
    model.select(ctx.key());
    if (finite) {
      model.store(state);
    }
    recordStep(state, samples, finite, model.lastStepNanos(), model.lastLoss(), true, ctx, now);
  }

  /**
   * Records the outcome of a training step of the current key that was taken outside the loaded
   * model, as {@link #stepped(KeyModelState, List, boolean, KeyContext, long)} does for one of the
   * loaded model: the step's parameters and optimizer state become the key's, or, diverged, are
   * dropped. The model is loaded with them only to publish them.
   */
  public void stepped(
      KeyModelState state,
      List<LabeledSample> samples,
      SteppedElsewhere step,
      KeyContext ctx,
      long now)
      throws IOException {
    model.select(ctx.key());
    loadedKey = null;
    if (step.finite()) {
      state.setParameters(step.parameters());
      state.setUpdaterState(step.updaterState());
    }
    recordStep(state, samples, step.finite(), step.nanos(), step.loss(), false, ctx, now);
  }

  /**
   * Counts a step whose parameters and optimizer state are in {@code state} already, unless it
   * diverged: then the key keeps its previous model and the samples are dead-lettered.
   */
  private void recordStep(
      KeyModelState state,
      List<LabeledSample> samples,
      boolean finite,
      long stepNanos,
      double loss,
      boolean modelLoaded,
      KeyContext ctx,
      long now)
      throws IOException {
    drift.stepTaken(finite);
    if (!finite) {
      rejectDivergedBatch(samples, state.getVersion(), ctx, now);
      return;
    }
    state.setVersion(state.getVersion() + 1);
    state.setSteps(state.getSteps() + model.stepsPerBatch());
    state.setSamplesSeen(state.getSamplesSeen() + samples.size());
    trainerMetrics.stepTook(stepNanos, samples.size(), loss, state.getVersion());
    if (settings.checkpointBeforeBarriers()) {
      unpublished.add(ctx.key());
    }
    schedulePublication(state, modelLoaded, ctx, now);
  }

  /** This subtask's delayed-label join, whose counters tests read. */
  LabelJoin labelJoin() {
    return labelJoin;
  }

  /** One training step on labeled samples; a step that makes the model diverge is rolled back. */
  private void train(KeyModelState state, ModelInput samples, KeyContext ctx, long now)
      throws IOException {
    model.setLearningRateFactor(drift.learningRateFactor());
    boolean finite = model.fit(samples);
    stepped(state, samples.samples(), finite, ctx, now);
    // A finite step is stored: the model is the key's state. A diverged one is not.
    loadedKey = finite ? ctx.key() : null;
  }

  /** Loads the key's model state into the model, unless it is loaded already. */
  private void loadModel(KeyModelState state, String key) {
    if (!key.equals(loadedKey)) {
      model.load(state);
      loadedKey = key;
    }
  }

  /** Trains the joined samples that wait for a step. */
  private void trainJoined(KeyModelState state, KeyContext ctx, long now) throws Exception {
    // Kept as they were predicted: their features are as the model saw them.
    ModelInput joined = ModelInput.asIs(labelJoin.drainTrainable());
    loadModel(state, ctx.key());
    train(state, joined, ctx, now);
  }

  /** Publishes now if the step count says so, else makes sure a timer will. */
  private void schedulePublication(
      KeyModelState state, boolean modelLoaded, KeyContext ctx, long now) throws IOException {
    long stepsSincePublished = state.getVersion() - Math.max(state.getPublishedVersion(), 0);
    int everySteps = settings.checkpointEverySteps();
    if (everySteps > 0 && stepsSincePublished >= everySteps) {
      if (!modelLoaded) {
        model.load(state);
      }
      publish(state, ctx, now);
      return;
    }
    long intervalMillis = settings.checkpointInterval().toMillis();
    if (intervalMillis > 0) {
      // Same timestamp on every batch until the next publication: Flink keeps one timer for it.
      ctx.timers().registerProcessingTimeTimer(state.getPublishedAtMillis() + intervalMillis);
    }
    ctx.timers().registerEventTimeTimer(END_OF_INPUT);
  }

  /**
   * Publishes a drift that scoring detected, after reacting to it; a model the reaction replaced is
   * published at once, so that consumers of checkpoints follow the change promptly.
   */
  private void reactToDrift(KeyModelState state, KeyContext ctx, long now) throws IOException {
    KeyDriftMonitor.Reaction reaction = drift.react(ctx.key(), state, now);
    if (reaction == null) {
      return;
    }
    ctx.output(TrainerOutputs.DRIFT_EVENTS, reaction.event());
    if (reaction.done().replacesModel()) {
      publish(state, ctx, now);
    }
  }

  /** Emits the loaded model as the key's next checkpoint and records the publication. */
  private void publish(KeyModelState state, KeyContext ctx, long now) throws IOException {
    long intervalMillis = settings.checkpointInterval().toMillis();
    if (intervalMillis > 0) {
      ctx.timers().deleteProcessingTimeTimer(state.getPublishedAtMillis() + intervalMillis);
    }
    ctx.timers().deleteEventTimeTimer(END_OF_INPUT);
    ctx.output(
        TrainerOutputs.CHECKPOINTS,
        ModelCheckpoint.newBuilder()
            .setKey(ctx.key())
            .setVersion(state.getVersion())
            .setSteps(state.getSteps())
            .setSamplesSeen(state.getSamplesSeen())
            .setCreatedAt(Instant.ofEpochMilli(now))
            .setModelFormat(model.format())
            .setModel(ByteBuffer.wrap(model.serializedModel()))
            .setMetrics(
                PrequentialMetrics.summary(state.getMetrics(), settings.shape().isClassification()))
            .setConfigDigest(model.configDigest())
            .setScaler(scaler.published(state))
            .build());
    state.setPublishedVersion(state.getVersion());
    state.setPublishedAtMillis(now);
    publication.update(new long[] {state.getVersion(), now});
    unpublished.remove(ctx.key());
    trainerMetrics.checkpointPublished();
  }

  /** The key keeps its previous model; the step's samples go to the dead letters. */
  private void rejectDivergedBatch(
      List<LabeledSample> samples, long version, KeyContext ctx, long now) {
    if (LogThrottle.shouldLog(trainerMetrics.stepDiverged())) {
      LOG.warn(
          "Rolled back a training step of key {} at version {}: the loss or a parameter became NaN"
              + " or infinite ({} samples dead-lettered)",
          ctx.key(),
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
   * Adds a labeled outcome to the key's fading metrics and returns its error for the drift detector
   * ({@link PrequentialMetrics#add}).
   */
  private double score(KeyModelState state, LabeledSample sample, float[] scores) {
    return metrics.add(state.getMetrics(), settings.shape(), sample, scores);
  }

  /** A prediction with the label or target its sample got after it was made, if any. */
  private static Prediction withOutcome(Prediction prediction, LabeledSample sample) {
    if (Objects.equals(prediction.getLabel(), sample.getLabel())
        && Objects.equals(prediction.getTarget(), sample.getTarget())) {
      return prediction;
    }
    return Prediction.newBuilder(prediction)
        .setLabel(sample.getLabel())
        .setTarget(sample.getTarget())
        .build();
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
            .setLabels(sample.getLabels())
            .setTargets(sample.getTargets())
            .setEventTime(sample.getEventTime())
            .setPredictionTime(Instant.ofEpochMilli(now));
    if (settings.shape().multiLabel()) {
      prediction.setPredictedLabels(MultiLabelOutcome.predictedSet(scores));
    } else if (settings.shape().isClassification()) {
      prediction.setPredictedLabel(PrequentialMetrics.argMax(scores));
    }
    return prediction.build();
  }
}
