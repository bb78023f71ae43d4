package io.streamlearn.operators;

import static io.streamlearn.operators.Samples.boxed;
import static io.streamlearn.operators.Samples.featureRows;
import static io.streamlearn.operators.Samples.keyedState;
import static io.streamlearn.operators.Samples.sample;
import static io.streamlearn.operators.Samples.separable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamlearn.operators.drift.DetectorType;
import io.streamlearn.operators.state.KeyModelState;
import io.streamlearn.schemas.DeadLetterReason;
import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.ModelCheckpoint;
import io.streamlearn.schemas.Prediction;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Sgd;

class OnlineTrainerTest {

  private static final String MODEL = TestModels.classifier(new Adam(0.05)).toJson();
  private static final DriftSettings DRIFT_ALERTS = DriftSettings.alertOnly(DetectorType.ADWIN);

  private final List<TrainerHarness> harnesses = new ArrayList<>();

  @AfterEach
  void closeHarnesses() throws Exception {
    for (var harness : harnesses) {
      harness.close();
    }
  }

  @Test
  void predictsWithTheModelBeforeTheBatchTrainsIt() throws Exception {
    var harness = open(settings(100, Duration.ofHours(1)));
    List<LabeledSample> batch = separable("a", 8, 1);

    harness.processBatch(batch);

    assertThat(harness.extractOutputValues())
        .hasSize(8)
        .allSatisfy(p -> assertThat(p.getModelVersion()).isZero())
        .extracting(Prediction::getSampleId)
        .containsExactly(batch.stream().map(LabeledSample::getId).toArray(String[]::new));
    KeyModelState state = keyedState(harness, "a", KeyStep.modelDescriptor()).value();
    assertThat(state.getVersion()).isEqualTo(1);
    assertThat(state.getSteps()).isEqualTo(1);
    assertThat(state.getSamplesSeen()).isEqualTo(8);
    assertThat(state.getParameters())
        .isNotEqualTo(TestModels.keyModel(MODEL).newKeyState(0).getParameters());

    harness.processBatch(separable("a", 4, 2));
    assertThat(lastPredictions(harness, 4))
        .allSatisfy(p -> assertThat(p.getModelVersion()).isEqualTo(1));
  }

  @Test
  void trainsEachBatchWithTheConfiguredNumberOfGradientSteps() throws Exception {
    var harness =
        open(
            new TrainerSettings.Builder(
                    MODEL,
                    ModelShape.classification(2, 2),
                    100,
                    Duration.ofHours(1),
                    200,
                    DRIFT_ALERTS)
                .stepsPerBatch(3)
                .build());
    List<LabeledSample> batch = separable("a", 16, 13);

    harness.processBatch(batch);

    KeyModelState state = keyedState(harness, "a", KeyStep.modelDescriptor()).value();
    assertThat(state.getVersion()).isEqualTo(1);
    assertThat(state.getSteps()).isEqualTo(3);
    // Plain DL4J, three fits of the batch from the same seeded start, must give the same weights.
    MultiLayerNetwork plain = new MultiLayerNetwork(TestModels.classifier(new Adam(0.05)));
    plain.init();
    INDArray labels = Nd4j.zeros(DataType.FLOAT, 16, 2);
    for (int row = 0; row < 16; row++) {
      labels.putScalar(row, batch.get(row).getLabel(), 1.0);
    }
    for (int step = 0; step < 3; step++) {
      plain.fit(Nd4j.create(featureRows(batch)), labels);
    }
    assertThat(ArrayBytes.decode(state.getParameters()).toFloatVector())
        .containsExactly(plain.params().toFloatVector());
  }

  @Test
  void learnsASeparableStream() throws Exception {
    var harness = open(settings(100, Duration.ofHours(1)));
    List<LabeledSample> stream = separable("a", 3_200, 3);

    for (int start = 0; start < stream.size(); start += 32) {
      harness.processBatch(stream.subList(start, start + 32));
    }

    List<Prediction> last = lastPredictions(harness, 640);
    long correct =
        last.stream().filter(p -> Objects.equals(p.getPredictedLabel(), p.getLabel())).count();
    assertThat(correct / 640.0).isGreaterThanOrEqualTo(0.9);
    assertThat(keyedState(harness, "a", KeyStep.modelDescriptor()).value().getVersion())
        .isEqualTo(100);
  }

