package io.streamlearn.operators;

import static io.streamlearn.operators.Samples.keyedState;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamlearn.operators.drift.DetectorType;
import io.streamlearn.operators.state.KeyModelState;
import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.ModelCheckpoint;
import io.streamlearn.schemas.Prediction;
import io.streamlearn.schemas.SampleLabel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * Multi-label classification (one sigmoid per class, trained from the set of classes that hold) and
 * regression with several outputs learn test-then-train through the trainer, with either trainer,
 * and publish models that plain DL4J scores as the job did.
 */
class MultiOutputTasksTest {

  private static final int FEATURES = 4;
  private static final int CLASSES = 3;
  private static final int OUTPUTS = 2;
  private static final int BATCH = 16;
  private static final int BATCHES = 150;

  /** The last batches, whose prequential predictions show what the model learned. */
  private static final int LATE = 30;

  private static final ModelShape MULTI_LABEL = ModelShape.multiLabel(FEATURES, CLASSES);
  private static final ModelShape REGRESSION = ModelShape.regression(FEATURES, OUTPUTS);

  @RegisterExtension final TrainerHarnesses trainers = new TrainerHarnesses();

  @Test
  void aMultiLabelModelLearnsEachClassOfASeededStream() throws Exception {
    var harness = trainers.open(settings(multiLabelModel(), MULTI_LABEL));

    List<Prediction> late = lateBatchPredictions(harness, multiLabelStream(BATCHES * BATCH, 11));

    double[] right = new double[CLASSES];
    for (Prediction prediction : late) {
      assertThat(prediction.getScores()).hasSize(CLASSES);
      assertThat(prediction.getPredictedLabel()).isNull();
      List<Integer> expectedSet = new ArrayList<>();
      for (int c = 0; c < CLASSES; c++) {
        boolean predicted = prediction.getScores().get(c) >= 0.5f;
        if (predicted) {
          expectedSet.add(c);
        }
        right[c] += predicted == prediction.getLabels().contains(c) ? 1 : 0;
      }
      assertThat(prediction.getPredictedLabels()).isEqualTo(expectedSet);
    }
    for (int c = 0; c < CLASSES; c++) {
      // A class holds for about half the samples: guessing scores about 0.5.
      assertThat(right[c] / late.size()).as("accuracy of class %d", c).isGreaterThan(0.9);
    }
    ModelCheckpoint last = harness.checkpoints().get(harness.checkpoints().size() - 1);
    assertThat(last.getMetrics().get("accuracy")).as("Hamming accuracy").isGreaterThan(0.9);
    assertThat(last.getMetrics().get("logLoss")).isLessThan(Math.log(2));
  }

  @Test
  void aRegressionWithTwoOutputsBeatsTheMeanPredictorOnEach() throws Exception {
    var harness = trainers.open(settings(regressionModel(), REGRESSION));
    List<LabeledSample> stream = regressionStream(BATCHES * BATCH, 12);

    List<Prediction> late = lateBatchPredictions(harness, stream);

    for (int output = 0; output < OUTPUTS; output++) {
      double mean = 0;
      for (LabeledSample sample : stream) {
        mean += sample.getTargets().get(output) / stream.size();
      }
      double modelError = 0;
      double meanError = 0;
      for (Prediction prediction : late) {
        double target = prediction.getTargets().get(output);
        modelError += Math.abs(prediction.getScores().get(output) - target);
        meanError += Math.abs(mean - target);
      }
      assertThat(modelError)
          .as("absolute error of output %d against the mean predictor's", output)
          .isLessThan(meanError / 4);
    }
    ModelCheckpoint last = harness.checkpoints().get(harness.checkpoints().size() - 1);
    assertThat(last.getMetrics()).containsKeys("mae", "rmse");
    assertThat(last.getMetrics().get("mae")).isLessThan(0.2);
  }

  @Test
  void theFusedTrainerTrainsBothTasksAsThePerKeyTrainerDoes() throws Exception {
    assertFusedAgrees(multiLabelModel(), MULTI_LABEL, multiLabelStream(20 * BATCH, 13));
    assertFusedAgrees(regressionModel(), REGRESSION, regressionStream(20 * BATCH, 14));
  }

