package io.streamlearn.pipeline.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.modelimport.keras.Hdf5Archive;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The Keras-made models in src/test/resources/keras, imported the way model.initial reads a file,
 * give the outputs Keras itself computed for the stored inputs.
 */
class KerasFixturesTest {

  static final Path KERAS = Path.of("src/test/resources/keras");

  @ParameterizedTest
  @CsvSource({"simple_sparse_xent_mlp_keras_2, 3e-8", "conv1d_k3_s1_d1_cl_valid, 6e-8"})
  void importedModelGivesKerasOutputs(String model, double tolerance) throws Exception {
    Model imported = InitialModels.read(KERAS.resolve(model + "_model.h5").toString());

    assertThat(imported).isInstanceOf(MultiLayerNetwork.class);
    try (Hdf5Archive reference =
        new Hdf5Archive(KERAS.resolve(model + "_inputs_and_outputs.h5").toString())) {
      List<String> inputs = reference.getDataSets("inputs");
      List<String> outputs = reference.getDataSets("predictions");
      assertThat(inputs).hasSize(1);
      assertThat(outputs).hasSize(1);
      INDArray input = reference.readDataSet(inputs.get(0), "inputs");
      INDArray expected = reference.readDataSet(outputs.get(0), "predictions");

      INDArray actual = ((MultiLayerNetwork) imported).output(input, false);

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
