package io.streamlearn.operators;

import io.streamlearn.schemas.LabeledSample;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Samples as a key's model takes them, without copies: the first {@code toScale} hold their
 * features as they arrived, which {@code scaling} standardizes as they are written into the model's
 * input array ({@link ModelArrays}); the others hold features as the model saw them when it
 * predicted them (samples that waited for a delayed label keep those). A null {@code scaling}
 * leaves every feature as it is.
 */
public record ModelInput(List<LabeledSample> samples, Standardization scaling, int toScale) {

  /** Samples whose features are fed to the model as they are. */
  public static ModelInput asIs(List<LabeledSample> samples) {
    return new ModelInput(samples, null, 0);
  }

  /**
   * Samples as they arrived, to be scaled with {@code scaling}, followed by samples whose features
   * are as the model saw them already.
   */
  static ModelInput scaledThenAsSeen(
      List<LabeledSample> arrived, Standardization scaling, List<LabeledSample> asSeen) {
    if (asSeen.isEmpty()) {
      return new ModelInput(arrived, scaling, arrived.size());
    }
    List<LabeledSample> all = new ArrayList<>(arrived.size() + asSeen.size());
    all.addAll(arrived);
    all.addAll(asSeen);
    return new ModelInput(all, scaling, arrived.size());
  }

  int size() {
    return samples.size();
  }

  boolean isEmpty() {
    return samples.isEmpty();
  }

  /**
   * Writes sample {@code row}'s features, as the model sees them, at {@code at} of {@code into}.
   */
  void writeFeatures(int row, int width, float[] into, int at) {
    List<Float> features = samples.get(row).getFeatures();
    boolean scaled = scaling != null && row < toScale;
    for (int column = 0; column < width; column++) {
      float value = features.get(column);
      into[at + column] = scaled ? scaling.scale(value, column) : value;
    }
  }

  /** Sample {@code row}'s features as the model sees them. */
  List<Float> featuresAsSeen(int row) {
    List<Float> features = samples.get(row).getFeatures();
    if (scaling == null || row >= toScale) {
      return features;
    }
    Float[] scaled = new Float[features.size()];
    for (int column = 0; column < scaled.length; column++) {
      scaled[column] = scaling.scale(features.get(column), column);
    }
    return List.of(scaled);
  }

  /** Whether both feed the model the same features: the same samples, scaled alike. */
  boolean sameFeaturesAs(ModelInput other) {
    if (samples.size() != other.samples.size() || toScale != other.toScale) {
      return false;
    }
    for (int i = 0; i < samples.size(); i++) {
      if (samples.get(i) != other.samples.get(i)) {
        return false;
      }
    }
    return scaling == null
        ? other.scaling == null
        : other.scaling != null
            && Arrays.equals(scaling.mean(), other.scaling.mean())
            && Arrays.equals(scaling.std(), other.scaling.std());
  }
}
