package io.streamlearn.pipeline.config;

import static io.streamlearn.pipeline.config.ConfigFixtures.problemsOf;
import static io.streamlearn.pipeline.config.ConfigFixtures.required;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.Subsampling1DLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/** model.layers: the YAML list of maps, every layer type built and trained, and its problems. */
class LayerListTest {

  @TempDir Path tempDir;

  @Test
  void compactSpecBuildsTheSameJsonAsBeforeTheLayerList() {
    // What ModelFactory built before model.layers and the training controls existed, from the
    // compact keys' defaults of then (one hidden layer of 32, set here since the default became
    // 64): a changed JSON would change every existing model's config digest.
    String before =
        new NeuralNetConfiguration.Builder()
            .seed(42L)
            .updater(new Adam(0.01))
            .l2(0.0)
            .weightInit(WeightInit.XAVIER)
            .dataType(DataType.FLOAT)
            .list()
            .layer(new DenseLayer.Builder().nIn(16).nOut(32).activation(Activation.RELU).build())
            .layer(
                new OutputLayer.Builder(LossFunction.MCXENT)
                    .nIn(32)
                    .nOut(2)
                    .activation(Activation.SOFTMAX)
                    .build())
            .build()
            .toJson();

    assertThat(
            StreamlearnConfig.fromMap(required("model.hidden-layers", "32"))
                .modelConfigurationJson())
        .isEqualTo(before);
  }

  @Test
  void yamlListOfMapsBuildsTheLayersWithNInInferredFromTheInput() throws IOException {
    Path file =
        yaml(
            """
            kafka.bootstrap-servers: localhost:9092
            model:
              features: 24
              input: {type: SEQUENCE, timesteps: 8, channels: 3}
              layers:
                - {type: conv1d, filters: 6, kernel: 3}
                - {type: subsampling, pooling: max, kernel: 2}
                - {type: lstm, units: 5, bidirectional: true, last-step: true}
                - {type: dropout, rate: 0.25}
                - {type: output, dropout: 0.1}
            """);

    MultiLayerConfiguration conf = StreamlearnConfig.load(file, Map.of()).modelConfiguration();

    assertThat(conf.getConfs()).hasSize(5);
    Convolution1DLayer conv = (Convolution1DLayer) conf.getConf(0).getLayer();
    assertThat(conv.getNIn()).isEqualTo(3);
    assertThat(conv.getNOut()).isEqualTo(6);
    assertThat(conf.getConf(1).getLayer()).isInstanceOf(Subsampling1DLayer.class);
    LastTimeStep last = (LastTimeStep) conf.getConf(2).getLayer();
    assertThat(last.getUnderlying()).isInstanceOf(Bidirectional.class);
    assertThat(conf.getConf(3).getLayer()).isInstanceOf(DropoutLayer.class);
    OutputLayer output = (OutputLayer) conf.getConf(4).getLayer();
    assertThat(output.getNIn()).as("two directions of 5 units").isEqualTo(10);
    assertThat(output.getNOut()).isEqualTo(2);
    assertThat(output.getIDropout()).isNotNull();
    assertTrains(conf, Nd4j.rand(DataType.FLOAT, 4, 3, 8), 2);
  }

  @Test
  void gridLayersFlattenIntoDenseLayersAndTrain() throws IOException {
    Path file =
        yaml(
            """
            kafka.bootstrap-servers: localhost:9092
            model:
              features: 48
              classes: 3
              input: {type: GRID, height: 4, width: 4, channels: 3}
              layers:
                - {type: conv2d, filters: 4, kernel: [3, 3]}
                - type: batch-norm
                - {type: subsampling, pooling: avg, kernel: 2}
                - {type: dense, units: 8, dropout: 0.2}
            """);

    MultiLayerConfiguration conf = StreamlearnConfig.load(file, Map.of()).modelConfiguration();

    assertThat(conf.getConf(0).getLayer()).isInstanceOf(ConvolutionLayer.class);
    assertThat(conf.getConf(1).getLayer()).isInstanceOf(BatchNormalization.class);
    assertThat(conf.getConf(2).getLayer()).isInstanceOf(SubsamplingLayer.class);
    DenseLayer dense = (DenseLayer) conf.getConf(3).getLayer();
    assertThat(dense.getNIn()).as("2 x 2 cells of 4 filters").isEqualTo(16);
    assertThat(dense.getActivationFn().toString()).isEqualTo("relu");
    assertThat(dense.getIDropout()).isNotNull();
    assertTrains(conf, Nd4j.rand(DataType.FLOAT, 4, 3, 4, 4), 3);
  }

  @Test
  void simpleRnnWithGlobalPoolingTrains() {
    MultiLayerConfiguration conf =
        StreamlearnConfig.fromMap(
                required(
                    "model.features", "12",
                    "model.input.type", "SEQUENCE",
                    "model.input.timesteps", "6",
                    "model.input.channels", "2",
                    "model.activation", "tanh",
                    "model.layers",
                        "type:simple-rnn,units:4;type:global-pooling,pooling:avg;type:dense,units:3"))
            .modelConfiguration();

    assertThat(conf.getConf(0).getLayer()).isInstanceOf(SimpleRnn.class);
    assertThat(conf.getConf(1).getLayer()).isInstanceOf(GlobalPoolingLayer.class);
    assertThat(((DenseLayer) conf.getConf(2).getLayer()).getActivationFn().toString())
        .as("model.activation is the dense layers' default")
        .isEqualTo("tanh");
    assertTrains(conf, Nd4j.rand(DataType.FLOAT, 4, 2, 6), 2);
  }

