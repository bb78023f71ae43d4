package io.streamlearn.operators.evaluation;

import io.streamlearn.operators.Floats;
import io.streamlearn.operators.ModelShape;
import io.streamlearn.operators.drift.DetectorType;
import io.streamlearn.operators.drift.DriftDetector;
import io.streamlearn.schemas.MetricsEvent;
import io.streamlearn.schemas.MetricsEventKind;
import io.streamlearn.schemas.Prediction;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Prequential evaluation of the test-then-train predictions: every labeled prediction is an honest
 * out-of-sample outcome, added to a count window and a time window of recent outcomes and, for the
 * whole job, as a 0/1 error (classification) or absolute error (regression), to a drift detector.
 * Each key's drift detector runs in the trainer instead, where a detection can change the key's
 * model; the job's detector only alerts.
 *
 * <p>A key reports a {@link MetricsEventKind#SNAPSHOT} of both windows' metrics at every multiple
 * of {@code snapshotEvery} labeled predictions, exactly there even within a batch, so that a
 * backlog replayed in seconds still draws a curve with a point every so many predictions. A key
 * with labeled predictions that no snapshot covers yet also reports {@code snapshotInterval} after
 * the first of them, and once more when the input ends; a key with nothing unreported holds no
 * timer. Count-window metrics have plain names ({@code accuracy}), the time window's the suffix
 * {@value #TIME_SUFFIX}; {@code predictions} is the position. When the detector fires, a {@link
 * MetricsEventKind#DRIFT} event with its statistics goes out at once.
 *
 * <p>The same class evaluates the whole job when it runs keyed by one constant: {@link
 * #forJob(EvaluationSettings)} leaves key and model version out of its events and is the one that
 * runs a detector.
 *
 * <p>Windows and detector live in keyed state as objects, serialized to their own versioned
 * encodings ({@link EncodedObjectSerializer}): on the heap state backend a prediction then updates
 * them in place, where state of their bytes would decode and re-encode windows of thousands of
 * outcomes for every prediction. A window saved under another bound (the settings changed across a
 * restore) starts over rather than report a window that is neither the old nor the new one; the
 * detector is kept under a state name of its type, so a changed type starts a new one.
 *
 * <p>Predictions come a trainer batch at a time: on the RocksDB backend, where every state access
 * decodes and encodes a window, a batch pays for that once rather than once per prediction.
 */
public class PrequentialEvaluator
    extends KeyedProcessFunction<String, List<Prediction>, MetricsEvent> {

  static final String TIME_SUFFIX = "@time";
  static final String POSITION = "predictions";
  static final String DRIFT_REACTION = "ALERT";

  /** Fires when the end of input brings the final watermark: report what is unreported. */
  private static final long END_OF_INPUT = Long.MAX_VALUE;

  private final EvaluationSettings settings;
  private final boolean jobScope;

  /** The settings' bounds, made once rather than for every prediction. */
  private final WindowBound countBound;

  private final WindowBound timeBound;

  private transient ValueState<PrequentialWindow> countWindow;
  private transient ValueState<PrequentialWindow> timeWindow;

  /**
   * Null without a detector: per key, and for {@link DetectorType#NONE}, which has no serializer.
   */
  private transient ValueState<DriftDetector> detector;

  private transient ValueState<Long> position;
  private transient ValueState<Long> modelVersion;
  private transient ValueState<Long> snapshotTimer;

  private PrequentialEvaluator(EvaluationSettings settings, boolean jobScope) {
    this.settings = settings;
    this.jobScope = jobScope;
    this.countBound = settings.countBound();
    this.timeBound = settings.timeBound();
  }

  /** Evaluates each model key on its own: run it on the predictions keyed by their key. */
  public static PrequentialEvaluator forKeys(EvaluationSettings settings) {
    return new PrequentialEvaluator(settings, false);
  }

  /**
   * Evaluates the whole job: run it on all predictions keyed by one constant, which puts all of its
   * work on one subtask. Its events have no key and no model version.
   */
  public static PrequentialEvaluator forJob(EvaluationSettings settings) {
    return new PrequentialEvaluator(settings, true);
  }

  static ValueStateDescriptor<PrequentialWindow> countWindowDescriptor() {
    return new ValueStateDescriptor<>("evaluation-count-window", new PrequentialWindowSerializer());
  }

  static ValueStateDescriptor<PrequentialWindow> timeWindowDescriptor() {
    return new ValueStateDescriptor<>("evaluation-time-window", new PrequentialWindowSerializer());
  }

  /** Named after the type: the enum constants' names are part of the state layout. */
  static ValueStateDescriptor<DriftDetector> detectorDescriptor(DetectorType type) {
    return new ValueStateDescriptor<>(
        "evaluation-detector-" + type.name().toLowerCase(Locale.ROOT),
        DetectorSerializers.of(type));
  }

  static ValueStateDescriptor<Long> positionDescriptor() {
    return new ValueStateDescriptor<>("evaluation-position", Types.LONG);
  }

  static ValueStateDescriptor<Long> modelVersionDescriptor() {
    return new ValueStateDescriptor<>("evaluation-model-version", Types.LONG);
  }

  static ValueStateDescriptor<Long> snapshotTimerDescriptor() {
    return new ValueStateDescriptor<>("evaluation-snapshot-timer", Types.LONG);
  }

  @Override
  public void open(OpenContext openContext) {
    countWindow = getRuntimeContext().getState(countWindowDescriptor());
    timeWindow = getRuntimeContext().getState(timeWindowDescriptor());
    if (jobScope && settings.detector() != DetectorType.NONE) {
      detector = getRuntimeContext().getState(detectorDescriptor(settings.detector()));
    }
    position = getRuntimeContext().getState(positionDescriptor());
    modelVersion = getRuntimeContext().getState(modelVersionDescriptor());
    snapshotTimer = getRuntimeContext().getState(snapshotTimerDescriptor());
  }

  @Override
  public void processElement(List<Prediction> batch, Context ctx, Collector<MetricsEvent> out)
      throws Exception {
    long now = ctx.timerService().currentProcessingTime();
    PrequentialWindow counted = window(countWindow, countBound);
    PrequentialWindow timed = window(timeWindow, timeBound);
    DriftDetector drift = detector == null ? null : detector();
    Long latestVersion = modelVersion.value();
    Long previous = position.value();
    long before = previous == null ? 0 : previous;
    long at = before;
    long reported = before;
    for (Prediction prediction : batch) {
      if (!isLabeled(prediction)) {
        continue;
      }
      at++;
      // A prediction completed by a delayed label comes late, with the older version that served
      // it.
      if (latestVersion == null || prediction.getModelVersion() > latestVersion) {
        latestVersion = prediction.getModelVersion();
      }
      counted.add(prediction);
      timed.add(prediction);
      if (drift != null && drift.add(monitoredError(prediction))) {
        out.collect(
            event(MetricsEventKind.DRIFT, ctx, now, at, latestVersion, drift.statistics())
                .setDetector(settings.detector().name())
                .setReaction(DRIFT_REACTION)
                .build());
      }
      if (settings.snapshotEvery() > 0 && at % settings.snapshotEvery() == 0) {
        out.collect(snapshot(ctx, now, at, latestVersion, counted, timed));
        reported = at;
      }
    }
    if (at == before) {
      return; // nothing labeled: nothing to keep, and no reason to report
    }
    position.update(at);
    modelVersion.update(latestVersion);
    // The heap backend holds these very objects already; RocksDB only stores what is written back.
    countWindow.update(counted);
    timeWindow.update(timed);
    if (drift != null) {
      detector.update(drift);
    }
    if (reported > before) {
      // A snapshot covered what the pending timer was for; what follows it is due later.
      clearSnapshotTimer(ctx);
    }
    if (reported < at && snapshotTimer.value() == null) {
      long due = now + settings.snapshotInterval().toMillis();
      ctx.timerService().registerProcessingTimeTimer(due);
      ctx.timerService().registerEventTimeTimer(END_OF_INPUT);
      snapshotTimer.update(due);
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<MetricsEvent> out)
      throws Exception {
    // Whichever of the two fired, the other is now early or pointless.
    clearSnapshotTimer(ctx);
    out.collect(
        snapshot(
            ctx,
            ctx.timerService().currentProcessingTime(),
            position.value(),
            modelVersion.value(),
            window(countWindow, countBound),
            window(timeWindow, timeBound)));
  }

  private void clearSnapshotTimer(Context ctx) throws Exception {
    Long due = snapshotTimer.value();
    if (due != null) {
      ctx.timerService().deleteProcessingTimeTimer(due);
      ctx.timerService().deleteEventTimeTimer(END_OF_INPUT);
      snapshotTimer.clear();
    }
  }

  private MetricsEvent snapshot(
      Context ctx,
      long now,
      long at,
      Long version,
      PrequentialWindow counted,
      PrequentialWindow timed) {
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put(POSITION, (double) at);
    metrics.putAll(counted.metrics());
    timed.metrics().forEach((name, value) -> metrics.put(name + TIME_SUFFIX, value));
    return event(MetricsEventKind.SNAPSHOT, ctx, now, at, version, metrics).build();
  }

  private boolean isLabeled(Prediction prediction) {
    ModelShape shape = settings.shape();
    if (shape.multiLabel()) {
      return prediction.getLabels() != null;
    }
    return shape.isClassification()
        ? prediction.getLabel() != null
        : ModelShape.targetsOf(prediction.getTarget(), prediction.getTargets()) != null;
  }

  private PrequentialWindow window(ValueState<PrequentialWindow> state, WindowBound bound)
      throws Exception {
    PrequentialWindow window = state.value();
    return window != null && window.bound().equals(bound)
        ? window
        : PrequentialWindow.empty(settings.shape(), bound);
  }

  private DriftDetector detector() throws Exception {
    DriftDetector drift = detector.value();
    return drift == null ? settings.detector().newDetector() : drift;
  }

  /**
   * The 0/1 error of a classification (of a multi-label one: 0 only if every class was predicted
   * right), the mean absolute error over the outputs of a regression.
   */
  private double monitoredError(Prediction prediction) {
    ModelShape shape = settings.shape();
    float[] scores = Floats.unboxed(prediction.getScores());
    if (shape.multiLabel()) {
      return MultiLabelOutcome.of(scores, prediction.getLabels()).exact() ? 0 : 1;
    }
    if (shape.isClassification()) {
      return prediction.getLabel().equals(prediction.getPredictedLabel()) ? 0 : 1;
    }
    return RegressionOutcome.of(
            scores, ModelShape.targetsOf(prediction.getTarget(), prediction.getTargets()))
        .meanAbsoluteError();
  }

  private MetricsEvent.Builder event(
      MetricsEventKind kind,
      Context ctx,
      long now,
      long at,
      Long version,
      Map<String, Double> metrics) {
    return MetricsEvent.newBuilder()
        .setKind(kind)
        .setKey(jobScope ? null : ctx.getCurrentKey())
        .setPosition(at)
        .setTime(Instant.ofEpochMilli(now))
        .setModelVersion(jobScope ? null : version)
        .setMetrics(metrics);
  }
}
