package io.streamlearn.pipeline.cli;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.JobID;
import org.apache.flink.client.deployment.StandaloneClusterId;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.core.execution.SavepointFormatType;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code savepoint} and {@code stop}: both write a savepoint of a running job and say where. */
abstract class SavepointingCommand extends Subcommand {

  private static final long TIMEOUT_MINUTES = 10;

  @Mixin JobTarget target;

  @Option(
      names = "--target",
      paramLabel = "DIR",
      description =
          "Directory to write the savepoint in (default: the job's state directory, where"
              + " 'run --resume latest' finds it).")
  String directory;

  /** Starts the savepoint: the future's value is where it was written. */
  abstract CompletableFuture<String> savepoint(
      RestClusterClient<StandaloneClusterId> client,
      JobID job,
      String directory,
      SavepointFormatType format);

  /** What was done, for the line naming the savepoint. */
  abstract String done();

  @Override
  public Integer call() throws Exception {
    JobStateDir state = target.state();
    String into = directory != null ? directory : state.savepoints().toUri().toString();
    Instant started = Instant.now();
    String location;
    try (RestClusterClient<StandaloneClusterId> client = target.client()) {
      JobID job = target.jobId(client);
      location =
          awaitLocation(
              savepoint(client, job, into, SavepointFormatType.CANONICAL), state, started);
    }
    out().println(done() + "; savepoint written to " + location);
    out()
        .println(
            "Resume from it with: bin/streamlearn run --config "
                + target.file.config
                + (directory == null ? "" : " --resume " + location));
    return 0;
  }

  /**
   * Where the savepoint went. A job that ends with its savepoint ({@code stop}) in a {@code run}
   * process takes that process's REST endpoint with it, sometimes before the answer is read; the
   * savepoint is then the one that appeared in the state directory since the command started.
   */
  private static String awaitLocation(
      CompletableFuture<String> savepoint, JobStateDir state, Instant started)
      throws ExecutionException, InterruptedException, TimeoutException {
    try {
      return savepoint.get(TIMEOUT_MINUTES, TimeUnit.MINUTES);
    } catch (ExecutionException e) {
      Optional<Path> written = state.savepointSince(started);
      if (written.isEmpty()) {
        throw e;
      }
      return written.get().toUri().toString();
    }
  }
}
