package io.streamlearn.deploy;

import static io.streamlearn.pipeline.config.StreamlearnOptions.JOB_PARALLELISM;
import static io.streamlearn.pipeline.config.StreamlearnOptions.KAFKA_BOOTSTRAP_SERVERS;
import static io.streamlearn.pipeline.config.StreamlearnOptions.KAFKA_TOPIC_SAMPLES;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_FEATURES;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamlearn.pipeline.cli.StreamlearnCommand;
import io.streamlearn.pipeline.config.StreamlearnConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.kafka.common.utils.AppInfoParser;
import org.apache.kafka.server.config.AbstractKafkaConfig;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine.ParseResult;

/**
 * docker/compose.yaml, parsed: the job it submits and the samples it produces are what the job
 * reads, the topics it creates are the job's, and every address, port, broker setting and mount
 * agrees with the cluster's configuration.
 */
class ComposeTest {

  private static final Pattern TOPIC_SPEC = Pattern.compile("([a-z][a-z0-9-]*):(\\d+)");

  /** Read with SnakeYAML, which resolves the merge keys ({@code <<: *streamlearn}) Compose uses. */
  private final JsonNode compose =
      Repository.YAML.valueToTree(
          new Yaml().load(Repository.text(Repository.file("docker/compose.yaml"))));

  private final JsonNode services = compose.path("services");
  private final Configuration cluster = Repository.clusterConfiguration();

  @Test
  void submittedJobIsTheImagesJarWithTheMountedConfiguration() {
    List<String> command = command("submit");
    int jar = command.indexOf(DockerImageTest.JOB_JAR_IN_IMAGE);

    assertThat(command.subList(0, 2)).containsExactly("flink", "run");
    assertThat(jar).isPositive();
    ParseResult run = StreamlearnCommand.commandLine().parseArgs(arguments(command, jar + 1));
    assertThat(run.subcommand().commandSpec().name()).isEqualTo("run");
    assertThat(run.subcommand().matchedOptionValue("--config", (Object) null).toString())
        .isEqualTo(mountTarget("submit", "./job.yaml"));
  }

  @Test
  void topicsCreatedAreTheJobsWithAPartitionPerSubtask() {
    StreamlearnConfig job = composeJob();
    Map<String, Integer> created = new TreeMap<>();
    String script = command("topics").get(0);
    String specs = script.substring(script.indexOf("for spec in "), script.indexOf("; do"));
    Matcher topic = TOPIC_SPEC.matcher(specs);
    while (topic.find()) {
      created.put(topic.group(1), Integer.parseInt(topic.group(2)));
    }

    assertThat(created.keySet()).isEqualTo(JobTopics.of(job));
    assertThat(created.get(job.get(KAFKA_TOPIC_SAMPLES))).isEqualTo(job.get(JOB_PARALLELISM));
    assertThat(job.get(JOB_PARALLELISM))
        .isLessThanOrEqualTo(cluster.get(TaskManagerOptions.NUM_TASK_SLOTS));
  }

  @Test
  void producerWritesWhatTheJobReads() {
    StreamlearnConfig job = composeJob();
    List<String> command = command("producer");
    int main = command.indexOf(StreamlearnCommand.class.getName());

    assertThat(command.get(command.indexOf("-cp") + 1).split(":"))
        .contains(DockerImageTest.JOB_JAR_IN_IMAGE);
    ParseResult produce = StreamlearnCommand.commandLine().parseArgs(arguments(command, main + 1));
    ParseResult options = produce.subcommand();
    assertThat(options.commandSpec().name()).isEqualTo("produce");
    assertThat(options.matchedOptionValue("--topic", "")).isEqualTo(job.get(KAFKA_TOPIC_SAMPLES));
    assertThat(options.matchedOptionValue("--bootstrap-servers", ""))
        .isEqualTo(job.get(KAFKA_BOOTSTRAP_SERVERS));
    assertThat(options.matchedOptionValue("--features", 0)).isEqualTo(job.get(MODEL_FEATURES));
  }

  @Test
  void brokerSettingsAreKafkasAndItAdvertisesTheJobsBootstrapServers() {
    Map<String, String> environment = environment("kafka");
    Set<String> brokerConfigs = AbstractKafkaConfig.CONFIG_DEF.names();

    for (String variable : environment.keySet()) {
      assertThat(brokerConfigs)
          .as(variable)
          .contains(variable.substring("KAFKA_".length()).toLowerCase().replace('_', '.'));
    }
    assertThat(environment.get("KAFKA_ADVERTISED_LISTENERS"))
        .contains("//" + composeJob().get(KAFKA_BOOTSTRAP_SERVERS));
    assertThat(services.path("kafka").path("image").asText())
        .isEqualTo("apache/kafka:" + AppInfoParser.getVersion());
  }

