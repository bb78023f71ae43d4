package io.streamlearn.operators.drift;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntToDoubleFunction;

/** Bernoulli 0/1 error streams whose error rate follows a schedule over the positions. */
final class ErrorStream {

  static final int DRIFT_START = 10_000;
  static final int GRADUAL_DRIFT_END = 12_000;
  static final double BEFORE = 0.1;
  static final double AFTER = 0.4;

  private ErrorStream() {}

  static double stationary(int position) {
    return BEFORE;
  }

  static double abrupt(int position) {
    return position < DRIFT_START ? BEFORE : AFTER;
  }

  /** Linear from {@link #BEFORE} at {@link #DRIFT_START} to {@link #AFTER} two thousand later. */
  static double gradual(int position) {
    double progress = (double) (position - DRIFT_START) / (GRADUAL_DRIFT_END - DRIFT_START);
    return BEFORE + (AFTER - BEFORE) * Math.min(1, Math.max(0, progress));
  }

  static double falling(int position) {
    return position < DRIFT_START ? AFTER : BEFORE;
  }

  /** The positions (from 0) at which the detector signals drift on {@code length} errors. */
  static List<Integer> detections(
      DriftDetector detector, IntToDoubleFunction errorRate, int length, long seed) {
    Random random = new Random(seed);
    List<Integer> detections = new ArrayList<>();
    for (int position = 0; position < length; position++) {
      if (detector.add(error(random, errorRate.applyAsDouble(position)))) {
        detections.add(position);
      }
    }
    return detections;
  }

  static double error(Random random, double rate) {
    return random.nextDouble() < rate ? 1 : 0;
  }
}
