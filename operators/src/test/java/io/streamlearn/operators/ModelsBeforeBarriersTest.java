package io.streamlearn.operators;

import static io.streamlearn.operators.Samples.keyedState;
import static io.streamlearn.operators.Samples.separable;
import static io.streamlearn.operators.Samples.unlabeled;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.streamlearn.operators.drift.DetectorType;
import io.streamlearn.schemas.ModelCheckpoint;
import java.time.Duration;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.learning.config.Adam;

/**
 * With {@code checkpointBeforeBarriers}, right before each checkpoint barrier both trainers publish
 * the model of every key that trained since its last publication, and only those: so the
 * checkpoint's transaction holds every key's model as trained up to it. A key whose change is in
 * its restored state, not in the operator's memory, publishes too.
 */
class ModelsBeforeBarriersTest {

  private static final String MODEL = TestModels.classifier(new Adam(0.05)).toJson();
  private static final int BATCH = 16;

  @RegisterExtension final TrainerHarnesses trainers = new TrainerHarnesses();

  /** The two trainers; the fused one steps its waiting keys at the barrier before publishing. */
  enum Trainer {
    PER_KEY,
    FUSED;

    TrainerHarness harness(TrainerSettings settings) throws Exception {
      return new TrainerHarness(
          this == PER_KEY
              ? new OnlineTrainerOperator(
                  new OnlineTrainer(settings, TrainerHarness.BATCH_PER_CALL))
              : new FusedTrainer(settings, TrainerHarness.BATCH_PER_CALL, 10, Duration.ZERO));
    }
  }

  @ParameterizedTest
  @EnumSource(Trainer.class)
  void aBarrierPublishesEveryKeyThatTrainedSinceItsLastPublicationAndNoOther(Trainer trainer)
      throws Exception {
    var harness = trainers.open(trainer.harness(settings(true)));
    harness.processBatch(separable("a", BATCH, 1));
    harness.processBatch(separable("b", BATCH, 2));
    // Served, never trained: its model is the initial one, not a change to publish.
    harness.processBatch(unlabeled(separable("c", 4, 3)));
    assertThat(harness.checkpoints()).as("published before the first barrier").isEmpty();

    harness.prepareSnapshotPreBarrier(1);

    assertThat(harness.checkpoints())
        .extracting(ModelCheckpoint::getKey, ModelCheckpoint::getVersion)
        .containsExactlyInAnyOrder(tuple("a", 1L), tuple("b", 1L));
    assertThat(harness.checkpoints())
        .allSatisfy(c -> assertThat(c.getSamplesSeen()).isEqualTo(BATCH));
    assertThat(publishedVersion(harness, "a")).isEqualTo(1);
    assertThat(publishedVersion(harness, "b")).isEqualTo(1);
    assertThat(publishedVersion(harness, "c")).isEqualTo(-1);

    harness.processBatch(separable("a", BATCH, 4));
    harness.prepareSnapshotPreBarrier(2);
    harness.prepareSnapshotPreBarrier(3);

    List<ModelCheckpoint> published = harness.checkpoints();
    assertThat(published.subList(2, published.size()))
        .as("published after the second and third barriers")
        .extracting(ModelCheckpoint::getKey, ModelCheckpoint::getVersion)
        .containsExactly(tuple("a", 2L));
    assertThat(publishedVersion(harness, "a")).isEqualTo(2);
    assertThat(publishedVersion(harness, "b")).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(Trainer.class)
  void withoutTheSettingABarrierPublishesNothing(Trainer trainer) throws Exception {
    var harness = trainers.open(trainer.harness(settings(false)));
    harness.processBatch(separable("a", BATCH, 1));

    harness.prepareSnapshotPreBarrier(1);

    assertThat(harness.checkpoints()).isEmpty();
    assertThat(keyedState(harness, "a", KeyStep.modelDescriptor()).value().getVersion())
        .isEqualTo(1);
    assertThat(publishedVersion(harness, "a")).isEqualTo(-1);
  }

  /**
   * The keys to publish are kept in memory, which a restore does not bring back: they are found
   * again in the restored state. Here the state comes from a trainer without the setting that
   * publishes every two steps (a job that turns the setting on from its savepoint), where a trained
   * once more after its last publication.
   */
  @ParameterizedTest
  @EnumSource(Trainer.class)
  void aKeyWhoseRestoredModelIsUnpublishedIsPublishedAtTheFirstBarrier(Trainer trainer)
      throws Exception {
    var before = trainers.open(trainer.harness(everyTwoSteps()));
    for (int round = 0; round < 2; round++) {
      before.processBatch(separable("a", BATCH, 1 + round));
      before.processBatch(separable("b", BATCH, 3 + round));
    }
    before.processBatch(separable("a", BATCH, 5));
    before.prepareSnapshotPreBarrier(1);
    OperatorSubtaskState snapshot = before.snapshot(1, 0);
    assertThat(before.checkpoints())
        .extracting(ModelCheckpoint::getKey, ModelCheckpoint::getVersion)
        .containsExactlyInAnyOrder(tuple("a", 2L), tuple("b", 2L));

    var restored = trainer.harness(settings(true));
    restored.initializeState(snapshot);
    trainers.open(restored);
    restored.prepareSnapshotPreBarrier(3);

    assertThat(restored.checkpoints())
        .extracting(ModelCheckpoint::getKey, ModelCheckpoint::getVersion)
        .containsExactly(tuple("a", 3L));
    assertThat(restored.checkpoints().get(0).getSamplesSeen()).isEqualTo(3 * BATCH);
    assertThat(publishedVersion(restored, "a")).isEqualTo(3);
    assertThat(publishedVersion(restored, "b")).isEqualTo(2);
  }

  /** Published by barriers alone: never by step count or interval. */
  private static TrainerSettings settings(boolean beforeBarriers) {
    return new TrainerSettings.Builder(
            MODEL,
            ModelShape.classification(2, 2),
            beforeBarriers ? 0 : 100,
            beforeBarriers ? Duration.ZERO : Duration.ofHours(1),
            200,
            DriftSettings.alertOnly(DetectorType.ADWIN))
        .checkpointBeforeBarriers(beforeBarriers)
        .build();
  }

  /** Published every two steps, not before barriers. */
  private static TrainerSettings everyTwoSteps() {
    return new TrainerSettings.Builder(
            MODEL,
            ModelShape.classification(2, 2),
            2,
            Duration.ZERO,
            200,
            DriftSettings.alertOnly(DetectorType.ADWIN))
        .build();
  }

  private static long publishedVersion(TrainerHarness harness, String key) throws Exception {
    long[] publication = keyedState(harness, key, KeyStep.publicationDescriptor()).value();
    return publication == null ? -1 : publication[0];
  }
}
