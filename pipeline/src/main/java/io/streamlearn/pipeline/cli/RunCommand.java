package io.streamlearn.pipeline.cli;

import static io.streamlearn.pipeline.config.StreamlearnOptions.JOB_NAME;

import io.streamlearn.pipeline.KafkaJob;
import io.streamlearn.pipeline.config.ConfigException;
import io.streamlearn.pipeline.config.StreamlearnConfig;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.execution.JobClient;
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
          + " saying what is wrong."
    },
    footer = {
      "",
      "Examples:",
      "  bin/streamlearn run --config job.yaml",
      "  bin/streamlearn run --config job.yaml --set batch.size=128 --set job.parallelism=2",
      "  bin/streamlearn run --config job.yaml --create-topics --partitions 4 --replication-factor 3",
      "  bin/streamlearn run --config job.yaml --jobmanager flink-jm:8081 --detached",
      "  flink run pipeline/target/streamlearn-job.jar run --config job.yaml"
    })
final class RunCommand extends Subcommand {

  @Option(names = "--config", required = true, description = "YAML configuration file.")
  Path config;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = "Overrides one configuration key; repeatable.")
  List<String> overrides = new ArrayList<>();

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

  @Override
  public Integer call() throws Exception {
    StreamlearnConfig configuration;
    try {
      configuration = StreamlearnConfig.load(config, StreamlearnConfig.parseOverrides(overrides));
    } catch (ConfigException e) {
      err().println(config + ": " + e.getMessage());
      return 2;
    }
    topics.prepare(configuration, out(), err());
    StreamExecutionEnvironment env = environment(configuration);
    KafkaJob.define(env, configuration);
    if (detached) {
      JobClient job = env.executeAsync(configuration.get(JOB_NAME));
      out().println("Submitted job " + job.getJobID());
    } else {
      env.execute(configuration.get(JOB_NAME));
    }
    return 0;
  }

  private StreamExecutionEnvironment environment(StreamlearnConfig configuration)
      throws URISyntaxException {
    if (jobManager == null) {
      return StreamExecutionEnvironment.getExecutionEnvironment(configuration.flinkConfiguration());
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
        configuration.flinkConfiguration(),
        jar.toString());
  }

  private static Path defaultJobJar() throws URISyntaxException {
    Path running =
        Path.of(RunCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    return running.resolveSibling("streamlearn-job.jar");
  }
}
