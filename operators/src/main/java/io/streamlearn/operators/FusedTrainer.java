package io.streamlearn.operators;

import io.streamlearn.operators.fused.FusedNetwork;
import io.streamlearn.operators.state.KeyModelState;
import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.Prediction;
import io.streamlearn.schemas.SampleLabel;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.SimpleTimerService;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedMultiInput;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.function.ThrowingRunnable;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;

/**
 * The fused trainer: the same per-key step as {@link OnlineTrainer} ({@link KeyStep}), except that
 * the training steps of many keys are taken together, as one {@link FusedNetwork} step.
 *
 * <p>Each key's samples (input 1) are gathered into the key's mini-batch ({@link OpenBatch}), as on
 * the per-key path. With {@link Batching#predictMaxDelay} zero each is predicted as it arrives,
 * through the key's DL4J network. Above zero the keys with unscored samples are gathered
 * operator-wide ({@link SharedScoring}) and scored together, in one {@link FusedNetwork#predict}
 * pass per row count, when {@code fuseKeys} keys have some, when the delay has passed since the
 * first of them came, when a key's batch is cut, before a checkpoint barrier and at the end of
 * input; under each key the predictions go out and are recorded in its open batch, with the version
 * of the model that made them ({@link KeyStep#predicted}, as on the per-key path).
 *
 * <p>A batch that is cut is scored, then waits, in memory, until {@code fuseKeys} keys have one
 * waiting, {@code maxDelay} has passed since the first of them came (zero: no time limit), a
 * checkpoint barrier is about to be sent ({@link #prepareSnapshotPreBarrier}), or the input ends.
 * Then one fused step trains every waiting key (one step per batch size: keys' batches of different
 * sizes cannot share one), and each key's result goes through {@link KeyStep#stepped} under that
 * key, which stores it, counts it, publishes it when due and rolls a diverged key back on its own.
 *
 * <p>Nothing waits at a checkpoint, so checkpoints hold only what the per-key trainer holds, in the
 * same keyed state and timers (the same names), and a restored job repeats no step and loses none.
 * A label or a timer of a waiting key first steps the waiting keys, and so does a sample when
 * samples are predicted on arrival, so each key sees its samples, labels and timers in order, and
 * its samples are predicted by the model its last batch trained, exactly as on the per-key path.
 * Scored in fused passes, a waiting key's samples instead stay unscored until the waiting keys step
 * (or its next batch is cut, which steps them), then are scored right after the step, by the model
 * it trained; when {@link Batching#predictMaxDelay} passes first, the waiting keys step then.
 * Samples that delayed labels complete train with the key's next batch, as on the per-key path;
 * when enough of them wait without a batch they train through the per-key model ({@link
 * KeyStep#onLabel}).
 *
 * <p>Which key steps with which others changes nothing a key learns: a key's row of a fused step is
 * computed by the same operations whatever the other rows are, so a replay after a failure gives
 * each key bitwise the same model.
 */