  @Test
  void publishedModelsOfBothTasksReproduceTheServedScoresInPlainDl4j() throws Exception {
    for (ModelShape shape : List.of(MULTI_LABEL, REGRESSION)) {
      boolean multiLabel = shape == MULTI_LABEL;
      var harness =
          trainers.openFused(
              settings(multiLabel ? multiLabelModel() : regressionModel(), shape),
              1,
              Duration.ZERO);
      List<LabeledSample> stream =
          multiLabel ? multiLabelStream(6 * BATCH, 15) : regressionStream(6 * BATCH, 15);
      for (int from = 0; from < stream.size(); from += BATCH) {
        harness.processBatch(stream.subList(from, from + BATCH));
      }

      assertThat(PublishedModels.assertReproduceServedScores(harness, stream, 6))
          .as("%s: every batch after the first was served by a published model", shape)
          .isEqualTo(5 * BATCH);
    }
  }

  @Test
  void delayedLabelSetsAndTargetsJoinTheirSamplesWhicheverComesFirst() throws Exception {
    for (ModelShape shape : List.of(MULTI_LABEL, REGRESSION)) {
      var harness =
          trainers.open(
              new TrainerSettings.Builder(
                      shape == MULTI_LABEL ? multiLabelModel() : regressionModel(),
                      shape,
                      100,
                      Duration.ofHours(1),
                      200,
                      DriftSettings.alertOnly(DetectorType.ADWIN))
                  .delayedLabels(new DelayedLabels(Duration.ofSeconds(10), 4, Duration.ZERO))
                  .build());
      List<LabeledSample> stream =
          shape == MULTI_LABEL ? multiLabelStream(8, 16) : regressionStream(8, 16);
      List<LabeledSample> unlabeled =
          stream.stream()
              .map(s -> LabeledSample.newBuilder(s).setLabels(null).setTargets(null).build())
              .toList();
      // The first four labels come before their samples, the last four after them.
      for (LabeledSample sample : stream.subList(0, 4)) {
        harness.processElement2(labelOf(sample), 0);
      }
      harness.processBatch(unlabeled);
      for (LabeledSample sample : stream.subList(4, 8)) {
        harness.processElement2(labelOf(sample), 0);
      }

      KeyModelState state = keyedState(harness, "k", KeyStep.modelDescriptor()).value();
      assertThat(state.getSamplesSeen()).as("%s: all eight trained", shape).isEqualTo(8);
      List<Prediction> scored =
          harness.getSideOutput(TrainerOutputs.SCORED).stream()
              .flatMap(record -> record.getValue().stream())
              .toList();
      assertThat(scored).hasSize(8);
      for (Prediction prediction : scored) {
        LabeledSample sample =
            stream.stream()
                .filter(s -> s.getId().equals(prediction.getSampleId()))
                .findFirst()
                .orElseThrow();
        assertThat(prediction.getLabels()).isEqualTo(sample.getLabels());
        assertThat(prediction.getTargets()).isEqualTo(sample.getTargets());
      }
    }
  }

  private static SampleLabel labelOf(LabeledSample sample) {
    return SampleLabel.newBuilder()
        .setSampleId(sample.getId())
        .setKey(sample.getKey())
        .setLabels(sample.getLabels())
        .setTargets(sample.getTargets())
        .setLabelTime(Instant.ofEpochMilli(5_000))
        .build();
  }

  /** Feeds the stream batch by batch and returns the predictions of the last batches. */
  private static List<Prediction> lateBatchPredictions(
      TrainerHarness harness, List<LabeledSample> stream) throws Exception {
    for (int from = 0; from < stream.size(); from += BATCH) {
      harness.processBatch(stream.subList(from, from + BATCH));
    }
    harness.processWatermark1(new Watermark(Long.MAX_VALUE));
    harness.processWatermark2(new Watermark(Long.MAX_VALUE));
    List<Prediction> predictions = harness.extractOutputValues();
    assertThat(predictions).hasSize(stream.size());
    return predictions.subList(predictions.size() - LATE * BATCH, predictions.size());
  }

