package io.streamlearn.operators;

import static io.streamlearn.operators.Samples.keyedState;
import static io.streamlearn.operators.Samples.labelOf;
import static io.streamlearn.operators.Samples.separable;
import static io.streamlearn.operators.Samples.unlabeled;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamlearn.operators.drift.DetectorType;
import io.streamlearn.operators.state.FeatureStatistics;
import io.streamlearn.operators.state.KeyModelState;
import io.streamlearn.schemas.DeadLetterReason;
import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.ModelCheckpoint;
import io.streamlearn.schemas.Prediction;
import io.streamlearn.schemas.StandardScaling;
import io.streamlearn.schemas.WireCodec;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * model.scaling standard: both trainers serve and train on features scaled with the key's running
 * statistics, and a published checkpoint's scaler and model reproduce the served scores in plain
 * DL4J.
 */
class FeatureScalingTrainerTest {

  private static final String MODEL = TestModels.classifier(new Adam(0.05)).toJson();
  private static final ModelShape SHAPE = ModelShape.classification(2, 2);

  @RegisterExtension final TrainerHarnesses trainers = new TrainerHarnesses();

  @Test
  void keepsWelfordStatisticsOfTheLabeledSamples() throws Exception {
    var harness = trainers.open(settings(MODEL, 100, 64));
    List<LabeledSample> stream = offset(separable("a", 48, 1));

    harness.processBatch(stream.subList(0, 32));
    harness.processBatch(unlabeled(stream.subList(32, 48)));

    var statistics = keyedState(harness, "a", KeyStep.modelDescriptor()).value().getScaler();
    assertThat(statistics.getCount()).isEqualTo(32);
    for (int feature = 0; feature < 2; feature++) {
      double sum = 0;
      double squares = 0;
      for (LabeledSample sample : stream.subList(0, 32)) {
        sum += sample.getFeatures().get(feature);
      }
      double mean = sum / 32;
      for (LabeledSample sample : stream.subList(0, 32)) {
        squares += Math.pow(sample.getFeatures().get(feature) - mean, 2);
      }
      assertThat(statistics.getMean().get(feature)).isCloseTo(mean, within(1e-9));
      assertThat(statistics.getM2().get(feature)).isCloseTo(squares, within(1e-9));
    }
  }

  @Test
  void aNewKeyContinuesItsModelsInitialStatistics() throws Exception {
    FeatureStatistics initial =
        new FeatureStatistics(100L, List.of(36.0, 44.0), List.of(400.0, 2500.0));
    var harness = trainers.open(builder(MODEL, 100, 64).initialStatistics(initial).build());
    List<LabeledSample> first = offset(separable("a", 16, 6));

    harness.processBatch(first);

    // Served with the initial statistics: mean 36 and 44, deviation sqrt(400 / 100) and 5.
    MultiLayerNetwork seeded = new MultiLayerNetwork(TestModels.classifier(new Adam(0.05)));
    seeded.init();
    INDArray expected =
        seeded.output(
            Nd4j.create(
                scaledRows(first, new StandardScaling(List.of(36.0, 44.0), List.of(2.0, 5.0)))));
    List<Prediction> served = harness.extractOutputValues();
    for (int row = 0; row < first.size(); row++) {
      assertThat(served.get(row).getModelVersion()).isZero();
      for (int output = 0; output < 2; output++) {
        assertThat((double) served.get(row).getScores().get(output))
            .isCloseTo(expected.getFloat(row, output), within(1e-6));
      }
    }
    // Then the key's labeled samples count on top of the 100 the statistics stand for.
    var statistics = keyedState(harness, "a", KeyStep.modelDescriptor()).value().getScaler();
    double sum = first.stream().mapToDouble(sample -> sample.getFeatures().get(0)).sum();
    assertThat(statistics.getCount()).isEqualTo(116);
    assertThat(statistics.getMean().get(0)).isCloseTo((100 * 36.0 + sum) / 116, within(1e-9));
    assertThat(initial.getCount()).as("the settings' statistics stay as given").isEqualTo(100);
    assertThat(initial.getMean()).containsExactly(36.0, 44.0);
  }

  @Test
  void thePerKeyTrainersCheckpointReproducesItsServedScoresInPlainDl4j() throws Exception {
    var harness = trainers.open(settings(MODEL, 1, 64));
    List<LabeledSample> stream = offset(separable("a", 7 * 16, 2));

    for (int batch = 0; batch < 6; batch++) {
      harness.processBatch(stream.subList(batch * 16, batch * 16 + 16));
    }
    harness.processBatch(stream.subList(96, 112));

    assertReproduced(harness, "a", 6, stream.subList(96, 112));
  }

