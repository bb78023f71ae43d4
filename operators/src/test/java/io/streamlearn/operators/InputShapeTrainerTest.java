package io.streamlearn.operators;

import static io.streamlearn.operators.Samples.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamlearn.operators.drift.DetectorType;
import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.ModelCheckpoint;
import io.streamlearn.schemas.Prediction;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * Sequence and grid inputs through the real trainer: the flat features become the 3-D and 4-D
 * arrays recurrent and convolutional layers take, in the documented order, so that a published
 * model fed by hand-built arrays scores exactly as served.
 */
class InputShapeTrainerTest {

  private static final int BATCH = 32;
  private static final int BATCHES = 150;

  @RegisterExtension final TrainerHarnesses trainers = new TrainerHarnesses();

  @Test
  void lstmLearnsFromTimeMajorSequences() throws Exception {
    InputShape input = InputShape.sequence(4, 2);
    MultiLayerConfiguration lstm =
        builder()
            .list()
            .layer(
                new LastTimeStep(
                    new LSTM.Builder().nIn(2).nOut(8).activation(Activation.TANH).build()))
            .layer(softmax().nIn(8).build())
            .build();
    List<LabeledSample> stream = channelOneSumDecides(input.features(), 2);

    var harness = trainAndPredictOneMore(lstm.toJson(), input, stream);

    assertLearned(harness);
    // features[t * channels + c] → [sample, c, t]
    INDArray byHand = Nd4j.zeros(DataType.FLOAT, BATCH, 2, 4);
    forEachValue(
        lastBatch(stream),
        (row, i, value) -> byHand.putScalar(new int[] {row, i % 2, i / 2}, value));
    assertServedAsPublished(harness, byHand);
  }

  @Test
  void conv2dLearnsFromRowMajorGridsWithChannelsLast() throws Exception {
    InputShape input = InputShape.grid(3, 3, 2);
    MultiLayerConfiguration cnn =
        builder()
            .list()
            .layer(
                new ConvolutionLayer.Builder(2, 2)
                    .nIn(2)
                    .nOut(4)
                    .activation(Activation.RELU)
                    .build())
            .layer(softmax().build())
            .setInputType(InputType.convolutional(3, 3, 2))
            .build();
    List<LabeledSample> stream = channelOneSumDecides(input.features(), 2);

    var harness = trainAndPredictOneMore(cnn.toJson(), input, stream);

    assertLearned(harness);
    // features[(h * width + w) * channels + c] → [sample, c, h, w]
    INDArray byHand = Nd4j.zeros(DataType.FLOAT, BATCH, 2, 3, 3);
    forEachValue(
        lastBatch(stream),
        (row, i, value) ->
            byHand.putScalar(new int[] {row, i % 2, (i / 2) / 3, (i / 2) % 3}, value));
    assertServedAsPublished(harness, byHand);
  }

  private interface ValueSink {
    void put(int row, int index, float value);
  }

  /** Trains on all full batches but the last, publishes, then predicts the last batch. */
  private TrainerHarness trainAndPredictOneMore(
      String modelJson, InputShape input, List<LabeledSample> stream) throws Exception {
    var harness =
        trainers.open(
            new TrainerSettings.Builder(
                    modelJson,
                    ModelShape.classification(input.features(), 2).withInput(input),
                    BATCHES - 1,
                    Duration.ZERO,
                    200,
                    DriftSettings.alertOnly(DetectorType.NONE))
                .build());
    for (int start = 0; start < stream.size(); start += BATCH) {
      harness.processBatch(stream.subList(start, start + BATCH));
    }
    return harness;
  }

  private static void assertLearned(TrainerHarness harness) {
    List<Prediction> all = harness.extractOutputValues();
    List<Prediction> late = all.subList(all.size() - 20 * BATCH, all.size() - BATCH);
    long correct =
        late.stream().filter(p -> Objects.equals(p.getPredictedLabel(), p.getLabel())).count();
    assertThat(correct / (double) late.size()).isGreaterThanOrEqualTo(0.85);
  }

  /** The last batch was predicted by the model published just before it. */
  private static void assertServedAsPublished(TrainerHarness harness, INDArray byHand)
      throws Exception {
    ModelCheckpoint published =
        harness.getSideOutput(TrainerOutputs.CHECKPOINTS).stream()
            .map(StreamRecord::getValue)
            .reduce((first, second) -> second)
            .orElseThrow();
    MultiLayerNetwork restored =
        ModelSerializer.restoreMultiLayerNetwork(
            new ByteArrayInputStream(published.getModel().array()), true);
    float[][] expected = restored.output(byHand).toFloatMatrix();
    List<Prediction> all = harness.extractOutputValues();
    List<Prediction> served = all.subList(all.size() - BATCH, all.size());
    for (int row = 0; row < BATCH; row++) {
      assertThat(served.get(row).getModelVersion()).isEqualTo(published.getVersion());
      for (int c = 0; c < 2; c++) {
        assertThat(served.get(row).getScores().get(c)).isCloseTo(expected[row][c], within(1e-6f));
      }
    }
  }

  /**
   * Features in [-1, 1] whose channel is the index modulo {@code channels}; label 1 when the values
   * of channel 1 sum to more than 0, so a model must read that channel at every step or cell.
   */
  private static List<LabeledSample> channelOneSumDecides(int features, int channels) {
    Random random = new Random(31);
    List<LabeledSample> samples = new ArrayList<>();
    for (int n = 0; n < BATCHES * BATCH; n++) {
      float[] values = new float[features];
      double sum = 0;
      for (int i = 0; i < features; i++) {
        values[i] = random.nextFloat() * 2 - 1;
        if (i % channels == 1) {
          sum += values[i];
        }
      }
      samples.add(sample("k", n, sum > 0 ? 1 : 0, values));
    }
    return samples;
  }

  private static List<LabeledSample> lastBatch(List<LabeledSample> stream) {
    return stream.subList(stream.size() - BATCH, stream.size());
  }

  private static void forEachValue(List<LabeledSample> samples, ValueSink sink) {
    for (int row = 0; row < samples.size(); row++) {
      List<Float> features = samples.get(row).getFeatures();
      for (int i = 0; i < features.size(); i++) {
        sink.put(row, i, features.get(i));
      }
    }
  }

  private static NeuralNetConfiguration.Builder builder() {
    return new NeuralNetConfiguration.Builder()
        .seed(7)
        .dataType(DataType.FLOAT)
        .weightInit(WeightInit.XAVIER)
        .updater(new Adam(0.02));
  }

  private static OutputLayer.Builder softmax() {
    return new OutputLayer.Builder(LossFunction.MCXENT).nOut(2).activation(Activation.SOFTMAX);
  }
}
