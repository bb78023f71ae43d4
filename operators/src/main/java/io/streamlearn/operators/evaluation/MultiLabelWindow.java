package io.streamlearn.operators.evaluation;

import io.streamlearn.operators.Floats;
import io.streamlearn.schemas.Prediction;
import java.nio.ByteBuffer;
import java.util.function.ObjDoubleConsumer;

/**
 * Prequential multi-label metrics over a window ({@link MultiLabelOutcome}): {@code accuracy} is
 * the Hamming accuracy, {@code subsetAccuracy} the share of predictions whose predicted set was the
 * true one, {@code logLoss} the mean per-class binary log loss. Each outcome is one record of 32
 * bytes: long prediction time, then doubles Hamming accuracy, log loss and 1 or 0 (exact or not).
 */
public final class MultiLabelWindow extends PrequentialWindow {

  static final byte TAG = 'L';

  private static final int HAMMING = TIME_BYTES;
  private static final int LOG_LOSS = HAMMING + Double.BYTES;
  private static final int EXACT = LOG_LOSS + Double.BYTES;
  private static final int WIDTH = EXACT + Double.BYTES;

  public MultiLabelWindow(WindowBound bound) {
    super(bound, WIDTH);
  }

  private MultiLabelWindow(MultiLabelWindow from) {
    super(from);
  }

  @Override
  public MultiLabelWindow copy() {
    return new MultiLabelWindow(this);
  }

  private MultiLabelWindow(WindowBound bound, RecordRing records, long newestTime) {
    super(bound, records, newestTime);
  }

  static MultiLabelWindow read(WindowBound bound, long newestTime, ByteBuffer in) {
    return new MultiLabelWindow(bound, readRecords(in, WIDTH), newestTime);
  }

  @Override
  public void add(Prediction prediction) {
    MultiLabelOutcome outcome =
        MultiLabelOutcome.of(Floats.unboxed(prediction.getScores()), prediction.getLabels());
    int at = append(prediction.getPredictionTime().toEpochMilli());
    records()
        .putDouble(at + HAMMING, outcome.hammingAccuracy())
        .putDouble(at + LOG_LOSS, outcome.logLoss())
        .putDouble(at + EXACT, outcome.exact() ? 1 : 0);
  }

  @Override
  void computeMetrics(ObjDoubleConsumer<String> metrics) {
    metrics.accept("accuracy", meanOf(HAMMING));
    metrics.accept("subsetAccuracy", meanOf(EXACT));
    metrics.accept("logLoss", meanOf(LOG_LOSS));
  }

  @Override
  byte taskTag() {
    return TAG;
  }
}
