package io.streamlearn.operators;

import io.streamlearn.operators.state.FeatureStatistics;
import io.streamlearn.operators.state.KeyModelState;
import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.StandardScaling;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Standard scaling of a key's features, test-then-train like its model: a batch is scaled with the
 * statistics of the labeled samples before it, then its labeled samples update them (Welford's
 * running mean and sum of squared deviations, in the key's {@link KeyModelState}). A feature whose
 * deviation is 0 so far (constant, or no sample yet) is divided by 1, so it passes minus its mean.
 */
final class FeatureScaler {

  private final FeatureScaling scaling;
  private final int width;

  FeatureScaler(FeatureScaling scaling, int width) {
    this.scaling = scaling;
    this.width = width;
  }

  /**
   * Samples as they arrived, as the key's model sees them now: standardized with a snapshot of the
   * key's statistics as they are written into the model's input, or as they are.
   */
  ModelInput input(KeyModelState state, List<LabeledSample> samples) {
    return new ModelInput(samples, standardization(state), samples.size());
  }

  /** Adds the raw features of labeled samples to the key's statistics. */
  void learn(KeyModelState state, List<LabeledSample> labeled) {
    if (scaling == FeatureScaling.NONE || labeled.isEmpty()) {
      return;
    }
    FeatureStatistics statistics = state.getScaler();
    if (statistics == null) {
      statistics =
          new FeatureStatistics(
              0L,
              new ArrayList<>(Collections.nCopies(width, 0.0)),
              new ArrayList<>(Collections.nCopies(width, 0.0)));
    }
    long count = statistics.getCount();
    List<Double> mean = statistics.getMean();
    List<Double> m2 = statistics.getM2();
    for (LabeledSample sample : labeled) {
      count++;
      List<Float> features = sample.getFeatures();
      for (int i = 0; i < mean.size(); i++) {
        double x = features.get(i);
        double delta = x - mean.get(i);
        double newMean = mean.get(i) + delta / count;
        mean.set(i, newMean);
        m2.set(i, m2.get(i) + delta * (x - newMean));
      }
    }
    statistics.setCount(count);
    state.setScaler(statistics);
  }

  /** The scaling a checkpoint of the key publishes: null when its model takes raw features. */
  StandardScaling published(KeyModelState state) {
    Standardization standardization = standardization(state);
    return standardization == null
        ? null
        : new StandardScaling(boxed(standardization.mean()), boxed(standardization.std()));
  }

  /**
   * The key's scaling now, or null when its model takes raw features: per feature the mean and the
   * population standard deviation, 1 where the deviation is 0.
   */
  private Standardization standardization(KeyModelState state) {
    if (scaling == FeatureScaling.NONE) {
      return null;
    }
    FeatureStatistics statistics = state.getScaler();
    double[] mean = new double[width];
    double[] std = new double[width];
    for (int i = 0; i < width; i++) {
      if (statistics == null || statistics.getCount() == 0) {
        std[i] = 1.0;
        continue;
      }
      double deviation = Math.sqrt(statistics.getM2().get(i) / statistics.getCount());
      mean[i] = statistics.getMean().get(i);
      std[i] = deviation > 0 ? deviation : 1.0;
    }
    return new Standardization(mean, std);
  }

  private static List<Double> boxed(double[] values) {
    List<Double> boxed = new ArrayList<>(values.length);
    for (double value : values) {
      boxed.add(value);
    }
    return boxed;
  }
}
