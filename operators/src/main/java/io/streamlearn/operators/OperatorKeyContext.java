package io.streamlearn.operators;

import io.streamlearn.schemas.Prediction;
import java.util.function.Supplier;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.operators.Output;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

/**
 * {@link KeyStep}'s view of a trainer operator, for the key that is current when it is called: what
 * the operator emits carries the timestamp last {@link #stamp stamped}.
 */
final class OperatorKeyContext implements KeyContext {

  private final Supplier<Object> currentKey;
  private final TimerService timers;
  private final Output<StreamRecord<Prediction>> output;

  /** Timestamp of what is emitted now: the input record's or the timer's; null for none. */
  private Long timestamp;

  OperatorKeyContext(
      Supplier<Object> currentKey, TimerService timers, Output<StreamRecord<Prediction>> output) {
    this.currentKey = currentKey;
    this.timers = timers;
    this.output = output;
  }

  /** Stamps what is emitted from now on; null for no timestamp. */
  void stamp(Long timestamp) {
    this.timestamp = timestamp;
  }

  /** The timestamp stamped last. */
  Long timestamp() {
    return timestamp;
  }

  @Override
  public String key() {
    return (String) currentKey.get();
  }

  @Override
  public TimerService timers() {
    return timers;
  }

  @Override
  public void predicted(Prediction prediction) {
    output.collect(record(prediction));
  }

  @Override
  public <T> void output(OutputTag<T> tag, T value) {
    output.collect(tag, record(value));
  }

  private <T> StreamRecord<T> record(T value) {
    return timestamp == null ? new StreamRecord<>(value) : new StreamRecord<>(value, timestamp);
  }
}
