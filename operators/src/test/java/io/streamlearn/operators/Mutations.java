package io.streamlearn.operators;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Spoils valid single-object encoded records at random, the ways a broken producer or a damaged log
 * would: flipped bits, truncation, a length prefix or item count claiming far more than the record
 * holds, a field written twice, fields or tails of another record spliced in, stray bytes. Seeded,
 * so a failure can be replayed.
 */
final class Mutations {

  /** {@code C3 01} and the 8-byte schema fingerprint. */
  private static final int HEADER_BYTES = 10;

  /**
   * Lengths and counts that made Avro fail or exhaust the heap: 2^35 and 2^40 (past Avro's 2^31 - 8
   * limit), 2,147,483,630 (under it: an array that size was allocated), and their neighbours.
   */
  private static final long[] HUGE =
      new long[] {
        1L << 35,
        1L << 40,
        2_147_483_630L,
        Integer.MAX_VALUE - 8,
        Integer.MAX_VALUE,
        1L << 31,
        Long.MAX_VALUE,
        Long.MIN_VALUE,
        -(1L << 35),
        -1,
        100_000_000
      };

  private final Random random;
  private final List<Encoded> valid;

  /**
   * @param records valid records to spoil
   * @param encode their single-object encoding
   */
  <T extends SpecificRecordBase> Mutations(long seed, List<T> records, Function<T, byte[]> encode) {
    this.random = new Random(seed);
    this.valid = new ArrayList<>(records.size());
    for (T record : records) {
      valid.add(new Encoded(encode.apply(record), fieldStarts(record)));
    }
  }

  /** One valid record spoiled in one of the ways above. */
  byte[] next() {
    Encoded record = pick();
    byte[] bytes = record.bytes;
    int field = random.nextInt(record.fieldStarts.length - 1);
    int start = record.fieldStarts[field];
    int end = record.fieldStarts[field + 1];
    return switch (random.nextInt(8)) {
      case 0 -> flipBits(bytes, 1 + random.nextInt(3));
      case 1 -> Arrays.copyOf(bytes, random.nextInt(bytes.length));
      case 2 -> replaceVarint(bytes, start, HUGE[random.nextInt(HUGE.length)]);
      case 3 -> replaceVarint(bytes, randomBodyPosition(bytes), HUGE[random.nextInt(HUGE.length)]);
      case 4 -> splice(bytes, end, end, Arrays.copyOfRange(bytes, start, end));
      case 5 -> splice(bytes, start, end, pick().field(field));
      case 6 -> tailOf(bytes, pick().bytes);
      default -> splice(bytes, bytes.length, bytes.length, randomBytes(1 + random.nextInt(8)));
    };
  }

  private Encoded pick() {
    return valid.get(random.nextInt(valid.size()));
  }

  private byte[] flipBits(byte[] bytes, int flips) {
    byte[] flipped = bytes.clone();
    for (int i = 0; i < flips; i++) {
      flipped[random.nextInt(flipped.length)] ^= (byte) (1 << random.nextInt(8));
    }
    return flipped;
  }

  /** The variable-length number at {@code at}, whatever it was, replaced by {@code value}. */
  private static byte[] replaceVarint(byte[] bytes, int at, long value) {
    int end = at;
    while (end < bytes.length - 1 && (bytes[end] & 0x80) != 0) {
      end++;
    }
    return splice(bytes, at, Math.min(end + 1, bytes.length), AvroBytes.varint(value));
  }

  /** The head of {@code first} up to a random body position, then {@code second} from another. */
  private byte[] tailOf(byte[] first, byte[] second) {
    int cut = randomBodyPosition(first);
    byte[] tail = Arrays.copyOfRange(second, randomBodyPosition(second), second.length);
    return splice(first, cut, first.length, tail);
  }

  private int randomBodyPosition(byte[] bytes) {
    return HEADER_BYTES + random.nextInt(bytes.length - HEADER_BYTES);
  }

  private byte[] randomBytes(int count) {
    byte[] bytes = new byte[count];
    random.nextBytes(bytes);
    return bytes;
  }

  /** {@code bytes} with {@code [from, to)} replaced by {@code insert}. */
  private static byte[] splice(byte[] bytes, int from, int to, byte[] insert) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length + insert.length);
    out.write(bytes, 0, from);
    out.writeBytes(insert);
    out.write(bytes, to, bytes.length - to);
    return out.toByteArray();
  }

  /**
   * Where each field's encoding starts in the single-object encoding, and where the record ends:
   * Avro writes a record as its fields' encodings one after another.
   */
  private static int[] fieldStarts(SpecificRecordBase record) {
    Schema schema = record.getSchema();
    SpecificData model = record.getSpecificData();
    int[] starts = new int[schema.getFields().size() + 1];
    starts[0] = HEADER_BYTES;
    for (Schema.Field field : schema.getFields()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
      try {
        new SpecificDatumWriter<Object>(field.schema(), model)
            .write(record.get(field.pos()), encoder);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      starts[field.pos() + 1] = starts[field.pos()] + out.size();
    }
    return starts;
  }

  private record Encoded(byte[] bytes, int[] fieldStarts) {

    byte[] field(int index) {
      int end = Math.min(fieldStarts[index + 1], bytes.length);
      return Arrays.copyOfRange(bytes, fieldStarts[index], end);
    }
  }
}
