package io.streamlearn.e2e;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;

/** Polls a condition about another process, which needs time to come true. */
final class Await {

  private static final Duration POLL_INTERVAL = Duration.ofMillis(250);

  /** A condition that may fail to be checked with an I/O error, such as a refused connection. */
  @FunctionalInterface
  interface Probe {
    boolean holds() throws IOException, InterruptedException;
  }

  private Await() {}

  /**
   * Whether the probe held within the timeout. An {@link IOException} counts as "not yet": the
   * service being probed may still be starting. Other exceptions end the wait.
   */
  static boolean until(Duration timeout, Probe probe) throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (true) {
      try {
        if (probe.holds()) {
          return true;
        }
      } catch (IOException notYet) {
        // Checked again after the interval.
      }
      if (Instant.now().isAfter(deadline)) {
        return false;
      }
      Thread.sleep(POLL_INTERVAL.toMillis());
    }
  }
}
