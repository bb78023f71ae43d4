package io.streamlearn.operators.evaluation;

import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A ring buffer of fixed-width binary records in one byte array, oldest first. A window's memory is
 * then its records and nothing per record besides, and encoding it is an array copy.
 */
final class RecordRing {

  private final int width;
  private ByteBuffer records;
  private int head;
  private int size;

  /** Bytes of each record. */
  int width() {
    return width;
  }

  RecordRing(int width, int capacity) {
    this.width = width;
    this.records = ByteBuffer.allocate(width * Math.max(capacity, 1));
  }

  int size() {
    return size;
  }

  /** A ring of its own with the same records in the same slots. */
  RecordRing copy() {
    RecordRing copy = new RecordRing(width, 0);
    copy.records = ByteBuffer.wrap(records.array().clone());
    copy.head = head;
    copy.size = size;
    return copy;
  }

  /** The records, for absolute reads and writes at the offsets this ring hands out. */
  ByteBuffer records() {
    return records;
  }

  /** Byte offset of the record {@code age} places after the oldest. */
  int offset(int age) {
    return (head + age) % capacity() * width;
  }

  /** Makes room for one more record as the newest and returns its offset. */
  int append() {
    if (size == capacity()) {
      grow();
    }
    size++;
    return offset(size - 1);
  }

  void dropOldest() {
    head = (head + 1) % capacity();
    size--;
  }

  /** Writes the records oldest first, {@code width} bytes each. */
  void writeTo(ByteBuffer out) {
    int first = recordsUpToTheEnd();
    out.put(records.array(), head * width, first * width);
    out.put(records.array(), 0, (size - first) * width);
  }

  /** {@link #writeTo(ByteBuffer)}, to a stream. */
  void writeTo(DataOutput out) throws IOException {
    int first = recordsUpToTheEnd();
    out.write(records.array(), head * width, first * width);
    out.write(records.array(), 0, (size - first) * width);
  }

  /** How many records, from the oldest, lie before the end of the array: the rest wrap around. */
  private int recordsUpToTheEnd() {
    return Math.min(size, capacity() - head);
  }

  /**
   * Reads {@code size} records as {@link #writeTo} wrote them, with room for one more: the usual
   * next step after decoding is a single append.
   */
  static RecordRing readFrom(ByteBuffer in, int width, int size) {
    RecordRing ring = new RecordRing(width, size + 1);
    in.get(ring.records.array(), 0, size * width);
    ring.size = size;
    return ring;
  }

  private int capacity() {
    return records.capacity() / width;
  }

  private void grow() {
    ByteBuffer grown = ByteBuffer.allocate(records.capacity() * 2);
    writeTo(grown);
    records = grown;
    head = 0;
  }
}
