package io.streamlearn.operators;

import static io.streamlearn.operators.Samples.keyedState;
import static io.streamlearn.operators.Samples.separable;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamlearn.schemas.LabeledSample;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The mini-batcher's successor drains the open batches old savepoints hold into the trainer. */
class MiniBatchDrainTest {

  private KeyedOneInputStreamOperatorTestHarness<String, LabeledSample, LabeledSample> harness;

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  @Test
  void passesSamplesThrough() throws Exception {
    harness = opened(null);
    List<LabeledSample> samples = separable("a", 3, 1);

    for (LabeledSample sample : samples) {
      harness.processElement(sample, 0);
    }

    assertThat(harness.extractOutputValues()).containsExactlyElementsOf(samples);
  }

  @Test
  void aRestoredBatchGoesOutBeforeItsKeysNextSampleAndOnlyOnce() throws Exception {
    List<LabeledSample> saved = separable("a", 3, 2);
    harness = opened(savepointWithOpenBatch("a", saved));
    LabeledSample other = separable("b", 1, 3).get(0);
    List<LabeledSample> next = separable("a", 5, 2).subList(3, 5);

    harness.processElement(other, 0);
    harness.processElement(next.get(0), 0);
    harness.processElement(next.get(1), 0);

    assertThat(harness.extractOutputValues())
        .containsExactly(other, saved.get(0), saved.get(1), saved.get(2), next.get(0), next.get(1));
    assertThat(keyedState(harness, "a", OpenBatch.countDescriptor()).value()).isNull();
    assertThat(keyedState(harness, "a", OpenBatch.bufferDescriptor()).get()).isNullOrEmpty();
  }

  @Test
  void onlyKeysWhoseBatchWasRestoredAreDrained() throws Exception {
    harness = opened(null);
    // Written while running, not restored: no job writes it, and the drain does not look for it.
    keyedState(harness, "a", OpenBatch.bufferDescriptor()).add(separable("a", 1, 4).get(0));
    keyedState(harness, "a", OpenBatch.countDescriptor()).update(1);
    LabeledSample next = separable("a", 2, 4).get(1);

    harness.processElement(next, 0);

    assertThat(harness.extractOutputValues()).containsExactly(next);
    assertThat(keyedState(harness, "a", OpenBatch.countDescriptor()).value()).isEqualTo(1);
  }

  /** A snapshot of the drain's state as a savepoint of the mini-batcher left a key's batch. */
  private static OperatorSubtaskState savepointWithOpenBatch(String key, List<LabeledSample> batch)
      throws Exception {
    try (var writer = opened(null)) {
      for (LabeledSample sample : batch) {
        keyedState(writer, key, OpenBatch.bufferDescriptor()).add(sample);
      }
      keyedState(writer, key, OpenBatch.countDescriptor()).update(batch.size());
      return writer.snapshot(1, 1);
    }
  }

  private static KeyedOneInputStreamOperatorTestHarness<String, LabeledSample, LabeledSample>
      opened(OperatorSubtaskState restored) throws Exception {
    var opened =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new MiniBatchDrainOperator(), LabeledSample::getKey, Types.STRING);
    if (restored != null) {
      opened.initializeState(restored);
    }
    opened.open();
    return opened;
  }
}
