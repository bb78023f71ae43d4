package io.streamlearn.operators;

import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.SampleLabel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.state.State;
import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;

/** Test data and state access shared by the operator tests (and those of its subpackages). */
public final class Samples {

  private Samples() {}

  static LabeledSample sample(String key, int n, Integer label, float... features) {
    return LabeledSample.newBuilder()
        .setId(key + "-" + n)
        .setKey(key)
        .setFeatures(toList(features))
        .setLabel(label)
        .setEventTime(Instant.ofEpochMilli(1_000L + n))
        .build();
  }

  /** The samples as sent without their labels. */
  static List<LabeledSample> unlabeled(List<LabeledSample> samples) {
    return samples.stream().map(s -> LabeledSample.newBuilder(s).setLabel(null).build()).toList();
  }

  /** The delayed label of a sample that was sent without it. */
  static SampleLabel labelOf(LabeledSample sample) {
    return SampleLabel.newBuilder()
        .setSampleId(sample.getId())
        .setKey(sample.getKey())
        .setLabel(sample.getLabel())
        .setLabelTime(Instant.ofEpochMilli(5_000))
        .build();
  }

  /** Two features in [-1, 1]; label 1 when x0 + x1 > 0: separable, so a few steps learn it. */
  static List<LabeledSample> separable(String key, int count, long seed) {
    Random random = new Random(seed);
    List<LabeledSample> samples = new ArrayList<>(count);
    for (int n = 0; n < count; n++) {
      float x0 = random.nextFloat() * 2 - 1;
      float x1 = random.nextFloat() * 2 - 1;
      samples.add(sample(key, n, x0 + x1 > 0 ? 1 : 0, x0, x1));
    }
    return samples;
  }

  /** Each sample's features, one row per sample. */
  static float[][] featureRows(List<LabeledSample> samples) {
    float[][] rows = new float[samples.size()][];
    for (int i = 0; i < samples.size(); i++) {
      List<Float> features = samples.get(i).getFeatures();
      rows[i] = new float[features.size()];
      for (int column = 0; column < rows[i].length; column++) {
        rows[i][column] = features.get(column);
      }
    }
    return rows;
  }

  static Float[] boxed(float[] values) {
    Float[] boxed = new Float[values.length];
    for (int i = 0; i < values.length; i++) {
      boxed[i] = values[i];
    }
    return boxed;
  }

  /** The value of a keyed state entry for {@code key}, read from the harness's state backend. */
  public static <S extends State> S keyedState(
      AbstractStreamOperatorTestHarness<?> harness, String key, StateDescriptor<S, ?> descriptor)
      throws Exception {
    KeyedStateBackend<Object> backend = harness.getOperator().getKeyedStateBackend();
    backend.setCurrentKey(key);
    return backend.getPartitionedState(
        VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, descriptor);
  }

  private static List<Float> toList(float[] values) {
    List<Float> list = new ArrayList<>(values.length);
    for (float value : values) {
      list.add(value);
    }
    return list;
  }
}