  @Test
  void anLstmOnAVectorInputNamesTheLayerAndTheInputType() {
    assertThat(problemsOf(required("model.layers", "type:dense,units:4;type:lstm,units:3")))
        .containsExactly("model.layers: layer 2 (lstm): takes a sequence, but receives a vector");
    assertThat(problemsOf(required("model.layers", "type:lstm,units:3")))
        .containsExactly(
            "model.layers: layer 1 (lstm): takes a sequence, but receives a vector"
                + " (model.input.type is VECTOR)");
  }

  @Test
  void conv2dOnASequenceInputIsRefused() {
    assertThat(
            problemsOf(
                required(
                    "model.input.type", "SEQUENCE",
                    "model.input.timesteps", "8",
                    "model.input.channels", "2",
                    "model.layers", "type:conv2d,filters:2,kernel:3")))
        .containsExactly(
            "model.layers: layer 1 (conv2d): takes a grid, but receives a sequence"
                + " (model.input.type is SEQUENCE)");
  }

  @Test
  void aSequenceThatReachesADenseLayerOrTheOutputIsRefused() {
    Map<String, String> sequence =
        required(
            "model.input.type", "SEQUENCE",
            "model.input.timesteps", "8",
            "model.input.channels", "2");

    sequence.put("model.layers", "type:lstm,units:3;type:dense,units:4");
    assertThat(problemsOf(sequence))
        .singleElement()
        .asString()
        .startsWith(
            "model.layers: layer 2 (dense): receives a sequence, but a dense layer takes a vector");
    sequence.put("model.layers", "type:lstm,units:3");
    assertThat(problemsOf(sequence))
        .singleElement()
        .asString()
        .contains("the last layer gives a sequence");
  }

  @Test
  void problemsNameTheLayerAndItsOption() {
    assertThat(
            problemsOf(
                required(
                    "model.layers",
                    "type:dense,unit:4;type:pool;units:2;type:dense,units:x;"
                        + "type:dropout,rate:1.5;type:output;type:dense,units:2")))
        .containsExactly(
            "model.layers: layer 1 (dense): unknown option 'unit'; a dense layer takes"
                + " activation, dropout, units",
            "model.layers: layer 2 (pool): unknown type 'pool'; the types are batch-norm, conv1d,"
                + " conv2d, dense, dropout, global-pooling, lstm, output, simple-rnn, subsampling",
            "model.layers: layer 3: has no type; the types are batch-norm, conv1d, conv2d, dense,"
                + " dropout, global-pooling, lstm, output, simple-rnn, subsampling",
            "model.layers: layer 4 (dense): units 'x' is not an integer",
            "model.layers: layer 5 (dropout): rate 1.5 is out of range, must be >= 0 and < 1",
            "model.layers: layer 6 (output): the output layer must be the last entry");
  }

  @Test
  void yamlLayerEntryWithAMapValueNamesTheEntryAndOption() throws IOException {
    Path file =
        yaml(
            """
            kafka.bootstrap-servers: localhost:9092
            model.features: 4
            model.layers:
              - {type: dense, units: {width: 3}}
            """);

    assertThat(
            org.junit.jupiter.api.Assertions.assertThrows(
                    ConfigException.class, () -> StreamlearnConfig.load(file, Map.of()))
                .problems())
        .contains(
            "model.layers: entry 1, units: an option of a list entry is a plain value or a list"
                + " of them, not a map");
  }

  @Test
  void layersAndHiddenLayersTogetherAreRefused() {
    assertThat(
            problemsOf(required("model.layers", "type:dense,units:4", "model.hidden-layers", "8")))
        .containsExactly(
            "model.hidden-layers: cannot be set together with model.layers, which lists every"
                + " layer; remove one of the two");
  }

  @Test
  void timestepsTimesChannelsMustEqualFeatures() {
    assertThat(
            problemsOf(
                required(
                    "model.input.type", "SEQUENCE",
                    "model.input.timesteps", "5",
                    "model.input.channels", "2",
                    "model.layers", "type:lstm,units:3,last-step:true")))
        .containsExactly(
            "model.input.type: SEQUENCE of 5 model.input.timesteps x 2 model.input.channels holds"
                + " 10 values per sample, but model.features is 16; they must be equal");
  }

  @Test
  void layersRoundTripThroughToMap() {
    StreamlearnConfig config =
        StreamlearnConfig.fromMap(
            required("model.layers", "type:dense,units:4,activation:tanh;type:dropout,rate:0.5"));

    StreamlearnConfig again = StreamlearnConfig.fromMap(config.toMap());

    assertThat(again.modelConfigurationJson()).isEqualTo(config.modelConfigurationJson());
  }

  private Path yaml(String text) throws IOException {
    return Files.writeString(tempDir.resolve("job.yaml"), text);
  }

  /** Builds the network, takes two gradient steps and checks the output's shape. */
  private static void assertTrains(MultiLayerConfiguration conf, INDArray features, int outputs) {
    MultiLayerNetwork network = new MultiLayerNetwork(conf);
    network.init();
    INDArray labels = Nd4j.zeros(DataType.FLOAT, features.size(0), outputs);
    for (int row = 0; row < features.size(0); row++) {
      labels.putScalar(row, row % outputs, 1);
    }
    network.fit(features, labels);
    network.fit(features, labels);
    assertThat(network.getIterationCount()).isEqualTo(2);
    assertThat(Double.isFinite(network.score())).isTrue();
    assertThat(network.output(features).shape()).containsExactly(features.size(0), outputs);
  }
}
