package io.streamlearn.operators;

import java.util.Arrays;
import java.util.Objects;

/**
 * One raw record as read from the samples topic: the undecoded value and where it came from, so
 * that a record which cannot be used can be reported (and dead-lettered) with its origin.
 *
 * <p>A Flink POJO: public no-argument constructor and public fields.
 */
public class SourceRecord {

  public String topic;
  public int partition;
  public long offset;
  public byte[] value;

  public SourceRecord() {}

  public SourceRecord(String topic, int partition, long offset, byte[] value) {
    this.topic = topic;
    this.partition = partition;
    this.offset = offset;
    this.value = value;
  }

  /** Where the record came from, for logs and error messages: {@code topic-partition@offset}. */
  public String origin() {
    return topic + "-" + partition + "@" + offset;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof SourceRecord)) {
      return false;
    }
    SourceRecord that = (SourceRecord) o;
    return partition == that.partition
        && offset == that.offset
        && Objects.equals(topic, that.topic)
        && Arrays.equals(value, that.value);
  }

  @Override
  public int hashCode() {
    return Objects.hash(topic, partition, offset) * 31 + Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return "SourceRecord{" + origin() + ", " + (value == null ? 0 : value.length) + " bytes}";
  }
}
