package io.streamlearn.operators.drift;

import java.nio.ByteBuffer;

/** What every detector's encoding shares: the format version in the first byte. */
final class DetectorFormat {

  private DetectorFormat() {}

  /** Reads the version byte and rejects any but {@code expected}. */
  static void checkVersion(ByteBuffer in, byte expected, String detector) {
    byte version = in.get();
    if (version != expected) {
      throw new IllegalArgumentException(
          "unknown " + detector + " format version " + version + ", expected " + expected);
    }
  }
}
