package io.streamlearn.operators;

import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.Prediction;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.TimerService;

/**
 * A key's open mini-batch in the trainer's keyed state, and the predictions of its samples. A
 * sample is scored when it arrives ({@link KeyStep#predict}), with the key's current model, and its
 * prediction goes out at once; the batch is cut, to be {@link KeyStep#cut evaluated} and trained,
 * when it holds {@link Batching#batchSize} samples, {@link Batching#maxDelay} (processing time)
 * after its first sample came, or when the input ends: the rules of the mini-batcher that cut
 * batches before the trainer did, so batch boundaries and what a key learns are the same.
 *
 * <p>With {@link Batching#predictMaxDelay} above zero, a key's unscored samples wait up to that
 * long to be scored together, in one model call; a cut scores what is still unscored first. Either
 * way every sample of the batch is scored by the model the batch then trains, unless a delayed
 * label trained the key in between (then its prediction says the version that made it).
 *
 * <p>A trainer that scores many keys' samples together passes a {@link SharedScoring}: the key's
 * unscored samples are then reported to it, on arrival, instead of waiting for a timer of the key,
 * and it scores them through {@link #unscored} and {@link #scored}, at the latest when the batch is
 * cut.
 *
 * <p>Everything is keyed state and timers, so a checkpoint holds the open batch, which of its
 * samples were scored and with what: after a restore the unscored ones are scored, by the same
 * model, and none is scored twice.
 */
public final class OpenBatch {

  /**
   * The event-time timer that cuts the batch at the end of input. Below the trainer's own
   * end-of-input timers, which the final watermark fires after it: the last batch trains first.
   */
  static final long END_OF_INPUT = Long.MAX_VALUE - 2;

  private final Batching batching;
  private final KeyStep step;
  private final ListState<LabeledSample> buffer;
  private final ValueState<Integer> bufferedCount;
  private final ValueState<Long> flushTimer;
  private final ListState<Prediction> predictions;
  private final ValueState<Integer> scoredCount;
  private final ValueState<Long> predictTimer;

  /** Scores the unscored samples of many keys together; null: each key scores its own. */
  private final SharedScoring sharedScoring;

  /** Creates the batch's keyed state; call it in the trainer's {@code open}. */
  public OpenBatch(RuntimeContext context, Batching batching, KeyStep step) {
    this(context, batching, step, null);
  }

  /**
   * An open batch whose unscored samples {@code sharedScoring} scores, with other keys', when
   * {@link Batching#predictMaxDelay} is above zero.
   */
  public OpenBatch(
      RuntimeContext context, Batching batching, KeyStep step, SharedScoring sharedScoring) {
    this.batching = batching;
    this.step = step;
    this.sharedScoring = sharedScoring;
    this.buffer = context.getListState(bufferDescriptor());
    this.bufferedCount = context.getState(countDescriptor());
    this.flushTimer = context.getState(timerDescriptor());
    this.predictions = context.getListState(predictionsDescriptor());
    this.scoredCount = context.getState(scoredCountDescriptor());
    this.predictTimer = context.getState(predictTimerDescriptor());
  }

  /**
   * The open batch's samples. Name and type are those of the mini-batcher's buffer before the
   * trainer held it, which {@link MiniBatchDrain} still reads from old savepoints.
   */
  public static ListStateDescriptor<LabeledSample> bufferDescriptor() {
    return new ListStateDescriptor<>("batch-buffer", new AvroTypeInfo<>(LabeledSample.class));
  }

  /** How many samples the open batch holds. */
  public static ValueStateDescriptor<Integer> countDescriptor() {
    return new ValueStateDescriptor<>("batch-count", Types.INT);
  }

  /** When the open batch is cut by time. */
  public static ValueStateDescriptor<Long> timerDescriptor() {
    return new ValueStateDescriptor<>("batch-flush-timer", Types.LONG);
  }

  /** The predictions made for the open batch's first samples, in the batch's order. */
  static ListStateDescriptor<Prediction> predictionsDescriptor() {
    return new ListStateDescriptor<>("batch-predictions", new AvroTypeInfo<>(Prediction.class));
  }

  /** How many of the open batch's samples were scored: the first ones. */
  static ValueStateDescriptor<Integer> scoredCountDescriptor() {
    return new ValueStateDescriptor<>("batch-scored-count", Types.INT);
  }

  /** When the open batch's unscored samples are scored. */
  static ValueStateDescriptor<Long> predictTimerDescriptor() {
    return new ValueStateDescriptor<>("batch-predict-timer", Types.LONG);
  }

