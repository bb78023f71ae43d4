package io.streamlearn.operators;

/**
 * A key's stored state does not fit the network it is loaded into: it was written by another
 * network, so the configuration changed between the state's writing and its restoring.
 */
public final class KeyStateMismatchException extends IllegalStateException {

  KeyStateMismatchException(String message) {
    super(message);
  }

  KeyStateMismatchException(String message, Throwable cause) {
    super(message, cause);
  }
}
