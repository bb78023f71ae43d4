package io.streamlearn.pipeline.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.modelimport.keras.Hdf5Archive;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The Keras-made models in src/test/resources/keras, imported the way model.initial reads a file,
 * give the outputs Keras itself computed for the stored inputs: Sequential models as a
 * MultiLayerNetwork, the functional one as a ComputationGraph.
 */
class KerasFixturesTest {

  static final Path KERAS = Path.of("src/test/resources/keras");

  @ParameterizedTest
  @CsvSource({
    "simple_sparse_xent_mlp_keras_2_model.h5, simple_sparse_xent_mlp_keras_2, 3e-8, false",
    "conv1d_k3_s1_d1_cl_valid_model.h5, conv1d_k3_s1_d1_cl_valid, 6e-8, false",
    "simple_sparse_xent_mlp_keras_2_functional_model.h5, simple_sparse_xent_mlp_keras_2, 3e-8, true"
  })
  void importedModelGivesKerasOutputs(
      String file, String reference, double tolerance, boolean functional) throws Exception {
    Model imported = InitialModels.read(KERAS.resolve(file).toString());

    assertThat(imported)
        .isInstanceOf(functional ? ComputationGraph.class : MultiLayerNetwork.class);
    try (Hdf5Archive stored =
        new Hdf5Archive(KERAS.resolve(reference + "_inputs_and_outputs.h5").toString())) {
      List<String> inputs = stored.getDataSets("inputs");
      List<String> outputs = stored.getDataSets("predictions");
      assertThat(inputs).hasSize(1);
      assertThat(outputs).hasSize(1);
      INDArray input = stored.readDataSet(inputs.get(0), "inputs");
      INDArray expected = stored.readDataSet(outputs.get(0), "predictions");

      INDArray actual =
          imported instanceof ComputationGraph graph
              ? graph.outputSingle(false, input)
              : ((MultiLayerNetwork) imported).output(input, false);

      assertThat(actual.shape()).isEqualTo(expected.shape());
      double maxDifference =
          actual
              .castTo(DataType.DOUBLE)
              .sub(expected.castTo(DataType.DOUBLE))
              .amaxNumber()
              .doubleValue();
      assertThat(maxDifference).isLessThanOrEqualTo(tolerance);
    }
  }
}
