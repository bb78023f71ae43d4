package io.streamlearn.pipeline;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;

/**
 * A job started without an end of input. Closing it cancels it unless it was stopped with a
 * savepoint, so that a test that fails halfway leaves no job running.
 */
final class RunningJob implements AutoCloseable {

  private final JobClient client;
  private boolean stopped;

  RunningJob(JobClient client) {
    this.client = client;
  }

  /**
   * Stops the job with a savepoint in {@code directory} and returns the savepoint's path.
   *
   * @param drain end the input first: batches are flushed and final models published, as at the end
   *     of a bounded input
   */
  String stopWithSavepoint(Path directory, boolean drain) throws Exception {
    String savepoint =
        client
            .stopWithSavepoint(drain, directory.toUri().toString(), SavepointFormatType.CANONICAL)
            .get(2, TimeUnit.MINUTES);
    stopped = true;
    return savepoint;
  }

  /**
   * Cancels the job unless it was stopped. Its status is not asked first: a job run outside a test
   * has a MiniCluster of its own, which is gone once the job has stopped.
   */
  @Override
  public void close() throws Exception {
    if (!stopped) {
      client.cancel().get(1, TimeUnit.MINUTES);
    }
  }
}
