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

  /** The batch as the key's model sees it: scaled copies of its samples, or the samples as is. */
  List<LabeledSample> scaled(KeyModelState state, List<LabeledSample> batch) {
    if (scaling == FeatureScaling.NONE || batch.isEmpty()) {
      return batch;
    }
    StandardScaling parameters = parameters(state.getScaler(), width);
    List<LabeledSample> scaled = new ArrayList<>(batch.size());
    for (LabeledSample sample : batch) {
      scaled.add(scaled(sample, parameters));
    }
    return scaled;
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
    return scaling == FeatureScaling.NONE ? null : parameters(state.getScaler(), width);
  }

  /** Mean and population standard deviation per feature; 1 where the deviation is 0. */
  private static StandardScaling parameters(FeatureStatistics statistics, int width) {
    List<Double> mean = new ArrayList<>(width);
    List<Double> std = new ArrayList<>(width);
    for (int i = 0; i < width; i++) {
      if (statistics == null || statistics.getCount() == 0) {
        mean.add(0.0);
        std.add(1.0);
        continue;
      }
      double deviation = Math.sqrt(statistics.getM2().get(i) / statistics.getCount());
      mean.add(statistics.getMean().get(i));
      std.add(deviation > 0 ? deviation : 1.0);
    }
    return new StandardScaling(mean, std);
  }

  private static LabeledSample scaled(LabeledSample sample, StandardScaling parameters) {
    List<Float> features = sample.getFeatures();
    List<Float> scaled = new ArrayList<>(features.size());
    for (int i = 0; i < features.size(); i++) {
      scaled.add(
          (float) ((features.get(i) - parameters.getMean().get(i)) / parameters.getStd().get(i)));
    }
    return LabeledSample.newBuilder(sample).setFeatures(scaled).build();
  }
}
