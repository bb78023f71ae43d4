package io.streamlearn.pipeline;

import static io.streamlearn.pipeline.SavepointFixture.recorded;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamlearn.pipeline.SavepointFixture.RecordedPrediction;
import io.streamlearn.pipeline.kafka.KafkaBrokerExtension;
import io.streamlearn.pipeline.kafka.KafkaConnectors;
import io.streamlearn.schemas.LabeledSample;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A savepoint taken by an earlier version of the job ({@link SavepointFixture}) still restores:
 * operator ids, state names and the keyed state's Avro schemas are compatible, and the restored
 * models, optimizer state and open batches are the ones that were saved, so the job predicts
 * exactly what it predicted when the savepoint was taken. The savepoint is older than predictions
 * on arrival: its open batches are in the mini-batcher's state, which the job drains into the
 * trainer, and the samples of each key's last batch, which then waited unpredicted for the batch to
 * fill, are predicted now too.
 */
class SavepointCompatibilityITCase {

  private static final int BATCH_SIZE =
      Integer.parseInt(SavepointFixture.TRAINING.get("batch.size"));

  private static final Path FIXTURE = Path.of("src/test/resources/savepoints/v1");

  @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.withSlots(2);

  @TempDir static Path workDir;
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  @Test
  void restoredModelsPredictWhatTheyPredictedWhenTheSavepointWasTaken() throws Exception {
    List<RecordedPrediction> expected = SavepointFixture.readPredictions(FIXTURE);
    // The savepoint's source offsets point into the samples topic as it was: the same samples,
    // partitions and order on this fresh broker put every sample at its old offset.
    KAFKA
        .broker()
        .createTopic(SavepointFixture.SAMPLES_TOPIC, SavepointFixture.SAMPLES_TOPIC_PARTITIONS);
    KafkaConnectors.produce(
        KAFKA.broker().bootstrapServers(),
        SavepointFixture.SAMPLES_TOPIC,
        Stream.concat(
                SavepointFixture.samplesBefore().stream(), SavepointFixture.samplesAfter().stream())
            .toList());
    Path savepoint = workDir.resolve("savepoint");
    SavepointFixture.copyDirectory(
        FIXTURE.resolve(SavepointFixture.SAVEPOINT_DIRECTORY), savepoint);
    PipelineRun run =
        new PipelineRun(
                KAFKA.broker(),
                SavepointFixture.RUN_NAME,
                SavepointFixture.SAMPLES_TOPIC,
                SavepointFixture.TRAINING)
            .set("flink.execution.state-recovery.path", savepoint.toUri().toString())
            .createTopics();

    Map<String, Long> samplesPerKey =
        Stream.concat(
                SavepointFixture.samplesBefore().stream(), SavepointFixture.samplesAfter().stream())
            .collect(Collectors.groupingBy(LabeledSample::getKey, Collectors.counting()));
    long lastOpenBatches =
        samplesPerKey.values().stream().mapToLong(count -> count % BATCH_SIZE).sum();

    try (RunningJob job = run.start()) {
      run.awaitPredictions(expected.size() + (int) lastOpenBatches);
    }

    Set<String> recordedIds =
        expected.stream().map(RecordedPrediction::sampleId).collect(Collectors.toSet());
    List<RecordedPrediction> all = recorded(run.outputs().predictions());
    List<RecordedPrediction> predicted =
        all.stream().filter(p -> recordedIds.contains(p.sampleId())).toList();
    assertThat(all.stream().filter(p -> !recordedIds.contains(p.sampleId())))
        .as("predictions of samples the recorded run did not predict: its last open batches")
        .hasSize((int) lastOpenBatches)
        .allMatch(p -> p.modelVersion() > 0);
    assertThat(expected)
        .as("recorded predictions: made by models that had trained before the savepoint")
        .isNotEmpty()
        .allMatch(prediction -> prediction.modelVersion() > 0);
    assertThat(predicted)
        .as("sample, key, model version and scores of each prediction after the restore")
        .containsExactlyElementsOf(expected);
  }
}
