package io.streamlearn.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FlinkOptionKeysTest {

  private final FlinkOptionKeys flink = FlinkOptionKeys.onClassPath();

  @Test
  void knowsFlinkKeysAndPatternsButNotMadeUpOnes() {
    assertThat(flink.isFlinkKey("taskmanager.memory.task.off-heap.size")).isTrue();
    assertThat(flink.isFlinkKey("state.backend.type")).isTrue();
    assertThat(flink.isFlinkKey("execution.checkpointing.savepoint-dir")).isTrue();
    assertThat(flink.isFlinkKey("containerized.taskmanager.env.OMP_NUM_THREADS")).isTrue();
    assertThat(flink.isFlinkKey("metrics.reporter.prom.factory.class")).isTrue();
    assertThat(flink.isFlinkKey("metrics.reporter.prom.port")).isTrue();

    assertThat(flink.isFlinkKey("taskmanager.memory.task.offheap.size")).isFalse();
    assertThat(flink.isFlinkKey("metrics.reporter.prom.prot")).isFalse();
    assertThat(flink.isFlinkKey("state.backend.kind")).isFalse();
  }
}
