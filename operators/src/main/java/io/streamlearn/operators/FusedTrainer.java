package io.streamlearn.operators;

import io.streamlearn.operators.fused.FusedNetwork;
import io.streamlearn.operators.state.KeyModelState;
import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.Prediction;
import io.streamlearn.schemas.SampleLabel;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
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
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The fused trainer: the same per-key step as {@link OnlineTrainer} ({@link KeyStep}), except that
 * the training steps of many keys are taken together, as one {@link FusedNetwork} step.
 *
 * <p>Each key's samples (input 1) are predicted as they arrive, under their key, and gathered into
 * the key's mini-batch ({@link OpenBatch}), as on the per-key path: predictions go out at once with
 * the version of the model that made them. A batch that is cut is scored, then waits, in memory,
 * until {@code fuseKeys} keys have one waiting, {@code maxDelay} has passed since the first of them
 * came (zero: no time limit), a checkpoint barrier is about to be sent ({@link
 * #prepareSnapshotPreBarrier}), or the input ends. Then one fused step trains every waiting key
 * (one step per batch size: keys' batches of different sizes cannot share one), and each key's
 * result goes through {@link KeyStep#stepped} under that key, which stores it, counts it, publishes
 * it when due and rolls a diverged key back on its own. Predicting many keys' samples in one fused
 * forward pass is not done yet: each key's are predicted through its DL4J network.
 *
 * <p>Nothing waits at a checkpoint, so checkpoints hold only what the per-key trainer holds, in the
 * same keyed state and timers (the same names), and a restored job repeats no step and loses none.
 * A sample, a label or a timer of a waiting key first steps the waiting keys, so each key sees its
 * samples, labels and timers in order, and its samples are predicted by the model its last batch
 * trained, exactly as on the per-key path. Samples that delayed labels complete train with the
 * key's next batch, as on the per-key path; when enough of them wait without a batch they train
 * through the per-key model ({@link KeyStep#onLabel}).
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
    batch = new OpenBatch(getRuntimeContext(), batching, step);
    network = FusedNetwork.of(MultiLayerConfiguration.fromJson(settings.modelConfigurationJson()));
    waiting = new LinkedHashMap<>();
    keyContext = new OperatorKeyContext(this::getCurrentKey, timers, output);
    step.findUnpublished(getKeyedStateBackend());
  }

  @Override
  public void processElement1(StreamRecord<LabeledSample> element) throws Exception {
    // A sample is predicted by its key's model as its previous batch trained it.
    stepIfWaiting((String) getCurrentKey());
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
      step.keep(scored.state());
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
      stepWaiting();
    }
    super.processWatermark(mark);
  }

  /**
   * Before the barrier: a checkpoint then holds every scored batch's step, and no waiting one; and,
   * when the settings say so, the models those steps changed are published.
   */
  @Override
  public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
    stepWaiting();
    publishChangedModels();
    super.prepareSnapshotPreBarrier(checkpointId);
  }

  @Override
  public void endInput(int inputId) throws Exception {
    stepWaiting();
  }

  @Override
  public void finish() throws Exception {
    stepWaiting();
    super.finish();
  }

  /** Publishes the models that changed since their last publication, each under its key. */
  private void publishChangedModels() throws Exception {
    Object current = getCurrentKey();
    keyContext.stamp(null);
    step.publishChanged(this::setCurrentKey, keyContext);
    if (current != null) {
      setCurrentKey(current);
    }
  }

  /** Keys whose scored batches wait for the fused step, in the order they came. */
  List<String> waitingKeys() {
    return List.copyOf(waiting.keySet());
  }

  /** A key's next input must see its previous batch's step: steps the waiting keys first. */
  private void stepIfWaiting(String key) throws Exception {
    if (waiting.containsKey(key)) {
      stepWaiting();
      setCurrentKey(key);
    }
  }

  /** One fused step for each batch size among the waiting keys, then each key's outcome. */
  private void stepWaiting() throws Exception {
    if (deadline != null) {
      // Cancelling the callback that runs this does not stop it.
      deadline.cancel(false);
      deadline = null;
    }
    if (waiting.isEmpty()) {
      return;
    }
    Object current = getCurrentKey();
    Map<Integer, Map<String, Waiting>> bySize = new LinkedHashMap<>();
    waiting.forEach(
        (key, batch) ->
            bySize
                .computeIfAbsent(batch.training().size(), size -> new LinkedHashMap<>())
                .put(key, batch));
    waiting.clear();
    for (Map.Entry<Integer, Map<String, Waiting>> group : bySize.entrySet()) {
      stepTogether(group.getKey(), group.getValue());
    }
    if (current != null) {
      setCurrentKey(current);
    }
  }

  private void stepTogether(int rows, Map<String, Waiting> keys) throws Exception {
    List<Waiting> batches = new ArrayList<>(keys.values());
    int count = batches.size();
    INDArray parameters =
        ArrayBytes.stack(
            batches.stream().map(batch -> batch.state().getParameters()).toList(),
            network.parameterCount());
    INDArray updaterState =
        network.updaterStateSize() == 0
            ? null
            : ArrayBytes.stack(
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
    INDArray features = ModelArrays.stackedFeatures(samples, rows, network.inputs());
    INDArray labels =
        ModelArrays.stackedLabels(
            samples.stream().map(ModelInput::samples).toList(), rows, settings.shape());

    long started = System.nanoTime();
    double[] losses = null;
    for (int repeat = 0; repeat < settings.stepsPerBatch(); repeat++) {
      losses =
          network.step(parameters, updaterState, iterations, learningRateFactors, features, labels);
      for (int index = 0; index < count; index++) {
        iterations[index]++;
      }
    }
    // A sum is finite only if every term is: one native call tells each key's divergence.
    double[] parameterSums = parameters.sum(1).toDoubleVector();
    ByteBuffer[] newParameters = ArrayBytes.encodeRows(parameters);
    ByteBuffer[] newUpdaterStates =
        updaterState == null ? null : ArrayBytes.encodeRows(updaterState);
    long nanosPerKey = (System.nanoTime() - started) / count;

    long now = getProcessingTimeService().getCurrentProcessingTime();
    int index = 0;
    for (Map.Entry<String, Waiting> entry : keys.entrySet()) {
      Waiting batch = entry.getValue();
      setCurrentKey(entry.getKey());
      keyContext.stamp(batch.timestamp());
      boolean finite = Double.isFinite(losses[index]) && Double.isFinite(parameterSums[index]);
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
      step.keep(batch.state());
      index++;
    }
  }
}
