package io.streamlearn.operators.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class RecordRingTest {

  /** A long and an int per record: the ring's arrays then hold a record count that is not 2^k. */
  private static final int WIDTH = Long.BYTES + Integer.BYTES;

  private static final int MANY = 3 * RecordRing.CHUNK_RECORDS + 1_000;

  @Test
  void keepsRecordsInOrderAsItWrapsAroundAndGrowsAcrossArrays() {
    RecordRing ring = new RecordRing(WIDTH, 16);
    List<Long> expected = new ArrayList<>();
    // Dropping one record for every two appended makes the ring wrap around before each growth.
    for (long n = 0; n < 4 * MANY; n++) {
      append(ring, n);
      expected.add(n);
      if (n % 2 == 1) {
        ring.dropOldest();
        expected.remove(0);
      }
    }

    assertThat(ring.slots()).isGreaterThan(2 * RecordRing.CHUNK_RECORDS);
    assertThat(records(ring)).containsExactlyElementsOf(expected);
    assertThat(encoded(ring)).containsExactlyElementsOf(expected);
  }

  @Test
  void readsBackWhatItWroteToAStreamOrABuffer() throws IOException {
    RecordRing ring = wrappedRing(MANY);
    ByteBuffer buffer = ByteBuffer.allocate(ring.size() * WIDTH);
    ring.writeTo(buffer);
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    ring.writeTo(new DataOutputStream(stream));

    assertThat(stream.toByteArray()).isEqualTo(buffer.array());
    RecordRing read = RecordRing.readFrom(ByteBuffer.wrap(buffer.array()), WIDTH, ring.size());
    assertThat(records(read)).containsExactlyElementsOf(records(ring));
    assertThat(read.slots()).isGreaterThan(ring.size());
  }

  @Test
  void eachSideOfACopyGoesOnAloneWithoutChangingTheOther() {
    RecordRing original = wrappedRing(MANY);
    List<Long> before = records(original);

    RecordRing copy = original.copy();
    for (long n = 0; n < RecordRing.CHUNK_RECORDS + 10; n++) {
      copy.dropOldest();
      append(copy, -1 - n);
    }

    assertThat(records(original)).containsExactlyElementsOf(before);
    List<Long> copied = records(copy);
    assertThat(copied.subList(0, MANY - RecordRing.CHUNK_RECORDS - 10))
        .containsExactlyElementsOf(before.subList(RecordRing.CHUNK_RECORDS + 10, MANY));
    assertThat(copied.get(MANY - 1)).isEqualTo(-RecordRing.CHUNK_RECORDS - 10L);

    // The original too may still be written: it copies the arrays it writes to as well.
    append(original, 1_000_000);
    assertThat(records(copy)).containsExactlyElementsOf(copied);
    assertThat(records(original).subList(0, MANY)).containsExactlyElementsOf(before);
  }

  @Test
  void aCopyTakesNoCopyOfTheRecordsUntilItWritesToThem() {
    // Room for more: a full ring grows at its next append, copying every record.
    RecordRing ring = wrappedRing(20 * RecordRing.CHUNK_RECORDS - 100);
    long recordBytes = (long) ring.size() * WIDTH;
    ring.copy(); // the first call loads and compiles what it runs

    long beforeCopy = allocatedBytes();
    RecordRing copy = ring.copy();
    long copying = allocatedBytes() - beforeCopy;
    append(copy, -1);
    long firstAppend = allocatedBytes() - beforeCopy - copying;

    assertThat(copying).isLessThan(recordBytes / 100);
    // The one array the new record goes into, and not much more.
    assertThat(firstAppend)
        .isBetween((long) RecordRing.CHUNK_RECORDS * WIDTH, 2L * RecordRing.CHUNK_RECORDS * WIDTH);
  }

  /** A ring of {@code size} records 0, 1, ... whose oldest is not in its first slot. */
  private static RecordRing wrappedRing(int size) {
    RecordRing ring = new RecordRing(WIDTH, size);
    for (long n = 0; n < size + size / 3; n++) {
      if (ring.size() == size) {
        ring.dropOldest();
      }
      append(ring, n);
    }
    assertThat(ring.offset(0)).isNotZero();
    return ring;
  }

  private static void append(RecordRing ring, long n) {
    int at = ring.append();
    ring.putLong(at, n).putInt(at + Long.BYTES, (int) n);
  }

  /** The records, oldest first, read where {@link RecordRing#offset} says they are. */
  private static List<Long> records(RecordRing ring) {
    List<Long> records = new ArrayList<>(ring.size());
    for (int age = 0; age < ring.size(); age++) {
      long n = ring.getLong(ring.offset(age));
      assertThat(ring.getInt(ring.offset(age) + Long.BYTES)).isEqualTo((int) n);
      records.add(n);
    }
    return records;
  }

  /** The records, oldest first, as the ring's encoding has them. */
  private static List<Long> encoded(RecordRing ring) {
    ByteBuffer bytes = ByteBuffer.allocate(ring.size() * WIDTH);
    ring.writeTo(bytes);
    bytes.flip();
    return LongStream.range(0, ring.size())
        .mapToObj(age -> bytes.getLong((int) age * WIDTH))
        .toList();
  }

  private static long allocatedBytes() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
        .getCurrentThreadAllocatedBytes();
  }
}
