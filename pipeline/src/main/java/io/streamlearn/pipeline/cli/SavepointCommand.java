package io.streamlearn.pipeline.cli;

import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.common.JobID;
import org.apache.flink.client.deployment.StandaloneClusterId;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.core.execution.SavepointFormatType;
import picocli.CommandLine.Command;

@Command(
    name = "savepoint",
    mixinStandardHelpOptions = true,
    description = {
      "Writes a savepoint of a running job (models, batches waiting, input offsets); the job keeps"
          + " running. The job is the one 'run' started with the same configuration: in a"
          + " 'run' process on this machine, or on the Flink cluster at --jobmanager."
    },
    footer = {
      "",
      "Examples:",
      "  bin/streamlearn savepoint --config job.yaml",
      "  bin/streamlearn savepoint --config job.yaml --jobmanager flink-jm:8081 --target"
          + " s3://bucket/savepoints"
    })
final class SavepointCommand extends SavepointingCommand {

  @Override
  CompletableFuture<String> savepoint(
      RestClusterClient<StandaloneClusterId> client,
      JobID job,
      String directory,
      SavepointFormatType format) {
    return client.triggerSavepoint(job, directory, format);
  }

  @Override
  String done() {
    return "Job still running";
  }
}
