package io.streamlearn.pipeline.cli;

import static io.streamlearn.pipeline.config.StreamlearnOptions.JOB_NAME;
import static io.streamlearn.pipeline.config.StreamlearnOptions.JOB_STATE_DIR;

import io.streamlearn.pipeline.config.StreamlearnConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;

/**
 * One job's durable state on disk, {@code <job.state-dir>/<job.name>/}: the Flink checkpoints
 * ({@code checkpoints/<job id>/chk-N/}), the savepoints ({@code savepoints/savepoint-.../}) and,
 * while the job runs in a {@code run} process, that process's REST address ({@code rest-address}),
 * through which {@code savepoint} and {@code stop} reach it.
 */
final class JobStateDir {

  /** The file Flink writes last into a checkpoint or savepoint: without it, it is incomplete. */
  static final String METADATA = "_metadata";

  private final Path root;

  JobStateDir(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  static JobStateDir of(StreamlearnConfig config) {
    return new JobStateDir(Path.of(config.get(JOB_STATE_DIR)).resolve(config.get(JOB_NAME)));
  }

  Path root() {
    return root;
  }

  Path checkpoints() {
    return root.resolve("checkpoints");
  }

  Path savepoints() {
    return root.resolve("savepoints");
  }

  Path restAddressFile() {
    return root.resolve("rest-address");
  }

  /**
   * Keeps the job's checkpoints and savepoints here, and keeps the latest checkpoint when the job
   * fails or is cancelled: that checkpoint is what the next run resumes from. (A process that is
   * killed never gets to delete it.)
   */
  void applyTo(Configuration flink) {
    flink.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints().toUri().toString());
    flink.set(CheckpointingOptions.SAVEPOINT_DIRECTORY, savepoints().toUri().toString());
    flink.set(
        CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
        ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
  }

  /**
   * The newest complete checkpoint or savepoint of this job, of any earlier run: the directory of
   * the newest {@value #METADATA} file. Checkpoints that were being written when the process died
   * have none and are skipped.
   */
  Optional<Path> latestSnapshot() {
    return Stream.concat(
            metadataFiles(checkpoints(), 3), // checkpoints/<job id>/chk-N/_metadata
            metadataFiles(savepoints(), 2)) // savepoints/savepoint-.../_metadata
        .max(Comparator.comparing(JobStateDir::modified).thenComparing(Path::toString))
        .map(Path::getParent);
  }

  /** The newest complete savepoint in the job's savepoint directory written after {@code time}. */
  Optional<Path> savepointSince(Instant time) {
    return metadataFiles(savepoints(), 2)
        .filter(file -> modified(file).toInstant().isAfter(time))
        .max(Comparator.comparing(JobStateDir::modified))
        .map(Path::getParent);
  }

  /** Whether {@code snapshot} is one of this job's own retained checkpoints. */
  boolean isOwnCheckpoint(Path snapshot) {
    return snapshot.toAbsolutePath().normalize().startsWith(checkpoints());
  }

  private static Stream<Path> metadataFiles(Path dir, int depth) {
    if (!Files.isDirectory(dir)) {
      return Stream.empty();
    }
    try (Stream<Path> files = Files.find(dir, depth, (path, attributes) -> isMetadata(path))) {
      return files.toList().stream();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot look for checkpoints in " + dir, e);
    }
  }

  private static boolean isMetadata(Path path) {
    return path.getFileName().toString().equals(METADATA);
  }

  private static FileTime modified(Path file) {
    try {
      return Files.getLastModifiedTime(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
