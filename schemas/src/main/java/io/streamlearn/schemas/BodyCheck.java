package io.streamlearn.schemas;

import org.apache.avro.Schema;

/**
 * Walks a message body, in Avro binary encoding, against its writer schema without building
 * anything, and rejects it unless it is exactly one record of that schema.
 *
 * <p>Avro allocates a string, a bytes value or an array as large as its length prefix or item count
 * claims before it reads a byte of it, and throws {@link UnsupportedOperationException} past 2^31 -
 * 8: a 20-byte message claiming 2 billion items exhausts the heap. This walk checks every length
 * and count against the bytes left, every union branch and enum symbol against the schema, and that
 * the record ends where the message ends, so that Avro only ever reads what is really there and
 * never allocates much more than the message's own size.
 */
final class BodyCheck {

  /** Avro writes an int in at most 5 bytes of its variable-length zig-zag encoding. */
  private static final int MAX_INT_BYTES = 5;

  /** Avro writes a long, and every length and item count, in at most 10 bytes. */
  private static final int MAX_LONG_BYTES = 10;

  private final byte[] message;
  private int position;

  private BodyCheck(byte[] message, int bodyStart) {
    this.message = message;
    this.position = bodyStart;
  }

  /** Checks that {@code message}, from {@code bodyStart} on, is one record of {@code writer}. */
  static void check(Schema writer, byte[] message, int bodyStart) throws WireFormatException {
    BodyCheck body = new BodyCheck(message, bodyStart);
    body.value(writer, writer.getName());
    if (body.bytesLeft() > 0) {
      throw corrupt(body.bytesLeft() + " bytes left over after the record");
    }
  }

  /** Steps over one value; {@code field} names the record field it belongs to, for messages. */
  private void value(Schema schema, String field) throws WireFormatException {
    switch (schema.getType()) {
      case NULL -> {}
      case BOOLEAN -> skip(1, field);
      case INT -> readInt(field);
      case LONG -> readLong(field);
      case FLOAT -> skip(Float.BYTES, field);
      case DOUBLE -> skip(Double.BYTES, field);
      case FIXED -> skip(schema.getFixedSize(), field);
      case STRING, BYTES -> skip(length(field), field);
      case ENUM -> index(schema.getEnumSymbols().size(), "symbol", field);
      case UNION ->
          value(schema.getTypes().get(index(schema.getTypes().size(), "branch", field)), field);
      case RECORD -> {
        for (Schema.Field member : schema.getFields()) {
          value(member.schema(), member.name());
        }
      }
      case ARRAY -> blocks(schema.getElementType(), false, field);
      case MAP -> blocks(schema.getValueType(), true, field);
    }
  }

  /**
   * Steps over the blocks of an array or map. Every item takes at least one byte in Streamlearn's
   * schemas, so a block cannot hold more items than there are bytes left; checking that also bounds
   * this walk for items that would take none.
   */
  private void blocks(Schema items, boolean withKeys, String field) throws WireFormatException {
    for (long count = readLong(field); count != 0; count = readLong(field)) {
      if (count < 0) {
        // A negative count is followed by the block's size in bytes, which Avro reads and ignores.
        count = -count;
        readLong(field);
      }
      if (count < 0 || count > bytesLeft()) {
        throw corrupt(
            "field "
                + field
                + " claims a block of "
                + (count < 0 ? "2^63" : count)
                + " items, but only "
                + bytesLeft()
                + " bytes are left");
      }
      for (long item = 0; item < count; item++) {
        if (withKeys) {
          skip(length(field), field);
        }
        value(items, field);
      }
    }
  }

  private int length(String field) throws WireFormatException {
    long length = readLong(field);
    if (length < 0 || length > bytesLeft()) {
      throw corrupt(
          "field "
              + field
              + " claims a length of "
              + length
              + " bytes, but only "
              + bytesLeft()
              + " bytes are left");
    }
    return (int) length;
  }

  /** Reads a union branch or enum symbol index and checks it is one of the {@code count}. */
  private int index(int count, String what, String field) throws WireFormatException {
    int index = readInt(field);
    if (index < 0 || index >= count) {
      throw corrupt("field " + field + " names " + what + " " + index + " of " + count);
    }
    return index;
  }

  private void skip(int bytes, String field) throws WireFormatException {
    if (bytes > bytesLeft()) {
      throw endsIn(field);
    }
    position += bytes;
  }

  /** Zig-zag decoded, overflowing the way Avro's own int reader does. */
  private int readInt(String field) throws WireFormatException {
    int raw = (int) readVarint(MAX_INT_BYTES, field);
    return (raw >>> 1) ^ -(raw & 1);
  }

  private long readLong(String field) throws WireFormatException {
    long raw = readVarint(MAX_LONG_BYTES, field);
    return (raw >>> 1) ^ -(raw & 1);
  }

  private long readVarint(int maxBytes, String field) throws WireFormatException {
    long raw = 0;
    for (int read = 0; read < maxBytes; read++) {
      if (bytesLeft() == 0) {
        throw endsIn(field);
      }
      int next = message[position++] & 0xFF;
      raw |= (long) (next & 0x7F) << (7 * read);
      if (next < 0x80) {
        return raw;
      }
    }
    throw corrupt("field " + field + " holds a number longer than " + maxBytes + " bytes");
  }

  private int bytesLeft() {
    return message.length - position;
  }

  private static WireFormatException endsIn(String field) {
    return corrupt("the record ends in the middle of field " + field);
  }

  private static WireFormatException corrupt(String message) {
    return new WireFormatException(WireFormatException.Reason.CORRUPT_RECORD, message);
  }
}