  @Test
  void theFusedTrainersCheckpointReproducesItsServedScoresInPlainDl4j() throws Exception {
    var harness = trainers.openFused(settings(MODEL, 1, 64), 2, Duration.ZERO);
    List<LabeledSample> a = offset(separable("a", 7 * 16, 3));
    List<LabeledSample> b = offset(separable("b", 7 * 16, 4));

    // One batch of each key per fused step: a checkpoint's scaler is what the key's next batch is
    // scaled with.
    for (int batch = 0; batch < 7; batch++) {
      harness.processBatch(a.subList(batch * 16, batch * 16 + 16));
      harness.processBatch(b.subList(batch * 16, batch * 16 + 16));
    }

    assertReproduced(harness, "a", 6, a.subList(96, 112));
    assertReproduced(harness, "b", 6, b.subList(96, 112));
  }

  @Test
  void aDelayedLabelTrainsOnTheFeaturesScaledAsTheyWereServed() throws Exception {
    String sgd = TestModels.classifier(new Sgd(0.5)).toJson();
    var harness = trainers.open(settings(sgd, 100, 8));
    List<LabeledSample> stream = offset(separable("a", 64, 5));
    List<LabeledSample> served = stream.subList(16, 24);

    harness.processBatch(stream.subList(0, 16));
    KeyModelState afterFirst = keyedState(harness, "a", KeyStep.modelDescriptor()).value();
    StandardScaling asServed = new FeatureScaler(FeatureScaling.STANDARD, 2).published(afterFirst);
    harness.processBatch(unlabeled(served));
    // More labeled samples move the statistics before the delayed labels come.
    harness.processBatch(stream.subList(24, 64));
    KeyModelState beforeJoin = keyedState(harness, "a", KeyStep.modelDescriptor()).value();
    assertThat(new FeatureScaler(FeatureScaling.STANDARD, 2).published(beforeJoin).getMean())
        .isNotEqualTo(asServed.getMean());
    // The heap backend hands out the live state object: copy what the join will change.
    long versionBeforeJoin = beforeJoin.getVersion();
    INDArray parameters = ArrayBytes.decode(beforeJoin.getParameters()).dup();
    for (LabeledSample sample : served) {
      harness.processElement2(labelOf(sample), 0);
    }

    KeyModelState afterJoin = keyedState(harness, "a", KeyStep.modelDescriptor()).value();
    assertThat(afterJoin.getVersion()).isEqualTo(versionBeforeJoin + 1);
    MultiLayerNetwork plain = new MultiLayerNetwork(TestModels.classifier(new Sgd(0.5)));
    plain.init();
    plain.setParams(parameters);
    INDArray labels = Nd4j.zeros(DataType.FLOAT, served.size(), 2);
    for (int row = 0; row < served.size(); row++) {
      labels.putScalar(row, served.get(row).getLabel(), 1.0);
    }
    plain.fit(Nd4j.create(scaledRows(served, asServed)), labels);
    float[] expected = plain.params().toFloatVector();
    float[] actual = ArrayBytes.decode(afterJoin.getParameters()).toFloatVector();
    for (int i = 0; i < expected.length; i++) {
      assertThat(actual[i]).isCloseTo(expected[i], within(1e-6f));
    }
  }

  @Test
  void thePerKeyTrainersDeadLettersOfADivergedBatchCarryTheSamplesAsTheyArrived() throws Exception {
    assertDivergedBatchesDeadLetterArrivedSamples(trainers.open(explodingRegression()));
  }

  @Test
  void theFusedTrainersDeadLettersOfADivergedBatchCarryTheSamplesAsTheyArrived() throws Exception {
    assertDivergedBatchesDeadLetterArrivedSamples(
        trainers.openFused(explodingRegression(), 1, Duration.ZERO));
  }