  @Test
  void flinkServicesUseTheImageAndTheAddressesPortsAndMemoryOfConfigYaml() {
    String jobManager = cluster.get(JobManagerOptions.ADDRESS);

    assertThat(services.has(jobManager)).isTrue();
    for (String service : List.of("jobmanager", "taskmanager", "submit", "producer")) {
      assertThat(services.path(service).path("image").asText()).isEqualTo("streamlearn:0.1.0");
      assertThat(environment(service)).containsEntry("JOB_MANAGER_RPC_ADDRESS", jobManager);
    }
    assertThat(services.path("jobmanager").path("build").path("dockerfile").asText())
        .isEqualTo("docker/Dockerfile");
    assertThat(command("jobmanager")).containsExactly("jobmanager");
    assertThat(command("taskmanager")).containsExactly("taskmanager");
    assertThat(ports("jobmanager"))
        .contains(cluster.get(RestOptions.PORT) + ":" + cluster.get(RestOptions.PORT));
    assertThat(MemorySize.parse(services.path("taskmanager").path("mem_limit").asText()))
        .isGreaterThanOrEqualTo(cluster.get(TaskManagerOptions.TOTAL_PROCESS_MEMORY));
    for (JsonNode volume : services.path("jobmanager").path("volumes")) {
      String target = volume.asText().split(":")[1];
      assertThat(
              List.of(
                  cluster.toMap().get("execution.checkpointing.dir"),
                  cluster.toMap().get("execution.checkpointing.savepoint-dir")))
          .contains("file://" + target);
    }
  }

  @Test
  void prometheusScrapesEveryFlinkProcessOnTheReportersPortAndGrafanaReadsPrometheus() {
    String reporterPorts = cluster.toMap().get("metrics.reporter.prom.port");
    int firstPort = Integer.parseInt(reporterPorts.split("-")[0]);
    JsonNode prometheus = Repository.yaml(Repository.file("docker/prometheus/prometheus.yml"));
    List<String> targets = new ArrayList<>();
    prometheus
        .path("scrape_configs")
        .forEach(
            job -> job.findValues("targets").forEach(t -> t.forEach(x -> targets.add(x.asText()))));

    assertThat(targets)
        .containsExactlyInAnyOrder("taskmanager:" + firstPort, "jobmanager:" + firstPort);
    assertThat(mountTarget("prometheus", "./prometheus/prometheus.yml"))
        .isEqualTo("/etc/prometheus/prometheus.yml");
    String prometheusPort = ports("prometheus").get(0).split(":")[1];
    JsonNode datasource =
        Repository.yaml(Repository.file("docker/grafana/provisioning/datasources/prometheus.yaml"));
    assertThat(datasource.path("datasources").get(0).path("url").asText())
        .isEqualTo("http://prometheus:" + prometheusPort);
    JsonNode provider =
        Repository.yaml(Repository.file("docker/grafana/provisioning/dashboards/streamlearn.yaml"));
    assertThat(mountTarget("grafana", "./grafana/dashboards"))
        .isEqualTo(provider.path("providers").get(0).path("options").path("path").asText());
    assertThat(mountTarget("grafana", "./grafana/provisioning"))
        .isEqualTo("/etc/grafana/provisioning");
  }

  /** docker/job.yaml, the job the submit service runs, validated as the job validates it. */
  private static StreamlearnConfig composeJob() {
    return StreamlearnConfig.load(Repository.file("docker/job.yaml"), Map.of());
  }

  private List<String> command(String service) {
    return Repository.YAML.convertValue(services.path(service).path("command"), List.class);
  }

  private static String[] arguments(List<String> command, int from) {
    return command.subList(from, command.size()).toArray(String[]::new);
  }

  private Map<String, String> environment(String service) {
    Map<String, String> environment = new TreeMap<>();
    services
        .path(service)
        .path("environment")
        .fields()
        .forEachRemaining(e -> environment.put(e.getKey(), e.getValue().asText()));
    return environment;
  }

  private List<String> ports(String service) {
    return Repository.YAML.convertValue(services.path(service).path("ports"), List.class);
  }

  /** Where a service mounts a file or directory of docker/, which must exist. */
  private String mountTarget(String service, String source) {
    assertThat(Repository.file("docker").resolve(source)).exists();
    for (JsonNode volume : services.path(service).path("volumes")) {
      String[] parts = volume.asText().split(":");
      if (parts[0].equals(source)) {
        return parts[1];
      }
    }
    throw new AssertionError(service + " does not mount " + source);
  }
}
