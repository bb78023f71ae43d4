package io.streamlearn.pipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobStateDirTest {

  @TempDir Path root;

  @Test
  void latestSnapshotIsTheCheckpointOrSavepointWhoseMetadataWasWrittenLast() throws IOException {
    JobStateDir state = new JobStateDir(root);
    Path older = snapshot(state.checkpoints().resolve("job-a/chk-9"), 100);
    Path newest = snapshot(state.checkpoints().resolve("job-b/chk-2"), 300);
    Path savepoint = snapshot(state.savepoints().resolve("savepoint-1"), 200);
    // Being written when the process died: no metadata, newer than everything else.
    Files.createDirectories(state.checkpoints().resolve("job-b/chk-3"));

    assertThat(state.latestSnapshot()).contains(newest);
    assertThat(state.isOwnCheckpoint(newest)).isTrue();
    assertThat(state.isOwnCheckpoint(savepoint)).isFalse();
    assertThat(older).exists();
  }

  @Test
  void aSavepointWrittenAfterTheLastCheckpointIsTheLatest() throws IOException {
    JobStateDir state = new JobStateDir(root);
    snapshot(state.checkpoints().resolve("job-a/chk-9"), 100);
    Path savepoint = snapshot(state.savepoints().resolve("savepoint-1"), 200);

    assertThat(state.latestSnapshot()).contains(savepoint);
    assertThat(state.savepointSince(Instant.ofEpochSecond(150))).contains(savepoint);
    assertThat(state.savepointSince(Instant.ofEpochSecond(250))).isEmpty();
  }

  @Test
  void noSnapshotInAMissingOrEmptyStateDirectory() throws IOException {
    assertThat(new JobStateDir(root.resolve("never-run")).latestSnapshot()).isEmpty();
    Files.createDirectories(root.resolve("checkpoints/job-a/chk-1"));
    assertThat(new JobStateDir(root).latestSnapshot()).isEmpty();
  }

  private static Path snapshot(Path dir, long epochSecond) throws IOException {
    Path metadata = Files.createDirectories(dir).resolve(JobStateDir.METADATA);
    Files.write(metadata, new byte[] {1});
    Files.setLastModifiedTime(metadata, FileTime.from(Instant.ofEpochSecond(epochSecond)));
    return dir;
  }
}
