package io.streamlearn.operators.evaluation;

import java.util.List;

/**
 * How a regression prediction of one or more outputs fared.
 *
 * @param meanAbsoluteError the mean over the outputs of the absolute error
 * @param meanSquaredError the mean over the outputs of the squared error
 */
public record RegressionOutcome(double meanAbsoluteError, double meanSquaredError) {

  /** The outcome of the predicted values {@code scores} for the true {@code targets}. */
  public static RegressionOutcome of(float[] scores, List<Double> targets) {
    double absolute = 0;
    double squared = 0;
    for (int output = 0; output < targets.size(); output++) {
      double error = scores[output] - targets.get(output);
      absolute += Math.abs(error);
      squared += error * error;
    }
    return new RegressionOutcome(absolute / targets.size(), squared / targets.size());
  }
}