  private void assertFusedAgrees(String model, ModelShape shape, List<LabeledSample> stream)
      throws Exception {
    TrainerSettings settings = settings(model, shape);
    var perKey = trainers.open(settings);
    var fused = trainers.openFused(settings, 1, Duration.ZERO);
    for (int from = 0; from < stream.size(); from += BATCH) {
      perKey.processBatch(stream.subList(from, from + BATCH));
      fused.processBatch(stream.subList(from, from + BATCH));
    }
    KeyModelState expected = keyedState(perKey, "k", KeyStep.modelDescriptor()).value();
    KeyModelState actual = keyedState(fused, "k", KeyStep.modelDescriptor()).value();
    assertThat(actual.getVersion()).isEqualTo(expected.getVersion()).isEqualTo(20);
    float[] fusedParameters = ArrayBytes.decode(actual.getParameters()).toFloatVector();
    float[] perKeyParameters = ArrayBytes.decode(expected.getParameters()).toFloatVector();
    assertThat(fusedParameters).hasSameSizeAs(perKeyParameters);
    for (int i = 0; i < perKeyParameters.length; i++) {
      double scale = Math.max(Math.abs(perKeyParameters[i]), 0.1);
      assertThat(Math.abs(fusedParameters[i] - perKeyParameters[i]) / scale)
          .as("%s parameter %d", shape, i)
          .isLessThanOrEqualTo(1e-4);
    }
  }

  private static TrainerSettings settings(String model, ModelShape shape) {
    return new TrainerSettings.Builder(
            model, shape, 1, Duration.ZERO, 200, DriftSettings.alertOnly(DetectorType.ADWIN))
        .build();
  }

  /** Four features, 16 tanh units, one sigmoid per class with binary cross-entropy. */
  private static String multiLabelModel() {
    return network(LossFunction.XENT, CLASSES, Activation.SIGMOID);
  }

  /** Four features, 16 tanh units, two linear outputs with squared error. */
  private static String regressionModel() {
    return network(LossFunction.MSE, OUTPUTS, Activation.IDENTITY);
  }

  private static String network(LossFunction loss, int outputs, Activation activation) {
    return new NeuralNetConfiguration.Builder()
        .seed(7)
        .dataType(DataType.FLOAT)
        .weightInit(WeightInit.XAVIER)
        .updater(new Adam(0.02))
        .list()
        .layer(new DenseLayer.Builder().nIn(FEATURES).nOut(16).activation(Activation.TANH).build())
        .layer(new OutputLayer.Builder(loss).nIn(16).nOut(outputs).activation(activation).build())
        .build()
        .toJson();
  }

  /**
   * Features uniform in [-1, 1]; class 0 holds when x0 > 0, class 1 when x1 + x2 > 0, class 2 when
   * x3 < x0: each about half of the time, independently enough that any subset occurs.
   */
  private static List<LabeledSample> multiLabelStream(int count, long seed) {
    Random random = new Random(seed);
    List<LabeledSample> samples = new ArrayList<>(count);
    for (int n = 0; n < count; n++) {
      float[] x = features(random);
      List<Integer> labels = new ArrayList<>();
      if (x[0] > 0) {
        labels.add(0);
      }
      if (x[1] + x[2] > 0) {
        labels.add(1);
      }
      if (x[3] < x[0]) {
        labels.add(2);
      }
      samples.add(sample(n, x).setLabels(labels).build());
    }
    return samples;
  }

  /** Targets 2 x0 - x1 + 0.5 and 0.5 x3 - x2 - 1, without noise. */
  private static List<LabeledSample> regressionStream(int count, long seed) {
    Random random = new Random(seed);
    List<LabeledSample> samples = new ArrayList<>(count);
    for (int n = 0; n < count; n++) {
      float[] x = features(random);
      double first = 2.0 * x[0] - x[1] + 0.5;
      double second = 0.5 * x[3] - x[2] - 1.0;
      samples.add(sample(n, x).setTargets(List.of(first, second)).build());
    }
    return samples;
  }

  private static float[] features(Random random) {
    float[] x = new float[FEATURES];
    for (int i = 0; i < FEATURES; i++) {
      x[i] = random.nextFloat() * 2 - 1;
    }
    return x;
  }

  private static LabeledSample.Builder sample(int n, float[] x) {
    List<Float> features = new ArrayList<>();
    for (float value : x) {
      features.add(value);
    }
    return LabeledSample.newBuilder()
        .setId("k-" + n)
        .setKey("k")
        .setFeatures(features)
        .setEventTime(Instant.ofEpochMilli(1_000L + n));
  }
}