  /**
   * Batches of 8 until steps diverge: every DIVERGED_BATCH dead letter holds its sample with the
   * features it arrived with, not the scaled ones its model trained on.
   */
  private static void assertDivergedBatchesDeadLetterArrivedSamples(TrainerHarness harness)
      throws Exception {
    List<LabeledSample> stream = new ArrayList<>();
    for (LabeledSample sample : offset(separable("a", 8 * 60, 6))) {
      stream.add(
          LabeledSample.newBuilder(sample)
              .setLabel(null)
              .setTarget(3.0 * sample.getLabel())
              .build());
    }
    for (int start = 0; start < stream.size(); start += 8) {
      harness.processBatch(stream.subList(start, start + 8));
    }

    var letters = harness.getSideOutput(DeadLetters.TAG);
    assertThat(letters).as("steps diverged under standard scaling").isNotEmpty();
    Map<String, LabeledSample> arrived =
        stream.stream().collect(Collectors.toMap(LabeledSample::getId, Function.identity()));
    WireCodec<LabeledSample> codec = WireCodec.labeledSamples();
    for (var letter : letters) {
      assertThat(letter.getValue().getReason()).isEqualTo(DeadLetterReason.DIVERGED_BATCH);
      LabeledSample sample = codec.decode(letter.getValue().getValue().array());
      assertThat(sample).isEqualTo(arrived.get(sample.getId()));
    }
  }

  /**
   * Plain SGD on a linear regression with a learning rate far above 2/||x||^2: its weights grow
   * geometrically until they overflow, scaled features or not.
   */
  private static TrainerSettings explodingRegression() {
    return new TrainerSettings.Builder(
            TestModels.linearRegression(new Sgd(10.0)).toJson(),
            ModelShape.regression(2),
            1,
            Duration.ofHours(1),
            200,
            DriftSettings.alertOnly(DetectorType.ADWIN))
        .scaling(FeatureScaling.STANDARD)
        .build();
  }

  /**
   * The key's checkpoint of {@code version}, with its scaler applied as docs/wire-format.md says,
   * gives the scores served for {@code next} within 1e-6.
   */
  private static void assertReproduced(
      TrainerHarness harness, String key, long version, List<LabeledSample> next) throws Exception {
    ModelCheckpoint checkpoint =
        harness.checkpoints().stream()
            .filter(c -> c.getKey().equals(key) && c.getVersion() == version)
            .findFirst()
            .orElseThrow();
    assertThat(checkpoint.getScaler()).isNotNull();
    MultiLayerNetwork restored =
        ModelSerializer.restoreMultiLayerNetwork(
            new ByteArrayInputStream(checkpoint.getModel().array()), true);
    INDArray outputs = restored.output(Nd4j.create(scaledRows(next, checkpoint.getScaler())));
    List<Prediction> served =
        harness.extractOutputValues().stream().filter(p -> p.getKey().equals(key)).toList();
    served = served.subList(served.size() - next.size(), served.size());
    for (int row = 0; row < next.size(); row++) {
      assertThat(served.get(row).getSampleId()).isEqualTo(next.get(row).getId());
      assertThat(served.get(row).getModelVersion()).isEqualTo(version);
      float[] expected = outputs.getRow(row).toFloatVector();
      for (int output = 0; output < expected.length; output++) {
        assertThat((double) served.get(row).getScores().get(output))
            .isCloseTo(expected[output], within(1e-6));
      }
    }
  }

  /** The documented scaling: (x - mean) / std in double, rounded to float. */
  private static float[][] scaledRows(List<LabeledSample> samples, StandardScaling scaling) {
    float[][] rows = new float[samples.size()][];
    for (int row = 0; row < samples.size(); row++) {
      List<Float> features = samples.get(row).getFeatures();
      rows[row] = new float[features.size()];
      for (int i = 0; i < features.size(); i++) {
        rows[row][i] =
            (float) ((features.get(i) - scaling.getMean().get(i)) / scaling.getStd().get(i));
      }
    }
    return rows;
  }

  /** Features far from zero mean and unit deviation, where scaling changes what the model sees. */
  private static List<LabeledSample> offset(List<LabeledSample> samples) {
    List<LabeledSample> moved = new ArrayList<>(samples.size());
    for (LabeledSample sample : samples) {
      List<Float> features = sample.getFeatures().stream().map(x -> 40f + 8f * x).toList();
      moved.add(LabeledSample.newBuilder(sample).setFeatures(features).build());
    }
    return moved;
  }

  private static TrainerSettings settings(String model, int everySteps, int joinedBatch) {
    return builder(model, everySteps, joinedBatch).build();
  }

  private static TrainerSettings.Builder builder(String model, int everySteps, int joinedBatch) {
    return new TrainerSettings.Builder(
            model,
            SHAPE,
            everySteps,
            Duration.ofHours(1),
            200,
            DriftSettings.alertOnly(DetectorType.ADWIN))
        .delayedLabels(
            new DelayedLabels(DelayedLabels.DEFAULT_TIME_TO_LIVE, joinedBatch, Duration.ZERO))
        .scaling(FeatureScaling.STANDARD);
  }
}
