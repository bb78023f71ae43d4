package io.streamlearn.operators;

import io.streamlearn.schemas.DeadLetter;
import io.streamlearn.schemas.DeadLetterReason;
import io.streamlearn.schemas.LabeledSample;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Locale;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.util.OutputTag;

/** The side output every operator sends unusable records to, and how those records are made. */
public final class DeadLetters {

  public static final OutputTag<DeadLetter> TAG =
      new OutputTag<>("dead-letters", new AvroTypeInfo<>(DeadLetter.class));

  private DeadLetters() {}

  /**
   * A record from an input topic that could not be used; {@code key} and {@code sampleId} are null
   * when it could not be decoded.
   */
  static DeadLetter of(
      SourceRecord record, Rejection rejection, String key, String sampleId, long now) {
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
  static DeadLetter of(LabeledSample sample, byte[] encoded, Rejection rejection, long now) {
    return of(encoded, sample.getKey(), sample.getId(), rejection, now);
  }

  /** A decoded record that could not be used; {@code encoded} is its single-object encoding. */
  static DeadLetter of(byte[] encoded, String key, String sampleId, Rejection rejection, long now) {
    return DeadLetter.newBuilder()
        .setReason(rejection.reason())
        .setMessage(rejection.message())
        .setValue(ByteBuffer.wrap(encoded))
        .setKey(key)
        .setSampleId(sampleId)
        .setRejectedAt(Instant.ofEpochMilli(now))
        .build();
  }

  /** Metric name of a reason's counter, e.g. {@code deadLettersNotSingleObject}. */
  static String counterName(DeadLetterReason reason) {
    StringBuilder name = new StringBuilder("deadLetters");
    for (String word : reason.name().split("_")) {
      name.append(word.charAt(0)).append(word.substring(1).toLowerCase(Locale.ROOT));
    }
    return name.toString();
  }
}