public class FusedTrainer extends AbstractStreamOperator<Prediction>
    implements TwoInputStreamOperator<LabeledSample, SampleLabel, Prediction>,
        Triggerable<String, VoidNamespace>,
        BoundedMultiInput {

  private static final long serialVersionUID = 1L;

  private final TrainerSettings settings;
  private final Batching batching;
  private final int fuseKeys;
  private final long maxDelayMillis;

  private transient KeyStep step;
  private transient OpenBatch batch;
  private transient FusedNetwork network;
  private transient TimerService timers;
  private transient OperatorKeyContext keyContext;

  /** Scored batches waiting for the fused step, by key, in the order they came. */
  private transient Map<String, Waiting> waiting;

  private transient ScheduledFuture<?> deadline;

  /**
   * Keys whose open batches hold unscored samples, to score in the next fused forward pass, with
   * the timestamp of the latest such sample; empty when {@link Batching#predictMaxDelay} is zero.
   */
  private transient Map<String, Long> unscored;

  /**
   * Keys with unscored samples whose previous batch waits for its step: they are scored right after
   * it, by the model it trains.
   */
  private transient Map<String, Long> unscoredAfterStep;

  private transient ScheduledFuture<?> scoringDeadline;

  /** A key's unscored samples in a fused forward pass, and the timestamp of their predictions. */
  private record Unscored(String key, KeyStep.ToPredict toPredict, Long timestamp) {}

  /** A key's scored batch that waits to train. */
  private record Waiting(
      KeyModelState state, ModelInput training, double learningRateFactor, Long timestamp) {}

  /**
   * @param fuseKeys how many keys' batches to collect before one fused step
   * @param maxDelay longest a scored batch waits for its step; zero: no limit but the others
   */
  public FusedTrainer(
      TrainerSettings settings, Batching batching, int fuseKeys, Duration maxDelay) {
    if (fuseKeys < 1) {
      throw new IllegalArgumentException("fuse-keys must be at least 1, got " + fuseKeys);
    }
    String overridden = notFusableReason(settings.defaultModel(), settings.overrides());
    if (overridden != null) {
      throw new IllegalArgumentException(overridden);
    }
    this.settings = settings;
    this.batching = batching;
    this.fuseKeys = fuseKeys;
    this.maxDelayMillis = maxDelay.toMillis();
  }

  /**
   * Why this trainer cannot train a network configuration (DL4J JSON) on samples of {@code input},
   * or null when it can. Call it where ND4J may run: it builds the network once to read its layout.
   */
  public static String notFusableReason(String configurationJson, InputShape input) {
    if (KeyModels.isGraph(configurationJson)) {
      return "a ComputationGraph configuration is not fused, only a MultiLayerConfiguration";
    }
    if (input.kind() != InputShape.Kind.VECTOR) {
      return "only vector inputs are fused, not " + input.kind();
    }
    return FusedNetwork.notFusableReason(MultiLayerConfiguration.fromJson(configurationJson));
  }

  /**
   * Why this trainer cannot train the overrides' models next to the default one, or null when it
   * can: it steps one network, so an override may change where its keys start (its initial model),
   * but not the network or the steps per batch.
   */
  public static String notFusableReason(ModelSpec defaultModel, List<ModelOverride> overrides) {
    for (int i = 0; i < overrides.size(); i++) {
      ModelSpec model = overrides.get(i).model();
      if (!model.configurationJson().equals(defaultModel.configurationJson())
          || model.stepsPerBatch() != defaultModel.stepsPerBatch()) {
        return "override "
            + i
            + " ('"
            + overrides.get(i).pattern()
            + "') gives its keys another network or steps per batch than the default, and the"
            + " fused trainer steps one network";
      }
    }
    return null;
  }

  @Override
  public void open() throws Exception {
    super.open();
    // open() runs on the task thread, like every element, timer and barrier: ND4J stays there.
    InternalTimerService<VoidNamespace> timerService =
        getInternalTimerService(
            OnlineTrainerOperator.TIMERS, VoidNamespaceSerializer.INSTANCE, this);
    timers = new SimpleTimerService(timerService);
    step = new KeyStep(getRuntimeContext(), settings, KeyModels.create(settings));
    batch =
        batching.predictMaxDelay().isZero()
            ? new OpenBatch(getRuntimeContext(), batching, step)
            : new OpenBatch(getRuntimeContext(), batching, step, new FusedScoring());
    network = FusedNetwork.of(MultiLayerConfiguration.fromJson(settings.modelConfigurationJson()));
    waiting = new LinkedHashMap<>();
    unscored = new LinkedHashMap<>();
    unscoredAfterStep = new LinkedHashMap<>();
    keyContext = new OperatorKeyContext(this::getCurrentKey, timers, output);
    step.findUnpublished(getKeyedStateBackend());
  }

  @Override
  public void processElement1(StreamRecord<LabeledSample> element) throws Exception {
    // A sample is predicted by its key's model as its previous batch trained it. Scored in a fused
    // pass, it waits unscored for that step (FusedScoring); scored on arrival, it steps it now.
    if (batching.predictMaxDelay().isZero()) {
      stepIfWaiting((String) getCurrentKey());
    }
    keyContext.stamp(element.hasTimestamp() ? element.getTimestamp() : null);
    waitIfCut(batch.add(element.getValue(), keyContext));
  }

  /** A batch that was cut waits for the fused step with the other keys' (or needs none). */
  private void waitIfCut(KeyStep.Scored scored) throws Exception {
    if (scored == null) {
      return;
    }
    String key = (String) getCurrentKey();
    ModelInput training = step.trainingOf(scored);
    if (training.isEmpty()) {
      step.keep(scored.state(), keyContext);
    } else {
      waiting.put(
          key,
          new Waiting(scored.state(), training, step.learningRateFactor(), keyContext.timestamp()));
      if (waiting.size() >= fuseKeys) {
        stepWaiting();
      } else if (deadline == null && maxDelayMillis > 0) {
        long at = getProcessingTimeService().getCurrentProcessingTime() + maxDelayMillis;
        deadline = getProcessingTimeService().registerTimer(at, time -> stepWaiting());
      }
    }
    batchCut();
  }

  /** Called after each batch was cut (and queued): a seam for tests that fail there. */
  protected void batchCut() throws Exception {}

  @Override
  public void processElement2(StreamRecord<SampleLabel> element) throws Exception {
    stepIfWaiting((String) getCurrentKey());
    keyContext.stamp(element.hasTimestamp() ? element.getTimestamp() : null);
    step.onLabel(element.getValue(), keyContext);
  }

  @Override
  public void onEventTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
    // Only the end of input brings an event-time timer: the trainer's inputs carry no watermarks.
    onTimer(timer, true, timer.getTimestamp());
  }

  @Override
  public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
    onTimer(timer, false, null);
  }

  private void onTimer(InternalTimer<String, VoidNamespace> timer, boolean eventTime, Long stamp)
      throws Exception {
    stepIfWaiting(timer.getKey());
    keyContext.stamp(stamp);
    waitIfCut(batch.onTimer(timer.getTimestamp(), eventTime, keyContext));
    if (!OpenBatch.isBatchTimer(timer.getTimestamp(), eventTime)) {
      step.onTimer(timer.getTimestamp(), eventTime, keyContext);
    }
  }

  /**
   * The final watermark fires every key's end-of-input timers: first the open batches' ({@link
   * OpenBatch}), which cut the last batches, then, after the waiting batches trained, the keys'
   * own, which publish what the last steps learned.
   */
  @Override
  public void processWatermark(Watermark mark) throws Exception {
    if (mark.getTimestamp() == Long.MAX_VALUE) {
      getTimeServiceManager().orElseThrow().advanceWatermark(new Watermark(OpenBatch.END_OF_INPUT));
      stepAndScoreWaiting();
    }
    super.processWatermark(mark);
  }

  /**
   * Before the barrier: a checkpoint then holds every scored batch's step, and no waiting one, and
   * every sample's prediction (its unscored samples are scored here, and so never scored twice);
   * and, when the settings say so, the models those steps changed are published.
   */
  @Override
  public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
    stepAndScoreWaiting();
    writeBeforeBarrier();
    super.prepareSnapshotPreBarrier(checkpointId);
  }

  @Override
  public void endInput(int inputId) throws Exception {
    stepAndScoreWaiting();
  }

  @Override
  public void finish() throws Exception {
    stepAndScoreWaiting();
    super.finish();
  }

  /**
   * Publishes the models that changed since their last publication and writes the ones created and
   * not yet written, each under its key.
   */
  private void writeBeforeBarrier() throws Exception {
    Object current = getCurrentKey();
    keyContext.stamp(null);
    step.publishChanged(this::setCurrentKey, keyContext);
    step.saveCreated(this::setCurrentKey);
    if (current != null) {
      setCurrentKey(current);
    }
  }

  /** Keys whose scored batches wait for the fused step, in the order they came. */
  List<String> waitingKeys() {
    return List.copyOf(waiting.keySet());
  }

  /** Keys whose unscored samples wait for the next fused forward pass, in the order they came. */
  List<String> unscoredKeys() {
    List<String> keys = new ArrayList<>(unscored.keySet());
    keys.addAll(unscoredAfterStep.keySet());
    return keys;
  }

  /** Steps the waiting keys, then scores every unscored sample. */
  private void stepAndScoreWaiting() throws Exception {
    stepWaiting();
    scoreUnscored();
  }

  /** A key's next input must see its previous batch's step: steps the waiting keys first. */
  private void stepIfWaiting(String key) throws Exception {
    if (waiting.containsKey(key)) {
      stepWaiting();
      setCurrentKey(key);
    }
  }

  /**
   * One fused step for each batch size among the waiting keys, then each key's outcome; then one
   * fused forward pass scores the samples that waited for these steps, with every other unscored
   * one.
   */
  private void stepWaiting() throws Exception {
    deadline = cancelled(deadline);
    if (waiting.isEmpty()) {
      return;
    }
    Map<Integer, Map<String, Waiting>> bySize = new LinkedHashMap<>();
    waiting.forEach(
        (key, batch) ->
            bySize
                .computeIfAbsent(batch.training().size(), size -> new LinkedHashMap<>())
                .put(key, batch));
    waiting.clear();
    keepingCurrentKey(
        () -> {
          for (Map.Entry<Integer, Map<String, Waiting>> group : bySize.entrySet()) {
            stepTogether(group.getKey(), group.getValue());
          }
        });
    if (!unscoredAfterStep.isEmpty()) {
      unscored.putAll(unscoredAfterStep);
      unscoredAfterStep.clear();
      scoreUnscored();
    }
  }

  /**
   * One fused forward pass for each row count among the keys with unscored samples (a key's rows
   * share one [K, B, inputs] array with other keys' of as many rows), then, under each key, its
   * predictions are emitted and recorded in its open batch.
   */
  private void scoreUnscored() throws Exception {
    scoringDeadline = cancelled(scoringDeadline);
    if (!unscored.isEmpty()) {
      keepingCurrentKey(this::scoreEachRowCount);
    }
  }

  private void scoreEachRowCount() throws Exception {
    Map<Integer, List<Unscored>> byRows = new LinkedHashMap<>();
    for (Map.Entry<String, Long> entry : unscored.entrySet()) {
      setCurrentKey(entry.getKey());
      List<LabeledSample> samples = batch.unscored();
      // A key may have been scored since (its batch cut, or a timer restored from a checkpoint).
      if (!samples.isEmpty()) {
        byRows
            .computeIfAbsent(samples.size(), rows -> new ArrayList<>())
            .add(
                new Unscored(
                    entry.getKey(), step.toPredict(samples, keyContext), entry.getValue()));
      }
    }
    unscored.clear();
    for (Map.Entry<Integer, List<Unscored>> group : byRows.entrySet()) {
      scoreTogether(group.getKey(), group.getValue());
    }
  }

  /** A deadline's callback cancelled: null. Cancelling the callback that runs does not stop it. */
  private static ScheduledFuture<?> cancelled(ScheduledFuture<?> deadline) {
    if (deadline != null) {
      deadline.cancel(false);
    }
    return null;
  }

  /**
   * Runs work that sets other keys current (and their timestamps), then restores the key and the
   * timestamp of the input or timer that called it.
   */
  private void keepingCurrentKey(ThrowingRunnable<Exception> work) throws Exception {
    Object current = getCurrentKey();
    Long currentTimestamp = keyContext.timestamp();
    work.run();
    if (current != null) {
      setCurrentKey(current);
    }
    keyContext.stamp(currentTimestamp);
  }

  private void scoreTogether(int rows, List<Unscored> keys) throws Exception {
    double[] parameters =
        ArrayBytes.concatenated(
            keys.stream().map(key -> key.toPredict().state().getParameters()).toList(),
            network.parameterCount());
    float[] features =
        ModelArrays.stackedFeatureValues(
            keys.stream().map(key -> key.toPredict().input()).toList(), rows, network.inputs());
    float[][] scores =
        ModelArrays.scores(network.predict(parameters, features, rows), settings.shape());
    for (int index = 0; index < keys.size(); index++) {
      Unscored key = keys.get(index);
      setCurrentKey(key.key());
      keyContext.stamp(key.timestamp());
      float[][] keyScores = Arrays.copyOfRange(scores, index * rows, (index + 1) * rows);
      batch.scored(step.predicted(key.toPredict(), keyScores, keyContext), keyContext);
    }
  }

  private void stepTogether(int rows, Map<String, Waiting> keys) throws Exception {
    List<Waiting> batches = new ArrayList<>(keys.values());
    int count = batches.size();
    double[] parameters =
        ArrayBytes.concatenated(
            batches.stream().map(batch -> batch.state().getParameters()).toList(),
            network.parameterCount());
    double[] updaterState =
        network.updaterStateSize() == 0
            ? null
            : ArrayBytes.concatenated(
                batches.stream().map(batch -> batch.state().getUpdaterState()).toList(),
                network.updaterStateSize());
    int[] iterations = new int[count];
    double[] learningRateFactors = new double[count];
    List<ModelInput> samples = new ArrayList<>(count);
    for (int index = 0; index < count; index++) {
      Waiting batch = batches.get(index);
      iterations[index] = Math.toIntExact(batch.state().getSteps());
      learningRateFactors[index] = batch.learningRateFactor();
      samples.add(batch.training());
    }
    float[] features = ModelArrays.stackedFeatureValues(samples, rows, network.inputs());
    float[] labels =
        ModelArrays.stackedLabelValues(
            samples.stream().map(ModelInput::samples).toList(), rows, settings.shape());

    long started = System.nanoTime();
    double[] losses = null;
    for (int repeat = 0; repeat < settings.stepsPerBatch(); repeat++) {
      losses =
          network.step(
              parameters, updaterState, iterations, learningRateFactors, features, labels, rows);
      for (int index = 0; index < count; index++) {
        iterations[index]++;
      }
    }
    int width = Math.toIntExact(network.parameterCount());
    ByteBuffer[] newParameters = ArrayBytes.encodeRows(parameters, width, network.dataType());
    ByteBuffer[] newUpdaterStates =
        updaterState == null
            ? null
            : ArrayBytes.encodeRows(
                updaterState, Math.toIntExact(network.updaterStateSize()), network.dataType());
    long nanosPerKey = (System.nanoTime() - started) / count;

    long now = getProcessingTimeService().getCurrentProcessingTime();
    int index = 0;
    for (Map.Entry<String, Waiting> entry : keys.entrySet()) {
      Waiting batch = entry.getValue();
      setCurrentKey(entry.getKey());
      keyContext.stamp(batch.timestamp());
      boolean finite =
          Double.isFinite(losses[index]) && allFinite(parameters, index * width, width);
      step.stepped(
          batch.state(),
          batch.training().samples(),
          new KeyStep.SteppedElsewhere(
              finite,
              newParameters[index],
              newUpdaterStates == null ? ByteBuffer.wrap(new byte[0]) : newUpdaterStates[index],
              losses[index],
              nanosPerKey),
          keyContext,
          now);
      step.keep(batch.state(), keyContext);
      index++;
    }
  }

  private static boolean allFinite(double[] values, int from, int length) {
    for (int i = from; i < from + length; i++) {
      if (!Double.isFinite(values[i])) {
        return false;
      }
    }
    return true;
  }

  /**
   * Gathers the keys with unscored samples: they are scored together when {@code fuseKeys} keys
   * have some, when {@link Batching#predictMaxDelay} has passed since the first of them came, when
   * one's batch is cut, and before a barrier and at the end of input. A key whose previous batch
   * waits for its step waits with it, then is scored by the model that step trains; when the delay
   * passes first, the waiting keys step then, so that no sample waits for its prediction longer
   * than the delay for want of other keys to step with.
   */
  private final class FusedScoring implements SharedScoring {
    @Override
    public void unscored(KeyContext ctx) throws Exception {
      String key = ctx.key();
      if (waiting.containsKey(key)) {
        unscoredAfterStep.put(key, keyContext.timestamp());
      } else {
        unscored.put(key, keyContext.timestamp());
        if (unscored.size() >= fuseKeys) {
          scoreUnscored();
          return;
        }
      }
      if (scoringDeadline == null) {
        long at =
            getProcessingTimeService().getCurrentProcessingTime()
                + batching.predictMaxDelay().toMillis();
        scoringDeadline = getProcessingTimeService().registerTimer(at, time -> scoreDue());
      }
    }

    /** At the scoring deadline: samples that wait for their keys' steps are due as well. */
    private void scoreDue() throws Exception {
      if (unscoredAfterStep.isEmpty()) {
        scoreUnscored();
      } else {
        // Scores every unscored sample after the steps.
        stepWaiting();
      }
    }

    @Override
    public void scoreBeforeCut(KeyContext ctx) throws Exception {
      // A waiting key's step comes first; the waiting keys' steps score every unscored sample.
      if (waiting.containsKey(ctx.key())) {
        stepWaiting();
      } else {
        scoreUnscored();
      }
    }
  }
}
