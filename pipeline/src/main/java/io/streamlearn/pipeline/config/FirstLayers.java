package io.streamlearn.pipeline.config;

import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_FEATURES;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_INPUT_CHANNELS;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_INPUT_TYPE;

import io.streamlearn.operators.InputShape;
import java.util.Optional;
import org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.Subsampling1DLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.conf.layers.wrapper.BaseWrapperLayer;

/**
 * Whether a network's first layer takes the declared input: the kind of array it expects (a
 * recurrent or Conv1D layer a sequence, a Conv2D or pooling layer a grid, other layers a vector)
 * and, where it has one, its nIn.
 */
final class FirstLayers {

  private FirstLayers() {}

  /** What is wrong with {@code layer} as the first layer for {@code input}, if anything. */
  static Optional<String> problem(Layer layer, InputShape input, String quotedFile) {
    Layer inner = unwrapped(layer);
    InputShape.Kind takes = kindTaken(inner);
    if (takes != input.kind()) {
      return Optional.of(
          "the first layer of "
              + quotedFile
              + " is a "
              + inner.getClass().getSimpleName()
              + ", which takes a "
              + takes
              + " input, but "
              + MODEL_INPUT_TYPE.key()
              + " is "
              + input.kind()
              + "; declare the input the network takes");
    }
    if (!(inner instanceof FeedForwardLayer feedForward)) {
      return Optional.empty();
    }
    boolean vector = takes == InputShape.Kind.VECTOR;
    long expected = vector ? input.features() : input.channels();
    if (feedForward.getNIn() == expected) {
      return Optional.empty();
    }
    return Optional.of(
        "the first layer of "
            + quotedFile
            + " has nIn "
            + feedForward.getNIn()
            + " but "
            + (vector ? MODEL_FEATURES : MODEL_INPUT_CHANNELS).key()
            + " is "
            + expected
            + ", they must be equal");
  }

  /** The layer that does the work inside wrappers such as LastTimeStep and Bidirectional. */
  private static Layer unwrapped(Layer layer) {
    if (layer instanceof BaseWrapperLayer wrapper) {
      return unwrapped(wrapper.getUnderlying());
    }
    if (layer instanceof Bidirectional bidirectional) {
      return unwrapped(bidirectional.getFwd());
    }
    return layer;
  }

  private static InputShape.Kind kindTaken(Layer layer) {
    if (layer instanceof BaseRecurrentLayer
        || layer instanceof Convolution1DLayer
        || layer instanceof Subsampling1DLayer) {
      return InputShape.Kind.SEQUENCE;
    }
    if (layer instanceof ConvolutionLayer || layer instanceof SubsamplingLayer) {
      return InputShape.Kind.GRID;
    }
    return InputShape.Kind.VECTOR;
  }
}
