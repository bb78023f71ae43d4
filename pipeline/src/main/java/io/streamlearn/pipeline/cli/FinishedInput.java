package io.streamlearn.pipeline.cli;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;

/**
 * Whether a checkpoint or savepoint was taken after the job's input had ended: the final checkpoint
 * of a {@code run --until-end} or the savepoint of a {@code stop --drain}. Flink marks such
 * operators finished and does not start them again on restore, so a job resumed from it would read
 * no more input and end at once, without a word.
 */
final class FinishedInput {

  private FinishedInput() {}

  static boolean in(Path snapshot) throws IOException {
    try (InputStream file = Files.newInputStream(snapshot.resolve(JobStateDir.METADATA))) {
      CheckpointMetadata metadata =
          Checkpoints.loadCheckpointMetadata(
              new DataInputStream(file),
              FinishedInput.class.getClassLoader(),
              snapshot.toUri().toString());
      return metadata.getOperatorStates().stream().anyMatch(OperatorState::isFullyFinished);
    }
  }
}
