package io.streamlearn.bench;

import io.streamlearn.operators.Batching;
import io.streamlearn.operators.DriftSettings;
import io.streamlearn.operators.ModelShape;
import io.streamlearn.operators.OnlineTrainer;
import io.streamlearn.operators.OnlineTrainerOperator;
import io.streamlearn.operators.TrainerSettings;
import io.streamlearn.operators.drift.DetectorType;
import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.SampleLabel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * How close the trainer gets to DL4J itself. The ceiling is one DL4J network doing what the trainer
 * must do per batch at the least (score the batch, then one gradient step on it) with no keys, no
 * state and no Flink; the trainer does the same through its operator, swapping the state of several
 * keys in and out. Both run on the same batches in the same JVM, alternately, so the machine's
 * speed and load cancel out of the ratio.
 *
 * <p>Usage: {@code bench/run [batchSize] [keys] [rounds]}.
 */
public final class TrainerThroughput {

  private static final int FEATURES = 10;
  private static final int BATCHES = 1_500;

  public static void main(String[] args) throws Exception {
    int batchSize = args.length > 0 ? Integer.parseInt(args[0]) : 64;
    int keys = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    String model = model().toJson();
    List<List<LabeledSample>> batches = batches(batchSize, keys);

    double bestOperator = 0;
    double bestCeiling = 0;
    for (int round = 0; round < rounds; round++) {
      double ceiling = ceilingBatchesPerSecond(model, batches);
      double operator = operatorBatchesPerSecond(model, batches);
      bestCeiling = Math.max(bestCeiling, ceiling);
      bestOperator = Math.max(bestOperator, operator);
      System.out.printf(
          Locale.ROOT,
          "round %d: ceiling %.0f batches/s, trainer %.0f batches/s, ratio %.2f%n",
          round + 1,
          ceiling,
          operator,
          operator / ceiling);
    }
    System.out.printf(
        Locale.ROOT,
        "trainer/ceiling = %.2f (best of %d rounds: trainer %.0f samples/s, DL4J ceiling %.0f"
            + " samples/s; batch %d, %d keys, %d-32-2 MLP)%n",
        bestOperator / bestCeiling,
        rounds,
        bestOperator * batchSize,
        bestCeiling * batchSize,
        batchSize,
        keys,
        FEATURES);
  }

  private static double ceilingBatchesPerSecond(String model, List<List<LabeledSample>> batches) {
    MultiLayerNetwork network = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(model));
    network.init();
    List<DataSet> data = new ArrayList<>(batches.size());
    for (List<LabeledSample> batch : batches) {
      data.add(dataSet(batch, FEATURES, 2));
    }
    long start = System.nanoTime();
    for (DataSet batch : data) {
      network.output(batch.getFeatures(), false);
      network.fit(batch);
    }
    return data.size() / seconds(start);
  }

  private static double operatorBatchesPerSecond(String model, List<List<LabeledSample>> batches)
      throws Exception {
    TrainerSettings settings =
        new TrainerSettings.Builder(
                model,
                ModelShape.classification(FEATURES, 2),
                100,
                Duration.ofHours(1),
                1000,
                // The job's default: each key's detector runs in the trainer.
                DriftSettings.alertOnly(DetectorType.ADWIN))
            .build();
    // Cut by count; the harness's clock stands still, so the samples that wait to be predicted
    // together (the job's default wait) are predicted when their batch is cut, as when a busy
    // trainer's samples come faster than the wait.
    Batching batching = new Batching(batches.get(0).size(), Duration.ZERO, Duration.ofMillis(10));
    try (KeyedTwoInputStreamOperatorTestHarness<String, LabeledSample, SampleLabel, ?> harness =
        new KeyedTwoInputStreamOperatorTestHarness<>(
            new OnlineTrainerOperator(new OnlineTrainer(settings, batching)),
            LabeledSample::getKey,
            SampleLabel::getKey,
            Types.STRING)) {
      harness.open();
      long start = System.nanoTime();
      for (List<LabeledSample> batch : batches) {
        for (LabeledSample sample : batch) {
          harness.processElement1(sample, 0);
        }
      }
      double batchesPerSecond = batches.size() / seconds(start);
      harness.getOutput().clear();
      return batchesPerSecond;
    }
  }

  /** A batch of labeled samples as DL4J trains on it: features and one-hot labels. */
  static DataSet dataSet(List<LabeledSample> batch, int featureCount, int classes) {
    INDArray features = Nd4j.zeros(DataType.FLOAT, batch.size(), featureCount);
    INDArray labels = Nd4j.zeros(DataType.FLOAT, batch.size(), classes);
    for (int row = 0; row < batch.size(); row++) {
      LabeledSample sample = batch.get(row);
      for (int column = 0; column < featureCount; column++) {
        features.putScalar(row, column, sample.getFeatures().get(column));
      }
      labels.putScalar(row, sample.getLabel(), 1.0);
    }
    return new DataSet(features, labels);
  }

  private static List<List<LabeledSample>> batches(int batchSize, int keys) {
    Random random = new Random(42);
    List<List<LabeledSample>> batches = new ArrayList<>(BATCHES);
    for (int b = 0; b < BATCHES; b++) {
      String key = "key-" + (b % keys);
      List<LabeledSample> batch = new ArrayList<>(batchSize);
      for (int i = 0; i < batchSize; i++) {
        List<Float> features = new ArrayList<>(FEATURES);
        float sum = 0;
        for (int f = 0; f < FEATURES; f++) {
          float value = random.nextFloat();
          features.add(value);
          sum += value;
        }
        batch.add(
            LabeledSample.newBuilder()
                .setId(key + "-" + b + "-" + i)
                .setKey(key)
                .setFeatures(features)
                .setLabel(sum > FEATURES / 2f ? 1 : 0)
                .setEventTime(Instant.EPOCH)
                .build());
      }
      batches.add(batch);
    }
    return batches;
  }

  /** The benchmarks' model: a 10-32-2 MLP, relu then softmax, trained with Adam. */
  static MultiLayerConfiguration model() {
    return new NeuralNetConfiguration.Builder()
        .seed(1)
        .dataType(DataType.FLOAT)
        .weightInit(WeightInit.XAVIER)
        .updater(new Adam(0.01))
        .list()
        .layer(new DenseLayer.Builder().nIn(FEATURES).nOut(32).activation(Activation.RELU).build())
        .layer(
            new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                .nIn(32)
                .nOut(2)
                .activation(Activation.SOFTMAX)
                .build())
        .build();
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
