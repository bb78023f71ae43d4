package io.streamlearn.pipeline.cli;

import static io.streamlearn.pipeline.config.StreamlearnOptions.JOB_NAME;

import io.streamlearn.pipeline.config.StreamlearnConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.client.deployment.StandaloneClusterId;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.client.JobStatusMessage;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The running job that {@code savepoint} and {@code stop} act on, named by the same configuration
 * that {@code run} was given: the job of that name, reached at {@code --jobmanager} or, for a job
 * that {@code run} executes in its own JVM, at the REST address that run wrote to the job's state
 * directory.
 */
final class JobTarget {

  @Mixin JobConfigFile file;

  @Option(
      names = "--jobmanager",
      paramLabel = "HOST:PORT",
      description =
          "REST address of the Flink cluster the job runs on (default: the 'run' process on this"
              + " machine, found through the job's state directory).")
  String jobManager;

  @Option(
      names = "--job-id",
      description = "The job's id (default: the one running job named job.name).")
  String jobId;

  private StreamlearnConfig loaded;

  StreamlearnConfig configuration() {
    if (loaded == null) {
      loaded = file.load();
    }
    return loaded;
  }

  JobStateDir state() {
    return JobStateDir.of(configuration());
  }

  /** A REST client of the cluster the job runs on; close it. */
  RestClusterClient<StandaloneClusterId> client() throws Exception {
    String address = jobManager != null ? jobManager : addressOfLocalRun();
    int colon = address.lastIndexOf(':');
    if (colon < 1) {
      throw new IllegalArgumentException("--jobmanager must be HOST:PORT, got " + address);
    }
    Configuration flink = new Configuration();
    flink.set(RestOptions.ADDRESS, address.substring(0, colon));
    flink.set(RestOptions.PORT, Integer.parseInt(address.substring(colon + 1)));
    return new RestClusterClient<>(flink, StandaloneClusterId.getInstance());
  }

  /** The job's id: --job-id, or that of the one job of this name that has not ended. */
  JobID jobId(RestClusterClient<?> client) throws Exception {
    if (jobId != null) {
      return JobID.fromHexString(jobId);
    }
    String name = configuration().get(JOB_NAME);
    List<JobStatusMessage> running =
        client.listJobs().get(1, TimeUnit.MINUTES).stream()
            .filter(job -> job.getJobName().equals(name))
            .filter(job -> !job.getJobState().isGloballyTerminalState())
            .toList();
    if (running.size() != 1) {
      throw new IllegalArgumentException(
          (running.isEmpty() ? "no job named " : "more than one job named ")
              + name
              + " is running at "
              + client.getWebInterfaceURL()
              + (running.isEmpty()
                  ? ""
                  : " (" + running.stream().map(j -> j.getJobId().toString()).toList() + ")")
              + "; name it with --job-id");
    }
    return running.get(0).getJobId();
  }

  private String addressOfLocalRun() throws IOException {
    Path file = state().restAddressFile();
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          "no 'run' of job "
              + configuration().get(JOB_NAME)
              + " is running on this machine ("
              + file
              + " does not exist); for a job on a Flink cluster give --jobmanager HOST:PORT");
    }
    return Files.readString(file).trim();
  }
}
