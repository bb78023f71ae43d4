package io.streamlearn.deploy;

import static io.streamlearn.pipeline.config.StreamlearnOptions.JOB_PARALLELISM;
import static io.streamlearn.pipeline.config.StreamlearnOptions.KAFKA_BOOTSTRAP_SERVERS;
import static io.streamlearn.pipeline.config.StreamlearnOptions.KAFKA_TOPIC_SAMPLES;
import static io.streamlearn.pipeline.config.StreamlearnOptions.KAFKA_TRANSACTION_TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.streamlearn.pipeline.cli.StreamlearnCommand;
import io.streamlearn.pipeline.config.StreamlearnConfig;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.kafka.KafkaResources;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * k8s/ as {@code kustomize build} renders each overlay: every manifest valid for its CRD with
 * unknown fields rejected, and the Flink and Kafka settings in line with docker/conf/config.yaml
 * and with the job's own configuration.
 */
class KubernetesManifestsTest {

  /**
   * Keys of config.yaml that a Kubernetes deployment sets differently: addresses and ports (the
   * operator's), the default parallelism (the job's), and directories (durable storage).
   */
  private static final Set<String> DEPLOYMENT_SPECIFIC =
      Set.of(
          "jobmanager.rpc.address",
          "jobmanager.rpc.port",
          "jobmanager.bind-host",
          "taskmanager.bind-host",
          "rest.address",
          "rest.bind-address",
          "rest.port",
          "jobmanager.memory.process.size",
          "taskmanager.memory.process.size",
          "parallelism.default",
          "execution.checkpointing.dir",
          "execution.checkpointing.savepoint-dir");

  /**
   * Reads into Strimzi's model with unknown fields rejected: the model keeps unknown fields in an
   * any-setter (to pass them through), which this mapper ignores.
   */
  private static final ObjectMapper STRICT =
      new YAMLMapper()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .setAnnotationIntrospector(
              new JacksonAnnotationIntrospector() {
                @Override
                public Boolean hasAnySetter(Annotated member) {
                  return Boolean.FALSE;
                }
              });

  private final FlinkOptionKeys flink = FlinkOptionKeys.onClassPath();

  @ParameterizedTest
  @ValueSource(strings = {"cpu", "gpu"})
  void flinkDeploymentIsValidForTheOperatorsCrd(String overlay) throws IOException {
    ObjectNode deployment = one(render(overlay), "FlinkDeployment");

    assertThat(flinkDeploymentSchema().validate(deployment)).isEmpty();
    JsonNode job = deployment.path("spec").path("job");
    assertThat(job.path("upgradeMode").asText()).isEqualTo("savepoint");
    assertThat(deployment.path("spec").path("mode").asText("native")).isEqualTo("native");
  }

