package io.streamlearn.operators;

/**
 * Whether the n-th occurrence of a recurring problem deserves a log line: the first few in full,
 * then every 1000th, so that a flood of bad input or rolled-back steps cannot flood the logs while
 * the counters keep the exact numbers.
 */
final class LogThrottle {

  private static final int LOGGED_IN_FULL = 10;
  private static final int THEN_EVERY = 1000;

  private LogThrottle() {}

  static boolean shouldLog(long occurrence) {
    return occurrence <= LOGGED_IN_FULL || occurrence % THEN_EVERY == 0;
  }
}
