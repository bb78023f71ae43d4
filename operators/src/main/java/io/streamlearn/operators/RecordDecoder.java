package io.streamlearn.operators;

import io.streamlearn.schemas.DeadLetterReason;
import io.streamlearn.schemas.WireCodec;
import io.streamlearn.schemas.WireFormatException;
import java.util.Optional;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.flink.util.function.SerializableSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns raw records of an input topic into records the job can use. A record that is too large,
 * cannot be decoded or does not fit the model never fails the job: it goes to the {@link
 * DeadLetters#TAG} side output with its bytes, origin and reason, is counted per reason (see {@link
 * DeadLetters}) and logged. Subclasses say which record type the topic holds, what makes one
 * unusable and how a decoded one names its key and sample.
 */
public abstract class RecordDecoder<T> extends ProcessFunction<SourceRecord, T> {

  private static final Logger LOG = LoggerFactory.getLogger(RecordDecoder.class);

  private final int maxRecordBytes;
  private final SerializableSupplier<WireCodec<T>> codecFactory;
  private final SerializableFunction<T, Optional<Rejection>> validator;
  private final SerializableFunction<T, String> keyOf;
  private final SerializableFunction<T, String> sampleIdOf;

  private transient WireCodec<T> codec;
  private transient DeadLetters deadLetters;

  /**
   * @param codecFactory makes the codec of the topic's record type, once per subtask
   * @param validator why a decoded record cannot be used, if it cannot
   * @param keyOf model key of a decoded record, for its dead letter
   * @param sampleIdOf sample id of a decoded record, for its dead letter
   */
  protected RecordDecoder(
      int maxRecordBytes,
      SerializableSupplier<WireCodec<T>> codecFactory,
      SerializableFunction<T, Optional<Rejection>> validator,
      SerializableFunction<T, String> keyOf,
      SerializableFunction<T, String> sampleIdOf) {
    this.maxRecordBytes = maxRecordBytes;
    this.codecFactory = codecFactory;
    this.validator = validator;
    this.keyOf = keyOf;
    this.sampleIdOf = sampleIdOf;
  }

  @Override
  public void open(OpenContext openContext) {
    codec = codecFactory.get();
    deadLetters = new DeadLetters(getRuntimeContext().getMetricGroup());
  }

  @Override
  public void processElement(SourceRecord record, Context ctx, Collector<T> out) {
    if (record.value != null && record.value.length > maxRecordBytes) {
      reject(record, null, tooLarge(record), ctx);
      return;
    }
    T decoded;
    try {
      decoded = codec.decode(record.value);
    } catch (WireFormatException e) {
      Rejection rejection =
          new Rejection(DeadLetterReason.valueOf(e.reason().name()), e.getMessage());
      reject(record, null, rejection, ctx);
      return;
    }
    Optional<Rejection> problem = validator.apply(decoded);
    if (problem.isPresent()) {
      reject(record, decoded, problem.get(), ctx);
    } else {
      out.collect(decoded);
    }
  }

  /** How many records this subtask rejected for the reason. */
  long rejectedCount(DeadLetterReason reason) {
    return deadLetters.count(reason);
  }

  private Rejection tooLarge(SourceRecord record) {
    return new Rejection(
        DeadLetterReason.RECORD_TOO_LARGE,
        "record of " + record.value.length + " bytes, the limit is " + maxRecordBytes);
  }

  private void reject(SourceRecord record, T decoded, Rejection rejection, Context ctx) {
    ctx.output(
        DeadLetters.TAG,
        deadLetters.of(
            record,
            rejection,
            decoded == null ? null : keyOf.apply(decoded),
            decoded == null ? null : sampleIdOf.apply(decoded),
            ctx.timerService().currentProcessingTime()));
    long count = deadLetters.count(rejection.reason());
    if (LogThrottle.shouldLog(count)) {
      LOG.warn(
          "Dead-lettering record {} ({}, {} so far): {}",
          record.origin(),
          rejection.reason(),
          count,
          rejection.message());
    }
  }
}
