package io.streamlearn.pipeline;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;

/**
 * A job started without an end of input. Closing it cancels it unless it has ended, so that a test
 * that fails halfway leaves no job running on the shared MiniCluster.
 */
record RunningJob(JobClient client) implements AutoCloseable {

  /**
   * Stops the job with a savepoint in {@code directory} and returns the savepoint's path.
   *
   * @param drain end the input first: batches are flushed and final models published, as at the end
   *     of a bounded input
   */
  String stopWithSavepoint(Path directory, boolean drain) throws Exception {
    return client
        .stopWithSavepoint(drain, directory.toUri().toString(), SavepointFormatType.CANONICAL)
        .get(2, TimeUnit.MINUTES);
  }

  @Override
  public void close() throws Exception {
    if (!client.getJobStatus().get(1, TimeUnit.MINUTES).isGloballyTerminalState()) {
      client.cancel().get(1, TimeUnit.MINUTES);
    }
  }
}