  @Test
  void schemaValidationRejectsUnknownFields() throws IOException {
    ObjectNode deployment = one(render("cpu"), "FlinkDeployment");
    ((ObjectNode) deployment.path("spec").path("job")).put("upgradeMod", "savepoint");
    ((ObjectNode) deployment.path("spec")).putObject("taskManager").put("replica", 2);

    Set<String> problems =
        flinkDeploymentSchema().validate(deployment).stream()
            .map(ValidationMessage::getMessage)
            .collect(Collectors.toSet());

    assertThat(problems).anyMatch(p -> p.contains("upgradeMod"));
    assertThat(problems).anyMatch(p -> p.contains("replica"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"cpu", "gpu"})
  void strimziResourcesReadIntoStrimzisModelWithoutUnknownFields(String overlay)
      throws IOException {
    List<ObjectNode> manifests = render(overlay);
    Kafka kafka = STRICT.treeToValue(one(manifests, "Kafka"), Kafka.class);
    KafkaNodePool pool = STRICT.treeToValue(one(manifests, "KafkaNodePool"), KafkaNodePool.class);

    assertThat(pool.getMetadata().getLabels())
        .containsEntry("strimzi.io/cluster", kafka.getMetadata().getName());
    assertThat(pool.getSpec().getRoles()).hasSize(2);
    for (ObjectNode topic : all(manifests, "KafkaTopic")) {
      assertThat(STRICT.treeToValue(topic, KafkaTopic.class).getMetadata().getLabels())
          .containsEntry("strimzi.io/cluster", kafka.getMetadata().getName());
    }
  }

  @Test
  void strimziModelRejectsUnknownFields() throws IOException {
    ObjectNode topic = all(render("cpu"), "KafkaTopic").get(0);
    ((ObjectNode) topic.path("spec")).put("partition", 4);

    assertThatThrownBy(() -> STRICT.treeToValue(topic, KafkaTopic.class))
        .hasMessageContaining("partition");
  }

  @Test
  void topicsAndBootstrapServersAreTheJobsAndFitItsParallelism(@TempDir Path dir)
      throws IOException {
    List<ObjectNode> manifests = render("cpu");
    StreamlearnConfig job = jobConfiguration(manifests, dir);
    Kafka kafka = STRICT.treeToValue(one(manifests, "Kafka"), Kafka.class);
    Map<String, Integer> partitions = new TreeMap<>();
    for (ObjectNode topic : all(manifests, "KafkaTopic")) {
      KafkaTopic model = STRICT.treeToValue(topic, KafkaTopic.class);
      String name =
          model.getSpec().getTopicName() != null
              ? model.getSpec().getTopicName()
              : model.getMetadata().getName();
      partitions.put(name, model.getSpec().getPartitions());
    }

    assertThat(partitions.keySet()).isEqualTo(JobTopics.of(job));
    assertThat(partitions.get(job.get(KAFKA_TOPIC_SAMPLES))).isEqualTo(job.get(JOB_PARALLELISM));
    int plainPort =
        kafka.getSpec().getKafka().getListeners().stream()
            .filter(l -> !l.isTls())
            .findFirst()
            .orElseThrow()
            .getPort();
    assertThat(job.get(KAFKA_BOOTSTRAP_SERVERS))
        .isEqualTo(
            KafkaResources.bootstrapServiceName(kafka.getMetadata().getName()) + ":" + plainPort);
    long maxTimeoutMs =
        Long.parseLong(
            kafka.getSpec().getKafka().getConfig().get("transaction.max.timeout.ms").toString());
    assertThat(job.get(KAFKA_TRANSACTION_TIMEOUT).toMillis()).isLessThanOrEqualTo(maxTimeoutMs);
  }

  @ParameterizedTest
  @ValueSource(strings = {"cpu", "gpu"})
  void jobRunsTheImagesJarWithTheMountedConfigurationOnEverySlot(String overlay, @TempDir Path dir)
      throws IOException {
    List<ObjectNode> manifests = render(overlay);
    JsonNode spec = one(manifests, "FlinkDeployment").path("spec");
    StreamlearnConfig job = jobConfiguration(manifests, dir);
    JsonNode container = spec.path("podTemplate").path("spec").path("containers").get(0);
    String mountPath = container.path("volumeMounts").get(0).path("mountPath").asText();
    List<String> args = Repository.YAML.convertValue(spec.path("job").path("args"), List.class);

    assertThat(spec.path("job").path("jarURI").asText())
        .isEqualTo("local://" + DockerImageTest.JOB_JAR_IN_IMAGE);
    var parsed = StreamlearnCommand.commandLine().parseArgs(args.toArray(String[]::new));
    assertThat(parsed.subcommand().matchedOptionValue("--config", (Object) null).toString())
        .isEqualTo(mountPath + "/job.yaml");
    int slots =
        Integer.parseInt(
            spec.path("flinkConfiguration").path("taskmanager.numberOfTaskSlots").asText());
    assertThat(spec.path("job").path("parallelism").asInt())
        .isEqualTo(job.get(JOB_PARALLELISM))
        .isEqualTo(slots * spec.path("taskManager").path("replicas").asInt());
  }

  @ParameterizedTest
  @ValueSource(strings = {"cpu", "gpu"})
  void flinkConfigurationIsFlinksAndAgreesWithTheClustersConfigYaml(String overlay)
      throws IOException {
    JsonNode spec = one(render(overlay), "FlinkDeployment").path("spec");
    Map<String, String> settings = new HashMap<>();
    spec.path("flinkConfiguration")
        .fields()
        .forEachRemaining(f -> settings.put(f.getKey(), f.getValue().asText()));
    Configuration deployment = Configuration.fromMap(settings);
    Configuration cluster = Repository.clusterConfiguration();

    assertThat(settings.keySet()).allMatch(flink::isFlinkKey, "a Flink option");
    for (String key : cluster.keySet()) {
      if (DEPLOYMENT_SPECIFIC.contains(key)
          || (overlay.equals("gpu") && key.equals("taskmanager.numberOfTaskSlots"))) {
        continue;
      }
      assertThat(settings).as("config.yaml's %s", key).containsKey(key);
      flink.option(key).ifPresent(option -> assertSame(option, cluster, deployment));
    }
    assertThat(settings.get("execution.checkpointing.dir")).startsWith("s3://");
    assertThat(settings.get("execution.checkpointing.savepoint-dir")).startsWith("s3://");
    assertThat(MemorySize.parse(spec.path("taskManager").path("resource").path("memory").asText()))
        .isEqualTo(cluster.get(TaskManagerOptions.TOTAL_PROCESS_MEMORY));
    assertThat(MemorySize.parse(spec.path("jobManager").path("resource").path("memory").asText()))
        .isEqualTo(cluster.get(JobManagerOptions.TOTAL_PROCESS_MEMORY));
  }

  @Test
  void gpuOverlayPutsOneSlotOnEachGpuOfAGpuNodeWithTheGpuImage() throws IOException {
    JsonNode spec = one(render("gpu"), "FlinkDeployment").path("spec");
    JsonNode taskManagerPod = spec.path("taskManager").path("podTemplate").path("spec");

    assertThat(spec.path("image").asText()).isEqualTo("streamlearn-gpu:0.1.0");
    assertThat(taskManagerPod.path("nodeSelector").path("nvidia.com/gpu.present").asText())
        .isEqualTo("true");
    JsonNode container = taskManagerPod.path("containers").get(0);
    assertThat(container.path("name").asText()).isEqualTo("flink-main-container");
    assertThat(container.path("resources").path("limits").path("nvidia.com/gpu").asInt())
        .isEqualTo(1);
    assertThat(spec.path("flinkConfiguration").path("taskmanager.numberOfTaskSlots").asText())
        .isEqualTo("1");

    JsonNode cpu = one(render("cpu"), "FlinkDeployment").path("spec");
    assertThat(cpu.path("image").asText()).isEqualTo("streamlearn:0.1.0");
    assertThat(cpu.path("taskManager").has("podTemplate")).isFalse();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void assertSame(ConfigOption option, Configuration cluster, Configuration k8s) {
    assertThat(k8s.get(option)).as(option.key()).isEqualTo(cluster.get(option));
  }

  static List<ObjectNode> render(String overlay) {
    return Kustomize.build(Repository.file("k8s/overlays/" + overlay));
  }

  private static ObjectNode one(List<ObjectNode> manifests, String kind) {
    List<ObjectNode> found = all(manifests, kind);
    assertThat(found).as(kind).hasSize(1);
    return found.get(0);
  }

  private static List<ObjectNode> all(List<ObjectNode> manifests, String kind) {
    return manifests.stream().filter(m -> m.path("kind").asText().equals(kind)).toList();
  }

  private static StreamlearnConfig jobConfiguration(List<ObjectNode> manifests, Path dir)
      throws IOException {
    ObjectNode configMap = one(manifests, "ConfigMap");
    Path file =
        Files.writeString(
            dir.resolve("job.yaml"), configMap.path("data").path("job.yaml").asText());
    return StreamlearnConfig.load(file, Map.of());
  }

  /**
   * The operator's CRD schema of FlinkDeployment, closed: {@code additionalProperties: false}
   * wherever the CRD leaves it open, except under x-kubernetes-preserve-unknown-fields. The
   * operator API on Maven Central, 1.10.0, predates Flink 2: its flinkVersion enum gains v2_2.
   */
  private static JsonSchema flinkDeploymentSchema() throws IOException {
    try (InputStream crd =
        KubernetesManifestsTest.class.getResourceAsStream(
            "/META-INF/fabric8/flinkdeployments.flink.apache.org-v1beta1.yml")) {
      ObjectNode schema =
          (ObjectNode)
              Repository.YAML.readTree(crd).path("spec").path("validation").path("openAPIV3Schema");
      ((com.fasterxml.jackson.databind.node.ArrayNode)
              schema
                  .path("properties")
                  .path("spec")
                  .path("properties")
                  .path("flinkVersion")
                  .path("enum"))
          .add("v2_2");
      // The CRD describes spec and status; every Kubernetes object also has these.
      ObjectNode properties = (ObjectNode) schema.path("properties");
      properties.putObject("apiVersion").put("type", "string");
      properties.putObject("kind").put("type", "string");
      properties
          .putObject("metadata")
          .put("type", "object")
          .put("x-kubernetes-preserve-unknown-fields", true);
      closeObjects(schema);
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(schema);
    }
  }

  private static void closeObjects(JsonNode schema) {
    if (!(schema instanceof ObjectNode object)
        || object.path("x-kubernetes-preserve-unknown-fields").asBoolean()) {
      return;
    }
    if (object.has("properties") && !object.has("additionalProperties")) {
      object.put("additionalProperties", false);
    }
    object.elements().forEachRemaining(KubernetesManifestsTest::closeObjects);
  }
}
