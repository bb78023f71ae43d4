package io.streamlearn.schemas;

/**
 * A message that cannot be decoded, with a reason code that says why. It carries no stack trace:
 * the fault is in the bytes, not in the code, and a flood of bad records should cost no more than
 * the records themselves.
 */
public final class WireFormatException extends Exception {

  /** Why a message could not be decoded. */
  public enum Reason {
    /** The bytes do not start with the single-object marker {@code C3 01}. */
    NOT_SINGLE_OBJECT,
    /** The writer schema's fingerprint is neither the current schema nor a known older version. */
    UNKNOWN_SCHEMA,
    /** The header is fine but the body is truncated or does not match the schema. */
    CORRUPT_RECORD
  }

  private final Reason reason;

  public WireFormatException(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
