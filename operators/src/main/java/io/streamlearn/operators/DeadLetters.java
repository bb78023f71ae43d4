package io.streamlearn.operators;

import io.streamlearn.schemas.DeadLetter;
import io.streamlearn.schemas.DeadLetterReason;
import io.streamlearn.schemas.LabeledSample;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.util.OutputTag;

/**
 * The side output every operator sends unusable records to, and the one place an operator makes
 * them: each dead letter made is counted by reason, so every producer of dead letters reports them
 * the same way.
 *
 * <p>The counters are {@code deadLetters.reason.<REASON>.count} in the operator's metric group:
 * {@code reason} is a key/value group, which Prometheus exports as a label, so one series per
 * reason and operator sums up to all dead letters. Every reason is registered up front, so a reason
 * that never occurred reads 0 rather than being absent.
 */
public final class DeadLetters {

  public static final OutputTag<DeadLetter> TAG =
      new OutputTag<>("dead-letters", new AvroTypeInfo<>(DeadLetter.class));

  private final Map<DeadLetterReason, Counter> made = new EnumMap<>(DeadLetterReason.class);

  /** Registers a counter per reason in {@code operatorMetrics}; call it in {@code open()}. */
  DeadLetters(MetricGroup operatorMetrics) {
    MetricGroup group = operatorMetrics.addGroup("deadLetters");
    for (DeadLetterReason reason : DeadLetterReason.values()) {
      made.put(reason, group.addGroup("reason", reason.name()).counter("count"));
    }
  }

  /**
   * A record from an input topic that could not be used; {@code key} and {@code sampleId} are null
   * when it could not be decoded.
   */
  DeadLetter of(SourceRecord record, Rejection rejection, String key, String sampleId, long now) {
    count(rejection);
    return DeadLetter.newBuilder()
        .setReason(rejection.reason())
        .setMessage(rejection.message())
        .setValue(ByteBuffer.wrap(record.value == null ? new byte[0] : record.value))
        .setSourceTopic(record.topic)
        .setSourcePartition(record.partition)
        .setSourceOffset(record.offset)
        .setKey(key)
        .setSampleId(sampleId)
        .setRejectedAt(Instant.ofEpochMilli(now))
        .build();
  }

  /** A decoded sample that could not be used; {@code encoded} is its single-object encoding. */
  DeadLetter of(LabeledSample sample, byte[] encoded, Rejection rejection, long now) {
    return of(encoded, sample.getKey(), sample.getId(), rejection, now);
  }

  /** A decoded record that could not be used; {@code encoded} is its single-object encoding. */
  DeadLetter of(byte[] encoded, String key, String sampleId, Rejection rejection, long now) {
    count(rejection);
    return DeadLetter.newBuilder()
        .setReason(rejection.reason())
        .setMessage(rejection.message())
        .setValue(ByteBuffer.wrap(encoded))
        .setKey(key)
        .setSampleId(sampleId)
        .setRejectedAt(Instant.ofEpochMilli(now))
        .build();
  }

  /** How many dead letters of the reason this operator instance has made. */
  long count(DeadLetterReason reason) {
    return made.get(reason).getCount();
  }

  private void count(Rejection rejection) {
    made.get(rejection.reason()).inc();
  }
}
