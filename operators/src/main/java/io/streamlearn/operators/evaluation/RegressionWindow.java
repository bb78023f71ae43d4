package io.streamlearn.operators.evaluation;

import io.streamlearn.operators.ModelShape;
import io.streamlearn.schemas.Prediction;
import java.nio.ByteBuffer;
import java.util.function.ObjDoubleConsumer;

/**
 * Prequential regression metrics over a window: MAE and RMSE. Each outcome is one record of 16
 * bytes: long prediction time, double error (predicted minus target).
 */
public final class RegressionWindow extends PrequentialWindow {

  static final byte TAG = 'R';

  private static final int ERROR = TIME_BYTES;
  private static final int WIDTH = ERROR + Double.BYTES;

  public RegressionWindow(WindowBound bound) {
    super(bound, WIDTH);
  }

  private RegressionWindow(RegressionWindow from) {
    super(from);
  }

  @Override
  public RegressionWindow copy() {
    return new RegressionWindow(this);
  }

  private RegressionWindow(WindowBound bound, RecordRing records, long newestTime) {
    super(bound, records, newestTime);
  }

  static RegressionWindow read(WindowBound bound, long newestTime, ByteBuffer in) {
    return new RegressionWindow(bound, readRecords(in, WIDTH), newestTime);
  }

  @Override
  public void add(Prediction prediction) {
    add(
        prediction.getPredictionTime().toEpochMilli(),
        prediction.getScores().get(0),
        ModelShape.targetsOf(prediction.getTarget(), prediction.getTargets()).get(0));
  }

  /** Adds one outcome: at {@code predictionTime} (epoch ms) the model said {@code predicted}. */
  public void add(long predictionTime, double predicted, double target) {
    int at = append(predictionTime);
    records().putDouble(at + ERROR, predicted - target);
  }

  /** Mean absolute error. */
  public double mae() {
    double sum = 0;
    for (int age = 0; age < size(); age++) {
      sum += Math.abs(error(age));
    }
    return sum / size();
  }

  /** Root mean squared error. */
  public double rmse() {
    double sum = 0;
    for (int age = 0; age < size(); age++) {
      sum += error(age) * error(age);
    }
    return Math.sqrt(sum / size());
  }

  @Override
  void computeMetrics(ObjDoubleConsumer<String> metrics) {
    metrics.accept("mae", mae());
    metrics.accept("rmse", rmse());
  }

  @Override
  byte taskTag() {
    return TAG;
  }

  private double error(int age) {
    return records().getDouble(offset(age) + ERROR);
  }
}
