package io.streamlearn.operators.drift;

import java.util.Map;

/**
 * Watches a stream of values (a model's 0/1 errors or losses, one per labeled prediction) and says
 * when their mean has changed. Checkpoints and savepoints hold a detector as the bytes of {@link
 * #encode()}, whose first byte is the format version; each implementation decodes its own.
 */
public interface DriftDetector {

  /** Takes the next value; true when drift is detected at this value. */
  boolean add(double value);

  /**
   * What the detector currently estimates, by name; after {@link #add} returned true, the state at
   * the detection.
   */
  Map<String, Double> statistics();

  byte[] encode();

  /** Forgets every value, as if newly created with the same parameters. */
  void reset();
}
