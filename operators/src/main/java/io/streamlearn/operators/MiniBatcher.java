package io.streamlearn.operators;

import io.streamlearn.schemas.LabeledSample;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Groups each key's samples into mini-batches: a batch is emitted when it holds {@code batchSize}
 * samples, or {@code maxDelay} (processing time) after its first sample arrived, whichever comes
 * first, and when the input ends. The open batch lives in keyed state, so a restart from a
 * checkpoint loses none of it.
 *
 * <p>With {@code maxDelay} zero, batches are cut by count only: batch boundaries then depend on
 * nothing but the order of a key's samples, which keeps training reproducible across restarts.
 */
public class MiniBatcher extends KeyedProcessFunction<String, LabeledSample, List<LabeledSample>> {

  /**
   * Registered with the first sample of a batch; fires when the end of input brings the final
   * watermark.
   */
  private static final long END_OF_INPUT = Long.MAX_VALUE;

  private final int batchSize;
  private final long maxDelayMillis;

  private transient ListState<LabeledSample> buffer;
  private transient ValueState<Integer> bufferedCount;
  private transient ValueState<Long> flushTimer;

  public MiniBatcher(int batchSize, Duration maxDelay) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
    }
    this.batchSize = batchSize;
    this.maxDelayMillis = maxDelay.toMillis();
  }

  static ListStateDescriptor<LabeledSample> bufferDescriptor() {
    return new ListStateDescriptor<>("batch-buffer", new AvroTypeInfo<>(LabeledSample.class));
  }

  static ValueStateDescriptor<Integer> countDescriptor() {
    return new ValueStateDescriptor<>("batch-count", Types.INT);
  }

  static ValueStateDescriptor<Long> timerDescriptor() {
    return new ValueStateDescriptor<>("batch-flush-timer", Types.LONG);
  }

  @Override
  public void open(OpenContext openContext) {
    buffer = getRuntimeContext().getListState(bufferDescriptor());
    bufferedCount = getRuntimeContext().getState(countDescriptor());
    flushTimer = getRuntimeContext().getState(timerDescriptor());
  }

  @Override
  public void processElement(LabeledSample sample, Context ctx, Collector<List<LabeledSample>> out)
      throws Exception {
    buffer.add(sample);
    int count = bufferedCount.value() == null ? 1 : bufferedCount.value() + 1;
    if (count == 1) {
      ctx.timerService().registerEventTimeTimer(END_OF_INPUT);
      if (maxDelayMillis > 0) {
        long deadline = ctx.timerService().currentProcessingTime() + maxDelayMillis;
        ctx.timerService().registerProcessingTimeTimer(deadline);
        flushTimer.update(deadline);
      }
    }
    if (count >= batchSize) {
      flush(ctx, out);
    } else {
      bufferedCount.update(count);
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<List<LabeledSample>> out)
      throws Exception {
    boolean endOfInput = ctx.timeDomain() == TimeDomain.EVENT_TIME;
    Long deadline = flushTimer.value();
    if (endOfInput || (deadline != null && deadline == timestamp)) {
      flush(ctx, out);
    }
  }

  private void flush(Context ctx, Collector<List<LabeledSample>> out) throws Exception {
    List<LabeledSample> batch = new ArrayList<>(batchSize);
    for (LabeledSample sample : buffer.get()) {
      batch.add(sample);
    }
    Long deadline = flushTimer.value();
    if (deadline != null) {
      ctx.timerService().deleteProcessingTimeTimer(deadline);
    }
    ctx.timerService().deleteEventTimeTimer(END_OF_INPUT);
    buffer.clear();
    bufferedCount.clear();
    flushTimer.clear();
    if (!batch.isEmpty()) {
      out.collect(batch);
    }
  }
}
