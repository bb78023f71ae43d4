package io.streamlearn.pipeline.cli;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.kafka.common.TopicPartition;

/**
 * Ends a resumed {@code run --until-end} once it has read its input up to the end offsets there
 * were when it started. A bounded Kafka source restored from a checkpoint reads to its end offsets
 * and then waits forever (FLINK-31006, open in flink-connector-kafka 5.0.0-2.2): its restored
 * enumerator never tells the readers that no more input comes. The consumer group's offsets,
 * committed with each checkpoint, show when all was read; a stop with a drained savepoint then ends
 * the input as the source would have: every key's last batch is trained and its final model
 * published.
 */
final class ResumedRunEnd implements AutoCloseable {

  private final InputOffsets input;
  private final Map<TopicPartition, Long> ends;
  private final String savepointDirectory;
  private CompletableFuture<String> drain;

  private ResumedRunEnd(
      InputOffsets input, Map<TopicPartition, Long> ends, String savepointDirectory) {
    this.input = input;
    this.ends = ends;
    this.savepointDirectory = savepointDirectory;
  }

  /** Notes the input's end offsets now, when the job starts. */
  static ResumedRunEnd atStart(InputOffsets input, JobStateDir state)
      throws InterruptedException, ExecutionException, TimeoutException {
    return new ResumedRunEnd(input, input.ends(), state.savepoints().toUri().toString());
  }

  /** Drains the job once the group has committed every end offset; called while the job runs. */
  void check(JobClient job) throws InterruptedException {
    if (drain != null) {
      return;
    }
    Map<TopicPartition, Long> committed;
    try {
      committed = input.committed();
    } catch (ExecutionException | TimeoutException e) {
      return; // Kafka may be busy or away for a moment: asked again at the next check.
    }
    boolean allRead =
        ends.entrySet().stream()
            .allMatch(end -> committed.getOrDefault(end.getKey(), 0L) >= end.getValue());
    if (allRead) {
      drain = job.stopWithSavepoint(true, savepointDirectory, SavepointFormatType.CANONICAL);
    }
  }

  @Override
  public void close() {
    input.close();
  }
}
