package io.streamlearn.operators;

import io.streamlearn.schemas.LabeledSample;
import java.util.HashSet;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Passes samples through to the trainer, which batches them itself ({@link OpenBatch}). It stands
 * where the mini-batcher stood, under its uid, for savepoints taken before the trainer batched:
 * their open batches are in this operator's keyed state, under the names the trainer's open batch
 * uses. A key's restored batch is drained into the trainer, in order, before the key's next sample,
 * when the batch's restored deadline fires, or at the end of input; the trainer then cuts it by the
 * same rules as before. A job started without such a savepoint never has anything to drain.
 *
 * <p>Which keys hold a restored batch is known once, at restore ({@link MiniBatchDrainOperator}
 * runs this function and tells it): every other key's samples pass without reading state.
 */
class MiniBatchDrain extends KeyedProcessFunction<String, LabeledSample, LabeledSample> {

  /** The mini-batcher's end-of-input timer, which a restored batch may have registered. */
  private static final long RESTORED_END_OF_INPUT = Long.MAX_VALUE;

  private transient ListState<LabeledSample> buffer;
  private transient ValueState<Integer> bufferedCount;
  private transient ValueState<Long> flushTimer;

  /** Keys whose restored batch is not drained yet. */
  private transient Set<String> undrained;

  @Override
  public void open(OpenContext openContext) {
    buffer = getRuntimeContext().getListState(OpenBatch.bufferDescriptor());
    bufferedCount = getRuntimeContext().getState(OpenBatch.countDescriptor());
    flushTimer = getRuntimeContext().getState(OpenBatch.timerDescriptor());
    undrained = new HashSet<>();
  }

  /** The keys whose restored state holds an open batch; call it after {@code open}. */
  void restored(Set<String> keys) {
    undrained = keys;
  }

  @Override
  public void processElement(LabeledSample sample, Context ctx, Collector<LabeledSample> out)
      throws Exception {
    if (!undrained.isEmpty() && undrained.remove(ctx.getCurrentKey())) {
      drain(ctx, out);
    }
    out.collect(sample);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<LabeledSample> out)
      throws Exception {
    // Only a restored batch registered timers here.
    undrained.remove(ctx.getCurrentKey());
    drain(ctx, out);
  }

  private void drain(Context ctx, Collector<LabeledSample> out) throws Exception {
    Iterable<LabeledSample> restored = buffer.get();
    if (restored != null) {
      restored.forEach(out::collect);
    }
    Long deadline = flushTimer.value();
    if (deadline != null) {
      ctx.timerService().deleteProcessingTimeTimer(deadline);
    }
    ctx.timerService().deleteEventTimeTimer(RESTORED_END_OF_INPUT);
    buffer.clear();
    bufferedCount.clear();
    flushTimer.clear();
  }
}
