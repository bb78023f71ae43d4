package io.streamlearn.operators;

import static io.streamlearn.operators.Samples.keyedState;
import static io.streamlearn.operators.Samples.separable;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamlearn.schemas.LabeledSample;
import java.util.List;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The mini-batcher's successor drains the open batches old savepoints hold into the trainer. */
class MiniBatchDrainTest {

  private KeyedOneInputStreamOperatorTestHarness<String, LabeledSample, LabeledSample> harness;

  @BeforeEach
  void open() throws Exception {
    harness = Harnesses.keyed(new MiniBatchDrain());
    harness.open();
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  @Test
  void passesSamplesThrough() throws Exception {
    List<LabeledSample> samples = separable("a", 3, 1);

    for (LabeledSample sample : samples) {
      harness.processElement(sample, 0);
    }

    assertThat(harness.extractOutputValues()).containsExactlyElementsOf(samples);
  }

  @Test
  void aRestoredBatchGoesOutBeforeItsKeysNextSampleAndOnlyOnce() throws Exception {
    List<LabeledSample> saved = separable("a", 3, 2);
    // As the mini-batcher left a key's open batch in a savepoint.
    for (LabeledSample sample : saved) {
      keyedState(harness, "a", OpenBatch.bufferDescriptor()).add(sample);
    }
    keyedState(harness, "a", OpenBatch.countDescriptor()).update(saved.size());
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
}
