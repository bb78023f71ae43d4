package io.streamlearn.operators;

import static io.streamlearn.operators.Samples.keyedState;
import static io.streamlearn.operators.Samples.sample;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamlearn.schemas.LabeledSample;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MiniBatcherTest {

  private KeyedOneInputStreamOperatorTestHarness<String, LabeledSample, List<LabeledSample>>
      harness;

  @AfterEach
  void closeHarness() throws Exception {
    if (harness != null) {
      harness.close();
    }
  }

  @Test
  void flushesWhenBatchIsFull() throws Exception {
    harness = open(new MiniBatcher(3, Duration.ofSeconds(10)));

    harness.processElement(sample("a", 0, 1, 0f), 0);
    harness.processElement(sample("a", 1, 0, 0f), 0);
    assertThat(harness.extractOutputValues()).isEmpty();
    assertThat(keyedState(harness, "a", MiniBatcher.countDescriptor()).value()).isEqualTo(2);
    assertThat(keyedState(harness, "a", MiniBatcher.bufferDescriptor()).get()).hasSize(2);

    harness.processElement(sample("a", 2, 1, 0f), 0);

    assertThat(harness.extractOutputValues())
        .singleElement()
        .satisfies(
            batch ->
                assertThat(batch)
                    .extracting(LabeledSample::getId)
                    .containsExactly("a-0", "a-1", "a-2"));
    assertThat(keyedState(harness, "a", MiniBatcher.bufferDescriptor()).get()).isNullOrEmpty();
    assertThat(keyedState(harness, "a", MiniBatcher.countDescriptor()).value()).isNull();
    assertThat(harness.numProcessingTimeTimers()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void keepsBatchesOfDifferentKeysApart() throws Exception {
    harness = open(new MiniBatcher(2, Duration.ofSeconds(10)));

    harness.processElement(sample("a", 0, 1, 0f), 0);
    harness.processElement(sample("b", 0, 1, 0f), 0);
    harness.processElement(sample("a", 1, 1, 0f), 0);

    assertThat(harness.extractOutputValues())
        .singleElement()
        .satisfies(batch -> assertThat(batch).extracting(LabeledSample::getKey).containsOnly("a"));
    assertThat(keyedState(harness, "b", MiniBatcher.countDescriptor()).value()).isEqualTo(1);
  }

  @Test
  void flushesAPartialBatchWhenMaxDelayPasses() throws Exception {
    harness = open(new MiniBatcher(100, Duration.ofMillis(200)));
    harness.setProcessingTime(1_000);

    harness.processElement(sample("a", 0, 1, 0f), 0);
    harness.setProcessingTime(1_100);
    harness.processElement(sample("a", 1, 1, 0f), 0);

    assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);
    assertThat(keyedState(harness, "a", MiniBatcher.timerDescriptor()).value()).isEqualTo(1_200L);

    harness.setProcessingTime(1_199);
    assertThat(harness.extractOutputValues()).isEmpty();
    harness.setProcessingTime(1_200);

    assertThat(harness.extractOutputValues())
        .singleElement()
        .satisfies(b -> assertThat(b).hasSize(2));
    assertThat(harness.numProcessingTimeTimers()).isZero();
    assertThat(keyedState(harness, "a", MiniBatcher.timerDescriptor()).value()).isNull();
  }

  @Test
  void cutsBatchesByCountOnlyWhenMaxDelayIsZero() throws Exception {
    harness = open(new MiniBatcher(3, Duration.ZERO));

    harness.processElement(sample("a", 0, 1, 0f), 0);
    harness.setProcessingTime(Long.MAX_VALUE / 2);

    assertThat(harness.numProcessingTimeTimers()).isZero();
    assertThat(harness.extractOutputValues()).isEmpty();
  }

  @Test
  void flushesTheRestWhenTheInputEnds() throws Exception {
    harness = open(new MiniBatcher(100, Duration.ofHours(1)));
    harness.processElement(sample("a", 0, 1, 0f), 0);
    harness.processElement(sample("b", 0, 1, 0f), 0);

    harness.processWatermark(new Watermark(Long.MAX_VALUE));

    assertThat(harness.extractOutputValues()).hasSize(2);
  }

  @Test
  void restoresAnOpenBatchFromACheckpoint() throws Exception {
    harness = open(new MiniBatcher(3, Duration.ofSeconds(10)));
    harness.processElement(sample("a", 0, 1, 0f), 0);
    harness.processElement(sample("a", 1, 0, 0f), 0);
    OperatorSubtaskState snapshot = harness.snapshot(1L, 1L);
    harness.close();

    harness = Harnesses.keyed(new MiniBatcher(3, Duration.ofSeconds(10)));
    harness.initializeState(snapshot);
    harness.open();
    harness.processElement(sample("a", 2, 1, 0f), 0);

    assertThat(harness.extractOutputValues())
        .singleElement()
        .satisfies(
            batch ->
                assertThat(batch)
                    .extracting(LabeledSample::getId)
                    .containsExactly("a-0", "a-1", "a-2"));
  }

  private static KeyedOneInputStreamOperatorTestHarness<String, LabeledSample, List<LabeledSample>>
      open(MiniBatcher batcher) throws Exception {
    return ProcessFunctionTestHarnesses.forKeyedProcessFunction(
        batcher, LabeledSample::getKey, Types.STRING);
  }
}
