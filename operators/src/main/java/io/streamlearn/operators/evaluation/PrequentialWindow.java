package io.streamlearn.operators.evaluation;

import io.streamlearn.operators.ModelShape;
import io.streamlearn.schemas.Prediction;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ObjDoubleConsumer;

/**
 * The outcomes of one key's (or the job's) recent labeled predictions, and the prequential metrics
 * over them. Every metric is exact over the window's outcomes: no running sum of doubles, which
 * adding and dropping outcomes would make drift. A task may keep integer counts or other structures
 * derived from its records in step with them, as outcomes come ({@link #append}) and leave ({@link
 * #dropping}), and compute the rest from the records when asked for. The encoding holds only the
 * records: whatever is derived from them is rebuilt after {@link #decode}.
 *
 * <p>Checkpoints and savepoints hold a window as the bytes of {@link #encode()} ({@link
 * PrequentialWindowSerializer}); format version 1 is, big-endian:
 *
 * <pre>
 * byte  format version (1)
 * byte  task: 'C' classification, 'R' regression, 'L' multi-label, 'V' regression of several
 *       outputs
 * byte  bound: 'N' last count, 'T' time span
 * long  bound limit: outcomes, or milliseconds
 * long  newest prediction time (Long.MIN_VALUE while empty)
 * ...   the task's fields (classification: int label of the latest outcome, -1 before the first)
 * int   number of records
 * ...   the records, oldest first: long prediction time, then the task's fields
 * </pre>
 *
 * <p>A time window drops outcomes from its oldest end, so an outcome that arrives out of order (the
 * job's window merges the predictions of several trainer subtasks) leaves when it is the oldest
 * left, a little later than its prediction time alone would say.
 */