  @Test
  void scoresUnlabeledSamplesWithoutTraining() throws Exception {
    var harness = open(settings(1, Duration.ZERO));

    harness.processBatch(List.of(sample("a", 0, null, 0.5f, 0.5f)));

    assertThat(harness.extractOutputValues())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getScores()).hasSize(2);
              assertThat(p.getScores().get(0) + p.getScores().get(1)).isCloseTo(1f, within(1e-5f));
              assertThat(p.getLabel()).isNull();
            });
    KeyModelState state = keyedState(harness, "a", KeyStep.modelDescriptor()).value();
    assertThat(state.getVersion()).isZero();
    assertThat(state.getSamplesSeen()).isZero();
    assertThat(harness.getSideOutput(TrainerOutputs.CHECKPOINTS)).isNullOrEmpty();
  }

  @Test
  void publishesACheckpointEveryNStepsThatPlainDl4jLoads() throws Exception {
    var harness = open(settings(3, Duration.ZERO));
    List<LabeledSample> stream = separable("a", 7 * 16, 4);

    for (int step = 0; step < 6; step++) {
      harness.processBatch(stream.subList(step * 16, step * 16 + 16));
    }

    List<ModelCheckpoint> checkpoints = checkpoints(harness);
    assertThat(checkpoints).extracting(ModelCheckpoint::getVersion).containsExactly(3L, 6L);
    ModelCheckpoint latest = checkpoints.get(1);
    assertThat(latest.getSamplesSeen()).isEqualTo(96);
    assertThat(latest.getMetrics()).containsKeys("accuracy", "logLoss");
    assertThat(keyedState(harness, "a", KeyStep.publicationDescriptor()).value()[0]).isEqualTo(6);

    // The operator's next predictions come from version 6: the published model must agree.
    List<LabeledSample> next = stream.subList(96, 112);
    harness.processBatch(next);
    MultiLayerNetwork restored =
        ModelSerializer.restoreMultiLayerNetwork(
            new ByteArrayInputStream(latest.getModel().array()), true);
    INDArray outputs = restored.output(Nd4j.create(featureRows(next)));
    List<Prediction> served = lastPredictions(harness, 16);
    for (int row = 0; row < 16; row++) {
      assertThat(served.get(row).getModelVersion()).isEqualTo(6);
      assertThat(served.get(row).getScores())
          .containsExactly(boxed(outputs.getRow(row).toFloatVector()));
    }
  }

  @Test
  void publishesAChangedModelWhenTheIntervalPasses() throws Exception {
    var harness = open(settings(0, Duration.ofSeconds(1)));
    harness.setProcessingTime(10_000);

    harness.processBatch(separable("a", 8, 5));

    assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);
    assertThat(checkpoints(harness)).isEmpty();
    harness.setProcessingTime(11_000);
    assertThat(checkpoints(harness)).extracting(ModelCheckpoint::getVersion).containsExactly(1L);
    assertThat(keyedState(harness, "a", KeyStep.publicationDescriptor()).value())
        .as("the publication's version and time")
        .containsExactly(1L, 11_000L);

    // An unchanged model is not published again.
    harness.setProcessingTime(20_000);
    assertThat(checkpoints(harness)).hasSize(1);
    assertThat(harness.numProcessingTimeTimers()).isZero();
  }

  @Test
  void publishesTheFinalModelWhenTheInputEnds() throws Exception {
    var harness = open(settings(100, Duration.ofHours(1)));
    harness.processBatch(separable("a", 8, 6));
    harness.processBatch(separable("b", 8, 7));

    harness.processBothWatermarks(new Watermark(Long.MAX_VALUE));

    assertThat(checkpoints(harness))
        .extracting(ModelCheckpoint::getKey)
        .containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void trainsEachKeyAsIfItHadTheNetworkToItself() throws Exception {
    var shared = open(settings(100, Duration.ofHours(1)));
    var alone = open(settings(100, Duration.ofHours(1)));
    List<LabeledSample> a = separable("a", 160, 8);
    List<LabeledSample> b = separable("b", 160, 9);

    for (int start = 0; start < 160; start += 16) {
      shared.processBatch(a.subList(start, start + 16));
      shared.processBatch(b.subList(start, start + 16));
      alone.processBatch(a.subList(start, start + 16));
    }

    assertThat(scoresOfKey(shared, "a")).isEqualTo(scoresOfKey(alone, "a"));
  }

  @Test
  void continuesFromACheckpointExactlyAsWithoutTheRestart() throws Exception {
    List<LabeledSample> stream = separable("a", 320, 10);
    var uninterrupted = open(settings(100, Duration.ofHours(1)));
    for (int start = 0; start < 320; start += 32) {
      uninterrupted.processBatch(stream.subList(start, start + 32));
    }

    var first = open(settings(100, Duration.ofHours(1)));
    for (int start = 0; start < 160; start += 32) {
      first.processBatch(stream.subList(start, start + 32));
    }
    OperatorSubtaskState snapshot = first.snapshot(1L, 1L);
    var restored =
        new TrainerHarness(
            new OnlineTrainer(settings(100, Duration.ofHours(1)), TrainerHarness.BATCH_PER_CALL));
    harnesses.add(restored);
    restored.initializeState(snapshot);
    restored.open();
    for (int start = 160; start < 320; start += 32) {
      restored.processBatch(stream.subList(start, start + 32));
    }

    List<Prediction> expected = lastPredictions(uninterrupted, 160);
    List<Prediction> actual = restored.extractOutputValues();
    assertThat(actual)
        .extracting(Prediction::getModelVersion)
        .isEqualTo(expected.stream().map(Prediction::getModelVersion).toList());
    assertThat(actual)
        .extracting(Prediction::getScores)
        .isEqualTo(expected.stream().map(Prediction::getScores).toList());
  }

  @Test
  void rollsBackStepsThatDivergeAndNeverPublishesANonFiniteModel() throws Exception {
    // Plain SGD on a linear regression with a learning rate far above 2/||x||^2 grows the
    // weights geometrically until they overflow: a real blow-up, not a contrived one.
    String exploding = TestModels.linearRegression(new Sgd(10.0)).toJson();
    var harness =
        open(
            new TrainerSettings.Builder(
                    exploding, ModelShape.regression(2), 1, Duration.ZERO, 200, DRIFT_ALERTS)
                .build());
    List<LabeledSample> stream = separable("a", 8 * 100, 12);

    for (int start = 0; start < stream.size(); start += 8) {
      List<LabeledSample> batch = new ArrayList<>();
      for (LabeledSample sample : stream.subList(start, start + 8)) {
        batch.add(
            LabeledSample.newBuilder(sample)
                .setLabel(null)
                .setTarget(3.0 * sample.getLabel())
                .build());
      }
      harness.processBatch(batch);
    }

    List<ModelCheckpoint> published = checkpoints(harness);
    KeyModelState state = keyedState(harness, "a", KeyStep.modelDescriptor()).value();
    assertThat(harness.getSideOutput(DeadLetters.TAG))
        .isNotEmpty()
        .allSatisfy(
            record ->
                assertThat(record.getValue().getReason())
                    .isEqualTo(DeadLetterReason.DIVERGED_BATCH));
    assertThat(state.getVersion()).isLessThan(100).isEqualTo(published.size());
    assertThat(allFinite(ArrayBytes.decode(state.getParameters()).toFloatVector())).isTrue();
    for (ModelCheckpoint checkpoint : published) {
      MultiLayerNetwork restored =
          ModelSerializer.restoreMultiLayerNetwork(
              new ByteArrayInputStream(checkpoint.getModel().array()), true);
      assertThat(allFinite(restored.params().toFloatVector()))
          .as("parameters of version %d are finite", checkpoint.getVersion())
          .isTrue();
    }
  }

  private TrainerHarness open(TrainerSettings settings) throws Exception {
    var harness = new TrainerHarness(new OnlineTrainer(settings, TrainerHarness.BATCH_PER_CALL));
    harnesses.add(harness);
    harness.open();
    return harness;
  }

  private static TrainerSettings settings(int everySteps, Duration interval) {
    return new TrainerSettings.Builder(
            MODEL, ModelShape.classification(2, 2), everySteps, interval, 200, DRIFT_ALERTS)
        .build();
  }

  private static List<ModelCheckpoint> checkpoints(TrainerHarness harness) {
    return harness.checkpoints();
  }

  private static List<Prediction> lastPredictions(TrainerHarness harness, int count) {
    List<Prediction> all = harness.extractOutputValues();
    return all.subList(all.size() - count, all.size());
  }

  private static List<List<Float>> scoresOfKey(TrainerHarness harness, String key) {
    return harness.extractOutputValues().stream()
        .filter(p -> p.getKey().equals(key))
        .map(Prediction::getScores)
        .toList();
  }

  private static boolean allFinite(float[] values) {
    for (float value : values) {
      if (!Float.isFinite(value)) {
        return false;
      }
    }
    return true;
  }
}