  /**
   * Adds a sample of the current key: scores it now or schedules it, and returns the scored batch
   * when this sample filled it, else null.
   */
  public KeyStep.Scored add(LabeledSample arrived, KeyContext ctx) throws Exception {
    LabeledSample sample = step.arrived(arrived, ctx);
    buffer.add(sample);
    int count = bufferedCount.value() == null ? 1 : bufferedCount.value() + 1;
    TimerService timers = ctx.timers();
    if (count == 1) {
      timers.registerEventTimeTimer(END_OF_INPUT);
      long maxDelayMillis = batching.maxDelay().toMillis();
      if (maxDelayMillis > 0) {
        long deadline = timers.currentProcessingTime() + maxDelayMillis;
        timers.registerProcessingTimeTimer(deadline);
        flushTimer.update(deadline);
      }
    }
    bufferedCount.update(count);
    long predictDelayMillis = batching.predictMaxDelay().toMillis();
    if (predictDelayMillis == 0) {
      // Only this sample is unscored: no need to read the buffer back.
      predictions.addAll(step.predict(List.of(sample), ctx));
      scoredCount.update(count);
    } else if (sharedScoring != null) {
      sharedScoring.unscored(ctx);
    } else if (predictTimer.value() == null && count < batching.batchSize()) {
      long due = timers.currentProcessingTime() + predictDelayMillis;
      timers.registerProcessingTimeTimer(due);
      predictTimer.update(due);
    }
    return count >= batching.batchSize() ? cut(ctx) : null;
  }

  /**
   * A timer of the current key: scores the unscored samples when their wait is over, and returns
   * the scored batch when its deadline or the end of input cut it, else null. The trainer's other
   * timers pass through untouched.
   */
  public KeyStep.Scored onTimer(long timestamp, boolean eventTime, KeyContext ctx)
      throws Exception {
    if (eventTime) {
      return timestamp == END_OF_INPUT && bufferedCount.value() != null ? cut(ctx) : null;
    }
    Long due = predictTimer.value();
    if (due != null && due == timestamp) {
      scoreUnscored(ctx);
    }
    Long deadline = flushTimer.value();
    return deadline != null && deadline == timestamp ? cut(ctx) : null;
  }

  /** Whether an event-time timer is the open batch's: the trainer's own come after it. */
  public static boolean isBatchTimer(long timestamp, boolean eventTime) {
    return eventTime && timestamp == END_OF_INPUT;
  }

  /** Scores, in one model call, the samples of the batch that are not scored yet. */
  private void scoreUnscored(KeyContext ctx) throws Exception {
    List<LabeledSample> unscored = unscored();
    scored(unscored.isEmpty() ? List.of() : step.predict(unscored, ctx), ctx);
  }

  /** The current key's samples that are not scored yet, in the batch's order. */
  public List<LabeledSample> unscored() throws Exception {
    int scored = scoredCount.value() == null ? 0 : scoredCount.value();
    Integer count = bufferedCount.value();
    if (count == null || scored == count) {
      return List.of();
    }
    List<LabeledSample> unscored = new ArrayList<>(count - scored);
    int index = 0;
    for (LabeledSample sample : buffer.get()) {
      if (index++ >= scored) {
        unscored.add(sample);
      }
    }
    return unscored;
  }

  /**
   * Records the predictions of the current key's {@link #unscored} samples, all of them, in their
   * order, and drops the key's timer that would have scored them.
   */
  public void scored(List<Prediction> made, KeyContext ctx) throws Exception {
    Long due = predictTimer.value();
    if (due != null) {
      ctx.timers().deleteProcessingTimeTimer(due);
      predictTimer.clear();
    }
    if (!made.isEmpty()) {
      predictions.addAll(made);
      scoredCount.update(bufferedCount.value());
    }
  }

  /** Scores what is unscored, empties the batch and its timers, and evaluates it. */
  private KeyStep.Scored cut(KeyContext ctx) throws Exception {
    if (sharedScoring != null) {
      sharedScoring.scoreBeforeCut(ctx);
    }
    scoreUnscored(ctx);
    List<LabeledSample> samples = new ArrayList<>(bufferedCount.value());
    buffer.get().forEach(samples::add);
    List<Prediction> scored = new ArrayList<>(samples.size());
    predictions.get().forEach(scored::add);
    Long deadline = flushTimer.value();
    if (deadline != null) {
      ctx.timers().deleteProcessingTimeTimer(deadline);
    }
    ctx.timers().deleteEventTimeTimer(END_OF_INPUT);
    buffer.clear();
    bufferedCount.clear();
    flushTimer.clear();
    predictions.clear();
    scoredCount.clear();
    return step.cut(samples, scored, ctx);
  }
}
