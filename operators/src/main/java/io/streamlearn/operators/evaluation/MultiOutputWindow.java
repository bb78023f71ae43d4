package io.streamlearn.operators.evaluation;

import io.streamlearn.operators.Floats;
import io.streamlearn.operators.ModelShape;
import io.streamlearn.schemas.Prediction;
import java.nio.ByteBuffer;
import java.util.function.ObjDoubleConsumer;

/**
 * Prequential metrics of a regression with several outputs over a window: MAE and RMSE over every
 * output of every outcome ({@link RegressionOutcome}). Each outcome is one record of 24 bytes: long
 * prediction time, then doubles mean absolute and mean squared error over its outputs.
 */
public final class MultiOutputWindow extends PrequentialWindow {

  static final byte TAG = 'V';

  private static final int ABSOLUTE = TIME_BYTES;
  private static final int SQUARED = ABSOLUTE + Double.BYTES;
  private static final int WIDTH = SQUARED + Double.BYTES;

  public MultiOutputWindow(WindowBound bound) {
    super(bound, WIDTH);
  }

  private MultiOutputWindow(MultiOutputWindow from) {
    super(from);
  }

  @Override
  public MultiOutputWindow copy() {
    return new MultiOutputWindow(this);
  }

  private MultiOutputWindow(WindowBound bound, RecordRing records, long newestTime) {
    super(bound, records, newestTime);
  }

  static MultiOutputWindow read(WindowBound bound, long newestTime, ByteBuffer in) {
    return new MultiOutputWindow(bound, readRecords(in, WIDTH), newestTime);
  }

  @Override
  public void add(Prediction prediction) {
    RegressionOutcome outcome =
        RegressionOutcome.of(
            Floats.unboxed(prediction.getScores()),
            ModelShape.targetsOf(prediction.getTarget(), prediction.getTargets()));
    int at = append(prediction.getPredictionTime().toEpochMilli());
    records()
        .putDouble(at + ABSOLUTE, outcome.meanAbsoluteError())
        .putDouble(at + SQUARED, outcome.meanSquaredError());
  }

  @Override
  void computeMetrics(ObjDoubleConsumer<String> metrics) {
    metrics.accept("mae", meanOf(ABSOLUTE));
    metrics.accept("rmse", Math.sqrt(meanOf(SQUARED)));
  }

  @Override
  byte taskTag() {
    return TAG;
  }
}
