package io.streamlearn.operators;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.avro.io.BinaryData;

/** Pieces of Avro binary encoding, to write records by hand that no Avro writer would. */
final class AvroBytes {

  private AvroBytes() {}

  /** The zig-zag variable-length encoding of a long, as length prefixes and counts use. */
  static byte[] varint(long value) {
    byte[] buffer = new byte[10];
    return Arrays.copyOf(buffer, BinaryData.encodeLong(value, buffer, 0));
  }

  static byte[] string(String value) {
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    return concat(varint(utf8.length), utf8);
  }

  static byte[] concat(byte[]... pieces) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] piece : pieces) {
      out.writeBytes(piece);
    }
    return out.toByteArray();
  }
}
