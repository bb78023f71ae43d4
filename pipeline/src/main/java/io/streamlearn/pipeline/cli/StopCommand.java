package io.streamlearn.pipeline.cli;

import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.common.JobID;
import org.apache.flink.client.deployment.StandaloneClusterId;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.core.execution.SavepointFormatType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "stop",
    mixinStandardHelpOptions = true,
    description = {
      "Stops a running job with a savepoint, which the next 'run' of the job resumes from. The"
          + " job is the one 'run' started with the same configuration: in a 'run' process on"
          + " this machine (which then ends), or on the Flink cluster at --jobmanager."
    },
    footer = {
      "",
      "Examples:",
      "  bin/streamlearn stop --config job.yaml",
      "  bin/streamlearn stop --config job.yaml --drain   # retiring the job",
      "  bin/streamlearn stop --config job.yaml --jobmanager flink-jm:8081"
    })
final class StopCommand extends SavepointingCommand {

  @Option(
      names = "--drain",
      description =
          "End the input first, as at its end: every key's waiting batch is trained and its"
              + " final model published. For retiring the job: Flink warns that resuming from a"
              + " drained savepoint can give wrong results.")
  boolean drain;

  @Override
  CompletableFuture<String> savepoint(
      RestClusterClient<StandaloneClusterId> client,
      JobID job,
      String directory,
      SavepointFormatType format) {
    return client.stopWithSavepoint(job, drain, directory, format);
  }

  @Override
  String done() {
    return drain ? "Job drained and stopped" : "Job stopped";
  }
}
