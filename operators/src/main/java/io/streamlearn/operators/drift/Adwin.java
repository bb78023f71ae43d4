package io.streamlearn.operators.drift;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * ADWIN, adaptive windowing: A. Bifet and R. Gavaldà, "Learning from Time-Changing Data with
 * Adaptive Windowing", SIAM International Conference on Data Mining (SDM) 2007, as its ADWIN2 with
 * exponential histogram buckets and with the cut test of the authors' MOA implementation.
 *
 * <p>The window keeps every value since the last change, compressed into buckets: row {@code r}
 * holds up to {@value #BUCKETS_PER_ROW} buckets of {@code 2^r} values each (their sum and the sum
 * of squared deviations from their mean), so memory grows with the logarithm of the window. Every
 * {@value #CHECK_EVERY} values, every split of the window at a bucket boundary into an older and a
 * newer part is tested; while the parts' means differ by more than the bound that {@code delta}
 * sets, the oldest bucket is dropped.
 *
 * <p>Drift is reported when the window was cut and its mean rose, like MOA's ADWIN change detector:
 * the value is an error, and an error that falls (a young model learning) is no alarm.
 *
 * <p>Encoding, format version 1, big-endian: byte version, double delta, int values since the last
 * check, long width, double total, double sum of squared deviations, int rows, then per row (newest
 * row, of single values, first) int bucket count and that many pairs of double sum and double sum
 * of squared deviations, oldest first.
 */
public final class Adwin implements DriftDetector {

  public static final double DEFAULT_DELTA = 0.002;

  static final byte FORMAT_VERSION = 1;

  /** Buckets of one size kept before the two oldest merge (M in the paper). */
  private static final int BUCKETS_PER_ROW = 5;

  /** A row holds one bucket more than it keeps for the moment before its two oldest merge. */
  private static final int ROW_SLOTS = BUCKETS_PER_ROW + 1;

  /** Values between cut tests: testing every split of the window is what costs. */
  private static final int CHECK_EVERY = 32;

  /** Neither part of a cut may hold fewer values than this, plus one. */
  private static final int MIN_PART = 5;

  /** No test before the window holds more values than this. */
  private static final int MIN_WIDTH_TO_CHECK = 10;

  private final double delta;

  private double[] bucketSums;
  private double[] bucketDeviations;
  private int[] rowSizes;
  private int rows;
  private long width;
  private double total;
  private double deviations;
  private int sinceCheck;

  public Adwin() {
    this(DEFAULT_DELTA);
  }

  /**
   * @param delta confidence: the bound on the chance of a false cut at a test
   */
  public Adwin(double delta) {
    this.delta = delta;
    reset();
  }

  @Override
  public boolean add(double value) {
    insert(value);
    sinceCheck = (sinceCheck + 1) % CHECK_EVERY;
    if (sinceCheck != 0 || width <= MIN_WIDTH_TO_CHECK) {
      return false;
    }
    double meanBefore = mean();
    boolean cut = false;
    while (hasCut()) {
      dropOldestBucket();
      cut = true;
    }
    return cut && mean() > meanBefore;
  }

  /** Values in the window: those since the last change. */
  public long width() {
    return width;
  }

  public double mean() {
    return width == 0 ? 0 : total / width;
  }

  @Override
  public Map<String, Double> statistics() {
    Map<String, Double> statistics = new LinkedHashMap<>();
    statistics.put("width", (double) width);
    statistics.put("mean", mean());
    statistics.put("variance", variance());
    statistics.put("delta", delta);
    return statistics;
  }

  @Override
  public void reset() {
    bucketSums = new double[ROW_SLOTS];
    bucketDeviations = new double[ROW_SLOTS];
    rowSizes = new int[1];
    rows = 0;
    width = 0;
    total = 0;
    deviations = 0;
    sinceCheck = 0;
  }

  @Override
  public byte[] encode() {
    int buckets = 0;
    for (int row = 0; row < rows; row++) {
      buckets += rowSizes[row];
    }
    ByteBuffer out =
        ByteBuffer.allocate(
            1
                + Double.BYTES
                + Integer.BYTES
                + Long.BYTES
                + 2 * Double.BYTES
                + Integer.BYTES
                + rows * Integer.BYTES
                + buckets * 2 * Double.BYTES);
    out.put(FORMAT_VERSION)
        .putDouble(delta)
        .putInt(sinceCheck)
        .putLong(width)
        .putDouble(total)
        .putDouble(deviations)
        .putInt(rows);
    for (int row = 0; row < rows; row++) {
      out.putInt(rowSizes[row]);
      for (int k = 0; k < rowSizes[row]; k++) {
        out.putDouble(bucketSums[slot(row, k)]).putDouble(bucketDeviations[slot(row, k)]);
      }
    }
    return out.array();
  }

  public static Adwin decode(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    DetectorFormat.checkVersion(in, FORMAT_VERSION, "ADWIN");
    Adwin adwin = new Adwin(in.getDouble());
    adwin.sinceCheck = in.getInt();
    adwin.width = in.getLong();
    adwin.total = in.getDouble();
    adwin.deviations = in.getDouble();
    int rows = in.getInt();
    for (int row = 0; row < rows; row++) {
      int size = in.getInt();
      for (int k = 0; k < size; k++) {
        adwin.appendBucket(row, in.getDouble(), in.getDouble());
      }
    }
    return adwin;
  }

  private double variance() {
    return width == 0 ? 0 : deviations / width;
  }

  private void insert(double value) {
    width++;
    if (width > 1) {
      double deviation = value - total / (width - 1);
      deviations += (width - 1) * deviation * deviation / width;
    }
    total += value;
    appendBucket(0, value, 0);
    for (int row = 0; row < rows && rowSizes[row] == ROW_SLOTS; row++) {
      mergeOldestTwo(row);
    }
  }

  /** Merges the two oldest buckets of {@code row} into the newest bucket of the next row. */
  private void mergeOldestTwo(int row) {
    double size = bucketSize(row);
    double olderSum = bucketSums[slot(row, 0)];
    double newerSum = bucketSums[slot(row, 1)];
    double meanDifference = (olderSum - newerSum) / size;
    double mergedDeviations =
        bucketDeviations[slot(row, 0)]
            + bucketDeviations[slot(row, 1)]
            + size * size * meanDifference * meanDifference / (2 * size);
    removeOldest(row, 2);
    appendBucket(row + 1, olderSum + newerSum, mergedDeviations);
  }

  /** Whether some split of the window into an older and a newer part has too different means. */
  private boolean hasCut() {
    long olderWidth = 0;
    double olderTotal = 0;
    for (int row = rows - 1; row >= 0; row--) {
      for (int k = 0; k < rowSizes[row]; k++) {
        olderWidth += bucketSize(row);
        olderTotal += bucketSums[slot(row, k)];
        long newerWidth = width - olderWidth;
        if (newerWidth <= MIN_PART + 1) {
          return false;
        }
        double meanDifference = olderTotal / olderWidth - (total - olderTotal) / newerWidth;
        if (olderWidth > MIN_PART + 1
            && Math.abs(meanDifference) > cutBound(olderWidth, newerWidth)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * The paper's epsilon_cut with delta' = delta / ln(width) and Bernstein's variance term, with
   * MOA's correction of the part sizes by the minimum part.
   */
  private double cutBound(long olderWidth, long newerWidth) {
    double logTerm = Math.log(2 * Math.log(width) / delta);
    double inverseSizes = 1.0 / (olderWidth - MIN_PART + 1) + 1.0 / (newerWidth - MIN_PART + 1);
    return Math.sqrt(2 * inverseSizes * variance() * logTerm) + 2.0 / 3.0 * logTerm * inverseSizes;
  }

  private void dropOldestBucket() {
    int row = rows - 1;
    double size = bucketSize(row);
    double sum = bucketSums[slot(row, 0)];
    width -= (long) size;
    total -= sum;
    double meanDifference = sum / size - total / width;
    deviations -=
        bucketDeviations[slot(row, 0)]
            + size * width * meanDifference * meanDifference / (size + width);
    removeOldest(row, 1);
  }

  private void appendBucket(int row, double sum, double bucketDeviation) {
    if (row == rows) {
      addRow();
    }
    int slot = slot(row, rowSizes[row]++);
    bucketSums[slot] = sum;
    bucketDeviations[slot] = bucketDeviation;
  }

  private void removeOldest(int row, int count) {
    int remaining = rowSizes[row] - count;
    System.arraycopy(bucketSums, slot(row, count), bucketSums, slot(row, 0), remaining);
    System.arraycopy(bucketDeviations, slot(row, count), bucketDeviations, slot(row, 0), remaining);
    rowSizes[row] = remaining;
    if (remaining == 0 && row == rows - 1) {
      rows--;
    }
  }

  private void addRow() {
    rows++;
    if (rowSizes.length < rows) {
      rowSizes = Arrays.copyOf(rowSizes, rows);
      bucketSums = Arrays.copyOf(bucketSums, rows * ROW_SLOTS);
      bucketDeviations = Arrays.copyOf(bucketDeviations, rows * ROW_SLOTS);
    }
  }

  private static int slot(int row, int k) {
    return row * ROW_SLOTS + k;
  }

  private static double bucketSize(int row) {
    return Math.pow(2, row);
  }
}
