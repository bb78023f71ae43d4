package io.streamlearn.operators.evaluation;

import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A ring buffer of fixed-width binary records, oldest first, in byte arrays of up to {@value
 * #CHUNK_RECORDS} records each. A window's memory is then its records and nothing per record
 * besides, and encoding it is a few array copies.
 *
 * <p>A {@link #copy()} shares the arrays, and each ring copies an array before its first write to
 * it. The heap state backend copies a window that changes while a checkpoint holds it, on the
 * task's thread: a whole-job window of two million outcomes took 15 to 18 ms to copy at every
 * checkpoint when the copy was of its records (50 MB), and the key windows copied on the trainer's
 * thread held up its predictions (bench/README.md, latency). Now the copy is of the array
 * references, and the live window copies an array only when an outcome comes into it: the records
 * it writes anyway.
 *
 * <p>Records are addressed by byte offsets in one virtual array of {@link #slots()} records, as
 * {@link #offset} and {@link #append} hand them out; a record never spans two arrays.
 */
final class RecordRing {

  /** Records per array once a ring outgrows one array of its own size: 100 KB at 25 bytes. */
  static final int CHUNK_RECORDS = 4096;

  private final int width;
  private int chunkRecords;
  private int chunkBytes;
  private ByteBuffer[] chunks;

  /** By chunk: whether another ring may read it, so that this one copies it before writing. */
  private boolean[] shared;

  private int head;
  private int size;

  RecordRing(int width, int capacity) {
    this(width, slotsFor(capacity), new ByteBuffer[0]);
  }

  private RecordRing(int width, int slots, ByteBuffer[] from) {
    this.width = width;
    this.chunkRecords = Math.min(slots, CHUNK_RECORDS);
    this.chunkBytes = chunkRecords * width;
    this.chunks = Arrays.copyOf(from, slots / chunkRecords);
    this.shared = new boolean[chunks.length];
    for (int chunk = from.length; chunk < chunks.length; chunk++) {
      chunks[chunk] = ByteBuffer.allocate(chunkBytes);
    }
  }

  /**
   * At least {@code capacity} slots and at least one: all in one array up to {@value
   * #CHUNK_RECORDS}, else whole arrays of that many.
   */
  private static int slotsFor(int capacity) {
    int slots = Math.max(capacity, 1);
    return slots <= CHUNK_RECORDS
        ? slots
        : Math.multiplyExact((slots + CHUNK_RECORDS - 1) / CHUNK_RECORDS, CHUNK_RECORDS);
  }

  /** Bytes of each record. */
  int width() {
    return width;
  }

  int size() {
    return size;
  }

  /** Records the ring holds before it grows; offsets over {@link #width()} are below it. */
  int slots() {
    return chunks.length * chunkRecords;
  }

  /**
   * A ring of its own with the same records in the same slots. It shares this ring's arrays until
   * either ring writes to one.
   */
  RecordRing copy() {
    RecordRing copy = new RecordRing(width, slots(), chunks);
    copy.head = head;
    copy.size = size;
    Arrays.fill(shared, true);
    Arrays.fill(copy.shared, true);
    return copy;
  }

  /** Byte offset of the record {@code age} places after the oldest. */
  int offset(int age) {
    return (head + age) % slots() * width;
  }

  /**
   * Makes room for one more record as the newest and returns its offset, in an array of this ring's
   * own.
   */
  int append() {
    if (size == slots()) {
      grow();
    }
    size++;
    int at = offset(size - 1);
    int chunk = at / chunkBytes;
    if (shared[chunk]) {
      chunks[chunk] = ByteBuffer.wrap(chunks[chunk].array().clone());
      shared[chunk] = false;
    }
    return at;
  }

  void dropOldest() {
    head = (head + 1) % slots();
    size--;
  }

  long getLong(int at) {
    return chunkAt(at).getLong(at % chunkBytes);
  }

  int getInt(int at) {
    return chunkAt(at).getInt(at % chunkBytes);
  }

  float getFloat(int at) {
    return chunkAt(at).getFloat(at % chunkBytes);
  }

  double getDouble(int at) {
    return chunkAt(at).getDouble(at % chunkBytes);
  }

  byte get(int at) {
    return chunkAt(at).get(at % chunkBytes);
  }

  /** Writes go to the record {@link #append()} returned last, in an array of this ring's own. */
  RecordRing putLong(int at, long value) {
    chunkAt(at).putLong(at % chunkBytes, value);
    return this;
  }

  RecordRing putInt(int at, int value) {
    chunkAt(at).putInt(at % chunkBytes, value);
    return this;
  }

  RecordRing putFloat(int at, float value) {
    chunkAt(at).putFloat(at % chunkBytes, value);
    return this;
  }

  RecordRing putDouble(int at, double value) {
    chunkAt(at).putDouble(at % chunkBytes, value);
    return this;
  }

  RecordRing put(int at, byte value) {
    chunkAt(at).put(at % chunkBytes, value);
    return this;
  }

  /** Writes the records oldest first, {@code width} bytes each. */
  void writeTo(ByteBuffer out) {
    writeRuns(out::put);
  }

  /** {@link #writeTo(ByteBuffer)}, to a stream. */
  void writeTo(DataOutput out) throws IOException {
    writeRuns(out::write);
  }

  /**
   * Reads {@code size} records as {@link #writeTo} wrote them, with room for one more: the usual
   * next step after decoding is a single append.
   */
  static RecordRing readFrom(ByteBuffer in, int width, int size) {
    RecordRing ring = new RecordRing(width, size + 1);
    for (int chunk = 0; chunk * ring.chunkRecords < size; chunk++) {
      int records = Math.min(ring.chunkRecords, size - chunk * ring.chunkRecords);
      in.get(ring.chunks[chunk].array(), 0, records * width);
    }
    ring.size = size;
    return ring;
  }

  private ByteBuffer chunkAt(int at) {
    return chunks[at / chunkBytes];
  }

  /** Where {@link #writeRuns} puts each run of records that lie side by side in one array. */
  private interface RunSink<E extends Exception> {
    void write(byte[] bytes, int from, int length) throws E;
  }

  /** Hands the records to {@code out} oldest first, in runs of whole records. */
  private <E extends Exception> void writeRuns(RunSink<E> out) throws E {
    int slot = head;
    for (int left = size; left > 0; ) {
      int within = slot % chunkRecords;
      int run = Math.min(left, chunkRecords - within);
      out.write(chunks[slot / chunkRecords].array(), within * width, run * width);
      left -= run;
      slot = (slot + run) % slots();
    }
  }

  /** Appends whole records to a ring that has not wrapped around: for {@link #grow()}. */
  private void appendRecords(byte[] bytes, int from, int length) {
    while (length > 0) {
      int at = size * width;
      int bytesHere = Math.min(length, chunkBytes - at % chunkBytes);
      System.arraycopy(bytes, from, chunks[at / chunkBytes].array(), at % chunkBytes, bytesHere);
      size += bytesHere / width;
      from += bytesHere;
      length -= bytesHere;
    }
  }

  /** Twice the slots, the records oldest first in new arrays of this ring's own. */
  private void grow() {
    RecordRing grown = new RecordRing(width, Math.multiplyExact(slots(), 2));
    writeRuns(grown::appendRecords);
    chunkRecords = grown.chunkRecords;
    chunkBytes = grown.chunkBytes;
    chunks = grown.chunks;
    shared = grown.shared;
    head = 0;
  }
}
