package io.streamlearn.pipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamlearn.pipeline.generate.DelayedRecall;
import io.streamlearn.pipeline.generate.FriedmanRegression;
import io.streamlearn.pipeline.generate.LedDigits;
import io.streamlearn.pipeline.generate.MultiLabelHyperplanes;
import io.streamlearn.pipeline.generate.RotatingHyperplane;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

class GeneratorOptionsTest {

  @Test
  void theDemoShapesItsModelForTheStreamItIsAskedFor() {
    DemoCommand demo = new DemoCommand();
    new CommandLine(demo).parseArgs("--stream", "LED", "--keys", "2");

    assertThat(demo.stream.generator()).isInstanceOf(LedDigits.class);
    assertThat(demo.stream.modelShape())
        .isEqualTo(Map.of("model.features", "24", "model.classes", "10"));
  }

  @Test
  void generatesTheRotatingHyperplaneByDefault() {
    DemoCommand demo = new DemoCommand();
    new CommandLine(demo).parseArgs("--features", "6");

    assertThat(demo.stream.generator()).isInstanceOf(RotatingHyperplane.class);
    assertThat(demo.stream.modelShape())
        .isEqualTo(Map.of("model.features", "6", "model.classes", "2"));
  }

  @Test
  void aRegressionStreamAsksForTheRegressionTaskAndASequenceComesFlat() {
    DemoCommand friedman = new DemoCommand();
    new CommandLine(friedman).parseArgs("--stream", "friedman", "--features", "6");
    DemoCommand recall = new DemoCommand();
    new CommandLine(recall)
        .parseArgs(
            "--stream", "recall", "--timesteps", "5", "--channels", "2", "--class-count", "4");

    assertThat(friedman.stream.generator()).isInstanceOf(FriedmanRegression.class);
    assertThat(friedman.stream.modelShape())
        .isEqualTo(Map.of("model.features", "6", "model.task", "REGRESSION"));
    assertThat(recall.stream.generator()).isInstanceOf(DelayedRecall.class);
    assertThat(recall.stream.modelShape())
        .isEqualTo(Map.of("model.features", "10", "model.classes", "4"));
  }

  @Test
  void theMultiOutputStreamsAskForTheirTaskClassesAndOutputs() {
    DemoCommand labelSets = new DemoCommand();
    new CommandLine(labelSets)
        .parseArgs("--stream", "multilabel", "--features", "12", "--class-count", "5");
    DemoCommand targets = new DemoCommand();
    new CommandLine(targets).parseArgs("--stream", "friedman", "--features", "8", "--outputs", "3");

    assertThat(labelSets.stream.generator()).isInstanceOf(MultiLabelHyperplanes.class);
    assertThat(labelSets.stream.modelShape())
        .isEqualTo(
            Map.of("model.features", "12", "model.classes", "5", "model.task", "MULTI_LABEL"));
    assertThat(targets.stream.modelShape())
        .isEqualTo(Map.of("model.features", "8", "model.task", "REGRESSION", "model.outputs", "3"));
  }

  @Test
  void rejectsAnUnknownStreamNamingTheKnownOnes() {
    assertThatThrownBy(() -> new CommandLine(new DemoCommand()).parseArgs("--stream", "agrawal"))
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining(
            "unknown stream 'agrawal': one of hyperplane, sea, rbf, led, waveform, recall,"
                + " motif, friedman, multilabel");
  }
}
