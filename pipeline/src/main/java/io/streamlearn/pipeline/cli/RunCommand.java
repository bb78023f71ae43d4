package io.streamlearn.pipeline.cli;

import static io.streamlearn.pipeline.config.StreamlearnOptions.JOB_NAME;

import io.streamlearn.pipeline.KafkaJob;
import io.streamlearn.pipeline.config.StreamlearnConfig;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.RecoveryClaimMode;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the pipeline against a real Kafka cluster: in this JVM, or submitted to a Flink"
          + " cluster with --jobmanager. Inside 'flink run' it submits to that cluster.",
      "First it checks that the Kafka brokers answer and that the topics the job reads exist"
          + " (--create-topics creates the missing ones), and otherwise exits with one line"
          + " saying what is wrong.",
      "Checkpoints are kept in <job.state-dir>/<job.name>/ and retained when the job fails or"
          + " is cancelled; each run resumes from the latest complete checkpoint or savepoint"
          + " there. A job run in this JVM serves Flink's REST API and web UI on a loopback port;"
          + " 'savepoint' and 'stop' find it through the state directory."
    },
    footer = {
      "",
      "Examples:",
      "  bin/streamlearn run --config job.yaml",
      "  bin/streamlearn run --config job.yaml --set batch.size=128 --set job.parallelism=2",
      "  bin/streamlearn run --config job.yaml --create-topics --partitions 4 --replication-factor 3",
      "  bin/streamlearn run --config job.yaml --until-end --quiet   # a back-fill",
      "  bin/streamlearn run --config job.yaml --resume streamlearn-state/streamlearn/savepoints/"
          + "savepoint-1a2b3c-0123456789ab",
      "  bin/streamlearn run --config job.yaml --jobmanager flink-jm:8081 --detached",
      "  flink run pipeline/target/streamlearn-job.jar run --config job.yaml"
    })
final class RunCommand extends Subcommand {

  private static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(5);

  @Mixin JobConfigFile file;

  @Option(
      names = "--jobmanager",
      paramLabel = "HOST:PORT",
      description = "REST address of a Flink cluster to submit to (default: run in this JVM).")
  String jobManager;

  @Option(
      names = "--job-jar",
      description =
          "Job jar shipped to the cluster (default: streamlearn-job.jar beside this jar).")
  Path jobJar;

  @Option(names = "--detached", description = "Return once the job is submitted.")
  boolean detached;

  @Mixin JobTopics topics;

  @Option(
      names = "--resume",
      paramLabel = "PATH|latest|none",
      defaultValue = StartingPoint.LATEST,
      description =
          "Where the models and input offsets come from: 'latest' (default), the newest complete"
              + " checkpoint or savepoint in the job's state directory; a checkpoint (chk-N) or"
              + " savepoint directory; or 'none', new models.")
  String resume;

  @Option(
      names = "--start-fresh",
      description =
          "Start with new models even though the consumer group has committed offsets, which"
              + " skips the input before them. Without it, run refuses to.")
  boolean startFresh;

  @Option(
      names = "--until-end",
      description =
          "Read the input topics up to their end offsets at start, then end: every key's last"
              + " batch is trained and its final model published, and run exits 0. A resumed"
              + " run reads to the end but must then be ended with 'stop --drain' (FLINK-31006).")
  boolean untilEnd;

  @Option(names = "--quiet", description = "No progress lines; only the start and the end.")
  boolean quiet;

  @Override
  public Integer call() throws Exception {
    StreamlearnConfig configuration = file.load();
    topics.prepare(configuration, out(), err());
    JobStateDir state = JobStateDir.of(configuration);
    Optional<Path> snapshot = StartingPoint.choose(resume, startFresh, state, configuration);
    Configuration flink = configuration.flinkConfiguration();
    state.applyTo(flink);
    snapshot.ifPresent(path -> restoreFrom(path, state, flink));
    InProcessRestEndpoint endpoint = InProcessRestEndpoint.configure(flink, state);

    StreamExecutionEnvironment env = environment(flink);
    KafkaJob.define(env, configuration, untilEnd);
    JobClient job = env.executeAsync(configuration.get(JOB_NAME));
    boolean inThisJvm = env instanceof LocalStreamEnvironment;
    out().println(runningLine(configuration, job, inThisJvm ? endpoint.address() : jobManager));
    out()
        .println(
            snapshot.map(path -> "Resumed from " + path).orElse("Started with new models")
                + "; checkpoints go to "
                + state.checkpoints());
    // Which checkpoint is part of what this run is: a later run may take a newer one.
    configuration
        .parentVersions()
        .forEach(
            (key, version) ->
                out()
                    .println(
                        "New keys start from the checkpoint of key '"
                            + key
                            + "' version "
                            + version
                            + " (model.initial.parent-key)"));
    if (untilEnd && snapshot.isPresent()) {
      // FLINK-31006, open in flink-connector-kafka 5.0.0-2.2: a bounded Kafka source restored from
      // a checkpoint reads to its end offsets, then waits for a signal its enumerator never sends.
      out()
          .println(
              "A resumed --until-end job does not end by itself (FLINK-31006): once it has read its"
                  + " input, end it with: bin/streamlearn stop --config "
                  + file.config
                  + " --drain");
    }
    out().flush();
    if (detached) {
      return 0;
    }
    if (inThisJvm) {
      endpoint.publish();
    }
    try (endpoint;
        RunProgress progress = new RunProgress(configuration, out(), quiet)) {
      progress.follow(job, PROGRESS_INTERVAL);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
    return 0;
  }

  /**
   * Restores {@code snapshot}. The job's own retained checkpoints are claimed: Flink deletes each
   * once a newer checkpoint replaces it, so they do not pile up run after run. Anything else, a
   * savepoint in particular, is only read.
   */
  private static void restoreFrom(Path snapshot, JobStateDir state, Configuration flink) {
    flink.set(StateRecoveryOptions.SAVEPOINT_PATH, snapshot.toUri().toString());
    flink.set(
        StateRecoveryOptions.RESTORE_MODE,
        state.isOwnCheckpoint(snapshot) ? RecoveryClaimMode.CLAIM : RecoveryClaimMode.NO_CLAIM);
  }

  private static String runningLine(StreamlearnConfig configuration, JobClient job, String rest) {
    String where =
        rest == null ? "" : "; web UI and REST API at http://" + rest.replaceFirst("^http://", "");
    return "Submitted job " + job.getJobID() + " (" + configuration.get(JOB_NAME) + ")" + where;
  }

  private StreamExecutionEnvironment environment(Configuration flink) throws URISyntaxException {
    if (jobManager == null) {
      return StreamExecutionEnvironment.getExecutionEnvironment(flink);
    }
    int colon = jobManager.lastIndexOf(':');
    if (colon < 1) {
      throw new IllegalArgumentException("--jobmanager must be HOST:PORT, got " + jobManager);
    }
    Path jar = jobJar != null ? jobJar : defaultJobJar();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalArgumentException(
          "job jar not found: " + jar + " (build it with mvn package)");
    }
    return StreamExecutionEnvironment.createRemoteEnvironment(
        jobManager.substring(0, colon),
        Integer.parseInt(jobManager.substring(colon + 1)),
        flink,
        jar.toString());
  }

  private static Path defaultJobJar() throws URISyntaxException {
    Path running =
        Path.of(RunCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    return running.resolveSibling("streamlearn-job.jar");
  }
}
