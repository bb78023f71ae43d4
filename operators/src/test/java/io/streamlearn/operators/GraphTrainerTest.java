package io.streamlearn.operators;

import static io.streamlearn.operators.Samples.boxed;
import static io.streamlearn.operators.Samples.featureRows;
import static io.streamlearn.operators.Samples.keyedState;
import static io.streamlearn.operators.Samples.separable;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamlearn.operators.drift.DetectorType;
import io.streamlearn.operators.state.KeyModelState;
import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.ModelCheckpoint;
import io.streamlearn.schemas.ModelFormat;
import io.streamlearn.schemas.Prediction;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/** The per-key step through the second model implementation: a DL4J ComputationGraph. */
class GraphTrainerTest {

  private static final String GRAPH = TestModels.graphClassifier(new Adam(0.05)).toJson();

  @RegisterExtension final TrainerHarnesses trainers = new TrainerHarnesses();

  @Test
  void graphLearnsAndPublishesCheckpointsThatPlainDl4jServesAlike() throws Exception {
    var harness = trainers.open(settings(50));
    List<LabeledSample> stream = separable("a", 100 * 32 + 16, 21);

    for (int start = 0; start < 100 * 32; start += 32) {
      harness.processBatch(stream.subList(start, start + 32));
    }
    List<LabeledSample> next = stream.subList(100 * 32, stream.size());
    harness.processBatch(next);

    List<Prediction> all = harness.extractOutputValues();
    List<Prediction> lastTrained = all.subList(all.size() - 16 - 640, all.size() - 16);
    long correct =
        lastTrained.stream()
            .filter(p -> Objects.equals(p.getPredictedLabel(), p.getLabel()))
            .count();
    assertThat(correct / 640.0).isGreaterThanOrEqualTo(0.9);
    List<ModelCheckpoint> checkpoints =
        harness.getSideOutput(TrainerOutputs.CHECKPOINTS).stream()
            .map(StreamRecord::getValue)
            .toList();
    assertThat(checkpoints).extracting(ModelCheckpoint::getVersion).containsExactly(50L, 100L);
    ModelCheckpoint latest = checkpoints.get(1);
    assertThat(latest.getModelFormat()).isEqualTo(ModelFormat.DL4J_COMPUTATION_GRAPH_ZIP);
    ComputationGraph restored =
        ModelSerializer.restoreComputationGraph(
            new ByteArrayInputStream(latest.getModel().array()), true);
    float[][] expected = restored.outputSingle(Nd4j.create(featureRows(next))).toFloatMatrix();
    List<Prediction> served = all.subList(all.size() - 16, all.size());
    for (int row = 0; row < 16; row++) {
      assertThat(served.get(row).getModelVersion()).isEqualTo(100);
      assertThat(served.get(row).getScores()).containsExactly(boxed(expected[row]));
    }
  }

  @Test
  void graphTrainsEachKeyAsIfAloneAndContinuesFromACheckpoint() throws Exception {
    List<LabeledSample> a = separable("a", 320, 22);
    List<LabeledSample> b = separable("b", 320, 23);
    var alone = trainers.open(settings(1_000));
    for (int start = 0; start < 320; start += 32) {
      alone.processBatch(a.subList(start, start + 32));
    }

    var first = trainers.open(settings(1_000));
    for (int start = 0; start < 160; start += 32) {
      first.processBatch(a.subList(start, start + 32));
      first.processBatch(b.subList(start, start + 32));
    }
    OperatorSubtaskState snapshot = first.snapshot(1L, 1L);
    var restored =
        new TrainerHarness(new OnlineTrainer(settings(1_000), TrainerHarness.BATCH_PER_CALL));
    try {
      restored.initializeState(snapshot);
      restored.open();
      for (int start = 160; start < 320; start += 32) {
        restored.processBatch(b.subList(start, start + 32));
        restored.processBatch(a.subList(start, start + 32));
      }
      List<Prediction> aloneLater = alone.extractOutputValues().subList(160, 320);
      List<Prediction> restoredA =
          restored.extractOutputValues().stream().filter(p -> p.getKey().equals("a")).toList();
      assertThat(restoredA)
          .extracting(Prediction::getScores)
          .isEqualTo(aloneLater.stream().map(Prediction::getScores).toList());
      KeyModelState aloneState = keyedState(alone, "a", KeyStep.modelDescriptor()).value();
      KeyModelState restoredState = keyedState(restored, "a", KeyStep.modelDescriptor()).value();
      assertThat(restoredState.getParameters()).isEqualTo(aloneState.getParameters());
      assertThat(restoredState.getUpdaterState()).isEqualTo(aloneState.getUpdaterState());
      assertThat(restoredState.getSteps()).isEqualTo(10);
    } finally {
      restored.close();
    }
  }

  private static TrainerSettings settings(int everySteps) {
    return new TrainerSettings.Builder(
            GRAPH,
            ModelShape.classification(2, 2),
            everySteps,
            Duration.ZERO,
            200,
            DriftSettings.alertOnly(DetectorType.ADWIN))
        .build();
  }
}