public abstract sealed class PrequentialWindow
    permits ClassificationWindow, RegressionWindow, MultiLabelWindow, MultiOutputWindow {

  /** First byte of every encoding: change the layout only together with this, and read both. */
  static final byte FORMAT_VERSION = 1;

  /** Every record starts with the prediction time, which the time bound reads. */
  static final int TIME_BYTES = Long.BYTES;

  static final String WINDOW_SIZE = "windowSize";

  private static final byte COUNT_TAG = 'N';
  private static final byte TIME_TAG = 'T';
  private static final int HEADER_BYTES = 3 + 2 * Long.BYTES + Integer.BYTES;
  private static final int INITIAL_CAPACITY = 16;

  private final WindowBound bound;
  private final RecordRing ring;
  private long newestTime;

  PrequentialWindow(WindowBound bound, int recordWidth) {
    this(bound, new RecordRing(recordWidth, INITIAL_CAPACITY), Long.MIN_VALUE);
  }

  PrequentialWindow(WindowBound bound, RecordRing ring, long newestTime) {
    this.bound = bound;
    this.ring = ring;
    this.newestTime = newestTime;
  }

  /** For {@link #copy}: the bound, a copy of the records, the newest time. */
  PrequentialWindow(PrequentialWindow from) {
    this(from.bound, from.ring.copy(), from.newestTime);
  }

  /** An empty window for the outcomes of models of {@code shape}. */
  public static PrequentialWindow empty(ModelShape shape, WindowBound bound) {
    if (shape.multiLabel()) {
      return new MultiLabelWindow(bound);
    }
    if (shape.isClassification()) {
      return new ClassificationWindow(bound);
    }
    return shape.targets() == 1 ? new RegressionWindow(bound) : new MultiOutputWindow(bound);
  }

  /**
   * A window of its own with the same records and everything derived from them: what the heap state
   * backend asks for when the window changes while a checkpoint holds it. Going through the
   * encoding instead rebuilt the derived state (counts, ranked scores) of a large window at every
   * checkpoint.
   */
  public abstract PrequentialWindow copy();

  /** Adds the outcome of a prediction that carries its ground truth (label or target). */
  public abstract void add(Prediction prediction);

  public final WindowBound bound() {
    return bound;
  }

  /** Outcomes in the window. */
  public final int size() {
    return ring.size();
  }

  /**
   * Metric name to value over the window, with {@value #WINDOW_SIZE}; a metric that is undefined
   * over the window (NaN, e.g. AUC while it holds one class) is left out.
   */
  public final Map<String, Double> metrics() {
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put(WINDOW_SIZE, (double) size());
    computeMetrics(
        (name, value) -> {
          if (!Double.isNaN(value)) {
            metrics.put(name, value);
          }
        });
    return metrics;
  }

  public final byte[] encode() {
    ByteBuffer out = ByteBuffer.allocate(encodedLength()).put(encodedHead());
    ring.writeTo(out);
    return out.array();
  }

  /** The length of {@link #encode()}'s bytes. */
  public final int encodedLength() {
    return HEADER_BYTES + taskFieldBytes() + size() * ring.width();
  }

  /**
   * Writes the bytes of {@link #encode()} without making them one array first: a checkpoint of a
   * window of a million outcomes would otherwise allocate and fill tens of megabytes to write them.
   */
  public final void encodeTo(DataOutput out) throws IOException {
    out.write(encodedHead());
    ring.writeTo(out);
  }

  /** The encoding up to the records: the header, the task's fields and the record count. */
  private byte[] encodedHead() {
    ByteBuffer out =
        ByteBuffer.allocate(HEADER_BYTES + taskFieldBytes())
            .put(FORMAT_VERSION)
            .put(taskTag())
            .put(bound.kind() == WindowBound.Kind.COUNT ? COUNT_TAG : TIME_TAG)
            .putLong(bound.limit())
            .putLong(newestTime);
    writeTaskFields(out);
    out.putInt(size());
    return out.array();
  }

  /** The window that {@link #encode()} wrote. */
  public static PrequentialWindow decode(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    byte version = in.get();
    if (version != FORMAT_VERSION) {
      throw new IllegalArgumentException("unknown prequential window format version " + version);
    }
    byte task = in.get();
    WindowBound bound = new WindowBound(boundKind(in.get()), in.getLong());
    long newestTime = in.getLong();
    return switch (task) {
      case ClassificationWindow.TAG -> ClassificationWindow.read(bound, newestTime, in);
      case RegressionWindow.TAG -> RegressionWindow.read(bound, newestTime, in);
      case MultiLabelWindow.TAG -> MultiLabelWindow.read(bound, newestTime, in);
      case MultiOutputWindow.TAG -> MultiOutputWindow.read(bound, newestTime, in);
      default -> throw new IllegalArgumentException("unknown prequential window task " + task);
    };
  }

  abstract void computeMetrics(ObjDoubleConsumer<String> metrics);

  abstract byte taskTag();

  /** Bytes of the fields the task keeps besides its records: none unless it overrides this. */
  int taskFieldBytes() {
    return 0;
  }

  /** Writes the {@link #taskFieldBytes()} of the task's own fields. */
  void writeTaskFields(ByteBuffer out) {}

  /**
   * The oldest record, at {@code at} in {@link #records()}, is about to leave the window: a task
   * that keeps counts of its records takes it out of them here. Nothing to do unless it overrides
   * this.
   */
  void dropping(int at) {}

  /** Reads the record count and the records that follow the task's fields. */
  static RecordRing readRecords(ByteBuffer in, int recordWidth) {
    return RecordRing.readFrom(in, recordWidth, in.getInt());
  }

  /**
   * Lets the bound drop what an outcome predicted at {@code predictionTime} pushes out, appends a
   * record for it and returns the record's offset in {@link #records()}, for the task's fields.
   */
  final int append(long predictionTime) {
    newestTime = Math.max(newestTime, predictionTime);
    while (size() > 0
        && bound.dropsOldestBeforeAdding(size(), records().getLong(offset(0)), newestTime)) {
      dropping(offset(0));
      ring.dropOldest();
    }
    int at = ring.append();
    records().putLong(at, predictionTime);
    return at;
  }

  final RecordRing records() {
    return ring;
  }

  /** The mean over the window of the double at {@code field} of each record. */
  final double meanOf(int field) {
    double sum = 0;
    for (int age = 0; age < size(); age++) {
      sum += records().getDouble(offset(age) + field);
    }
    return sum / size();
  }

  /** Offset in {@link #records()} of the record {@code age} places after the oldest. */
  final int offset(int age) {
    return ring.offset(age);
  }

  private static WindowBound.Kind boundKind(byte tag) {
    return switch (tag) {
      case COUNT_TAG -> WindowBound.Kind.COUNT;
      case TIME_TAG -> WindowBound.Kind.TIME;
      default -> throw new IllegalArgumentException("unknown prequential window bound " + tag);
    };
  }
}
