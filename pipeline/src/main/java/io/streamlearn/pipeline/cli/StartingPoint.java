package io.streamlearn.pipeline.cli;

import static io.streamlearn.pipeline.config.StreamlearnOptions.JOB_NAME;

import io.streamlearn.pipeline.config.StreamlearnConfig;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.flink.configuration.StateRecoveryOptions;

/**
 * Where {@code run} starts: from a checkpoint or savepoint ({@code --resume}, by default the latest
 * of the job's own), or with new models. New models at offsets the consumer group has already
 * committed would silently skip the input they were never trained on, so that needs {@code
 * --start-fresh}.
 */
final class StartingPoint {

  static final String LATEST = "latest";
  static final String NONE = "none";

  private StartingPoint() {}

  /**
   * The snapshot to restore, or empty to start with new models.
   *
   * @param resume {@value #LATEST}, {@value #NONE} or the path of a checkpoint or savepoint
   * @throws IllegalArgumentException if the path holds no complete snapshot, or if the job would
   *     start with new models where its consumer group has committed offsets and {@code startFresh}
   *     is not set
   */
  static Optional<Path> choose(
      String resume, boolean startFresh, JobStateDir state, StreamlearnConfig config)
      throws InterruptedException, ExecutionException, TimeoutException {
    Optional<String> configured =
        config.flinkConfiguration().getOptional(StateRecoveryOptions.SAVEPOINT_PATH);
    Optional<Path> snapshot =
        switch (resume) {
          case LATEST -> configured.flatMap(StartingPoint::localSnapshot).or(state::latestSnapshot);
          case NONE -> Optional.empty();
          default -> Optional.of(snapshotAt(Path.of(resume)));
        };
    // A snapshot named with Flink's own option (flink.execution.state-recovery.path), on a file
    // system this process cannot look into, is the user's explicit choice: Flink restores it.
    boolean restoresConfigured = resume.equals(LATEST) && configured.isPresent();
    if (snapshot.isEmpty() && !startFresh && !restoresConfigured) {
      refuseIfInputWasConsumed(state, config);
    }
    return snapshot;
  }

  /** A snapshot named by a local path or {@code file:} URI, as this process can check it. */
  private static Optional<Path> localSnapshot(String location) {
    if (location.startsWith("file:")) {
      return Optional.of(snapshotAt(Path.of(URI.create(location))));
    }
    return location.contains("://") ? Optional.empty() : Optional.of(snapshotAt(Path.of(location)));
  }

  /** The directory of a checkpoint or savepoint, given as that directory or its metadata file. */
  private static Path snapshotAt(Path path) {
    Path dir = path.getFileName().toString().equals(JobStateDir.METADATA) ? path.getParent() : path;
    if (!Files.isRegularFile(dir.resolve(JobStateDir.METADATA))) {
      throw new IllegalArgumentException(
          "--resume "
              + path
              + ": not a complete checkpoint or savepoint (no "
              + JobStateDir.METADATA
              + " file in it)");
    }
    return dir.toAbsolutePath().normalize();
  }

  private static void refuseIfInputWasConsumed(JobStateDir state, StreamlearnConfig config)
      throws InterruptedException, ExecutionException, TimeoutException {
    Set<String> consumed = new TreeSet<>();
    String group;
    try (InputOffsets input = new InputOffsets(config)) {
      group = input.group();
      input.committed().keySet().forEach(partition -> consumed.add(partition.topic()));
    }
    if (!consumed.isEmpty()) {
      throw new IllegalArgumentException(
          "consumer group '"
              + group
              + "' has committed offsets on "
              + String.join(", ", consumed)
              + ", but job '"
              + config.get(JOB_NAME)
              + "' has no checkpoint to resume from in "
              + state.root()
              + ". Started now, its models would begin again from zero while the input before"
              + " those offsets is skipped. Resume with --resume PATH (a checkpoint or savepoint),"
              + " or read the input again from its start under a new kafka.group-id, or pass"
              + " --start-fresh to train new models from the committed offsets on.");
    }
  }
}
