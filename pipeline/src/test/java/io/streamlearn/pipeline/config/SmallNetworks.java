package io.streamlearn.pipeline.config;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/** Networks that tests use as models trained elsewhere. */
public final class SmallNetworks {

  private SmallNetworks() {}

  /** An initialized 4-8-3 classifier (tanh, softmax, Adam 0.01), as if trained on three classes. */
  public static MultiLayerNetwork threeClassMlp(long seed) {
    MultiLayerNetwork network =
        new MultiLayerNetwork(
            new NeuralNetConfiguration.Builder()
                .seed(seed)
                .updater(new Adam(0.01))
                .weightInit(WeightInit.XAVIER)
                .dataType(DataType.FLOAT)
                .list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(8).activation(Activation.TANH).build())
                .layer(
                    new OutputLayer.Builder(LossFunction.MCXENT)
                        .nIn(8)
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .build())
                .build());
    network.init();
    return network;
  }
}
