package io.streamlearn.operators.drift;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Page-Hinkley test (E. S. Page, "Continuous Inspection Schemes", Biometrika 41, 1954) for an
 * increase of the monitored mean, with the fading factor of Gama, Sebastião and Rodrigues (2013),
 * as MOA's PageHinkleyDM computes it: the cumulative deviation of the values from their running
 * mean, less a tolerated {@code delta}, is kept relative to its minimum as {@code s = max(0, alpha
 * * s + (x - mean - delta))}, and drift is signalled when {@code s} exceeds {@code threshold}.
 * After a detection the next value starts a new test.
 *
 * <p>Encoding, format version 1, big-endian: byte version, double delta, threshold, alpha, long
 * samples, double mean, double sum, byte 1 if the last value was a detection.
 */
public final class PageHinkley implements DriftDetector {

  public static final double DEFAULT_DELTA = 0.005;

  /**
   * Twice MOA's 50. On 0/1 errors, 50 raises false alarms on stationary streams: in 50 streams of
   * 50,000 values each, 0.06 alarms per stream at an error rate of 0.1 and 1.1 at 0.4 (the rate
   * after the abrupt drift of the tests); 100 raised none at either, and detects the tests' drifts
   * about 200 (abrupt) to 400 (gradual) values later than 50.
   */
  public static final double DEFAULT_THRESHOLD = 100;

  public static final double DEFAULT_ALPHA = 1 - 0.0001;

  static final byte FORMAT_VERSION = 1;

  /** No detection before this many values: the running mean means little before. */
  private static final int WARM_UP = 30;

  private static final int ENCODED_BYTES = 1 + 3 * Double.BYTES + Long.BYTES + 2 * Double.BYTES + 1;

  private final double delta;
  private final double threshold;
  private final double alpha;

  private long samples;
  private double mean;
  private double sum;
  private boolean detected;

  public PageHinkley() {
    this(DEFAULT_DELTA, DEFAULT_THRESHOLD, DEFAULT_ALPHA);
  }

  /**
   * @param delta magnitude of increase tolerated per value
   * @param threshold (lambda) how far the cumulative deviation may rise above its minimum
   * @param alpha fading factor of the cumulative deviation, 1 for none
   */
  public PageHinkley(double delta, double threshold, double alpha) {
    this.delta = delta;
    this.threshold = threshold;
    this.alpha = alpha;
  }

  @Override
  public boolean add(double value) {
    if (detected) {
      reset();
    }
    samples++;
    mean += (value - mean) / samples;
    sum = Math.max(0, alpha * sum + (value - mean - delta));
    detected = samples >= WARM_UP && sum > threshold;
    return detected;
  }

  @Override
  public Map<String, Double> statistics() {
    Map<String, Double> statistics = new LinkedHashMap<>();
    statistics.put("samples", (double) samples);
    statistics.put("mean", mean);
    statistics.put("sum", sum);
    statistics.put("delta", delta);
    statistics.put("threshold", threshold);
    statistics.put("alpha", alpha);
    return statistics;
  }

  @Override
  public void reset() {
    samples = 0;
    mean = 0;
    sum = 0;
    detected = false;
  }

  @Override
  public byte[] encode() {
    return ByteBuffer.allocate(ENCODED_BYTES)
        .put(FORMAT_VERSION)
        .putDouble(delta)
        .putDouble(threshold)
        .putDouble(alpha)
        .putLong(samples)
        .putDouble(mean)
        .putDouble(sum)
        .put((byte) (detected ? 1 : 0))
        .array();
  }

  public static PageHinkley decode(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    DetectorFormat.checkVersion(in, FORMAT_VERSION, "Page-Hinkley");
    PageHinkley detector = new PageHinkley(in.getDouble(), in.getDouble(), in.getDouble());
    detector.samples = in.getLong();
    detector.mean = in.getDouble();
    detector.sum = in.getDouble();
    detector.detected = in.get() == 1;
    return detector;
  }
}
