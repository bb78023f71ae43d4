package io.streamlearn.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamlearn.deploy.Dockerfile.Instruction;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * docker/Dockerfile and docker/Dockerfile.gpu, parsed: what they are built from, that everything
 * they copy is in the repository or built by Maven (and not hidden by .dockerignore), where the job
 * jar, the jars of lib/ and the configuration go, and that their settings are Flink's.
 */
class DockerImageTest {

  static final String JOB_JAR_IN_IMAGE = "/opt/flink/usrlib/streamlearn-job.jar";
  static final String CLUSTER_LIB = "docker/target/lib";

  /**
   * Environment variables the images set that are not Flink options: ND4J's OpenMP threads
   * (config.yaml's containerized.taskmanager.env.OMP_NUM_THREADS), where the CUDA libraries are,
   * and what the NVIDIA Container Toolkit mounts.
   */
  private static final Set<String> NATIVE_ENVIRONMENT =
      Set.of(
          "OMP_NUM_THREADS",
          "LD_LIBRARY_PATH",
          "NVIDIA_VISIBLE_DEVICES",
          "NVIDIA_DRIVER_CAPABILITIES");

  @ParameterizedTest
  @ValueSource(strings = {"docker/Dockerfile", "docker/Dockerfile.gpu"})
  void imageIsTheOfficialFlinkImageOfTheBuildsFlinkVersion(String path) {
    Dockerfile dockerfile = Dockerfile.parse(Repository.file(path));

    List<String> from = dockerfile.finalStage().get(0).arguments();
    assertThat(from).containsExactly("flink:" + EnvironmentInformation.getVersion() + "-java17");
  }

  @ParameterizedTest
  @ValueSource(strings = {"docker/Dockerfile", "docker/Dockerfile.gpu"})
  void everythingCopiedExistsAndIsInTheBuildContext(String path) {
    Dockerfile dockerfile = Dockerfile.parse(Repository.file(path));
    Set<String> stages =
        dockerfile.all("FROM").stream()
            .filter(f -> f.arguments().size() == 3)
            .map(f -> f.arguments().get(2))
            .collect(Collectors.toSet());
    List<String> context = dockerContext();

    for (Instruction copy : dockerfile.all("COPY")) {
      String from = copy.options().get("from");
      if (from != null) {
        assertThat(stages).as("stage of %s", copy).contains(from);
        continue;
      }
      for (String source : copy.arguments().subList(0, copy.arguments().size() - 1)) {
        String relative = source.replaceAll("/$", "");
        assertThat(Repository.file(relative)).as("%s copies", path).exists();
        assertThat(context)
            .as(".dockerignore keeps %s", relative)
            .anyMatch(kept -> relative.equals(kept) || relative.startsWith(kept + "/"));
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"docker/Dockerfile", "docker/Dockerfile.gpu"})
  void jobJarLibAndConfigurationGoWhereFlinkLooks(String path) {
    Map<String, String> copies =
        Dockerfile.parse(Repository.file(path)).finalStage().stream()
            .filter(i -> i.keyword().equals("COPY") && !i.options().containsKey("from"))
            .collect(Collectors.toMap(i -> i.arguments().get(0), i -> i.arguments().get(1)));

    assertThat(copies)
        .containsEntry("pipeline/target/streamlearn-job.jar", JOB_JAR_IN_IMAGE)
        .containsEntry(CLUSTER_LIB + "/", "/opt/flink/lib/")
        .containsEntry("docker/conf/config.yaml", "/opt/flink/conf/config.yaml");
  }

  @ParameterizedTest
  @ValueSource(strings = {"docker/Dockerfile", "docker/Dockerfile.gpu"})
  void environmentAndImageSettingsAreKnown(String path) {
    Dockerfile dockerfile = Dockerfile.parse(Repository.file(path));
    Configuration cluster = Repository.clusterConfiguration();
    FlinkOptionKeys flink = FlinkOptionKeys.onClassPath();

    assertThat(dockerfile.environment().keySet()).isSubsetOf(NATIVE_ENVIRONMENT);
    assertThat(dockerfile.environment())
        .containsEntry(
            "OMP_NUM_THREADS",
            cluster.toMap().get("containerized.taskmanager.env.OMP_NUM_THREADS"));
    Map<String, String> imageSettings =
        Repository.YAML.convertValue(
            Repository.yaml(Repository.file("docker/conf/image-config.yaml")), Map.class);
    assertThat(imageSettings.keySet()).allMatch(flink::isFlinkKey, "a Flink option");
    assertThat(cluster.keySet()).doesNotContainAnyElementsOf(imageSettings.keySet());
    String cacheDir =
        imageSettings
            .get("env.java.opts.all")
            .replaceAll(".*-Dorg.bytedeco.javacpp.cachedir=(\\S+).*", "$1");
    assertThat(dockerfile.all("RUN"))
        .anyMatch(run -> run.arguments().contains("-Dorg.bytedeco.javacpp.cachedir=" + cacheDir));
    assertThat(dockerfile.finalStage())
        .anyMatch(
            copy ->
                copy.keyword().equals("COPY")
                    && copy.arguments().equals(List.of(cacheDir, cacheDir)));
  }

  @Test
  void clusterLibHasDl4jNd4jJavaCppAndTheReporterButNotWhatFlinkOrTheJobJarBring()
      throws IOException {
    Set<String> jars;
    try (Stream<Path> files = Files.list(Repository.file(CLUSTER_LIB))) {
      jars = files.map(f -> f.getFileName().toString()).collect(Collectors.toSet());
    }
    Set<String> testClassPath =
        Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
            .map(p -> Path.of(p).getFileName().toString())
            .collect(Collectors.toSet());

    assertThat(jars)
        .contains(
            "deeplearning4j-nn-1.0.0-M2.1.jar",
            "nd4j-native-1.0.0-M2.1.jar",
            "nd4j-native-1.0.0-M2.1-linux-x86_64.jar",
            "openblas-0.3.19-1.5.7-linux-x86_64.jar",
            "javacpp-1.5.7-linux-x86_64.jar",
            "flink-metrics-prometheus-" + EnvironmentInformation.getVersion() + ".jar");
    // The same builds of the same artifacts the cluster of the tests and the job were built with.
    assertThat(testClassPath).containsAll(jars);
    assertThat(jars)
        .noneMatch(j -> j.startsWith("flink-") && !j.startsWith("flink-metrics-prometheus"))
        .noneMatch(
            j -> j.startsWith("avro-") || j.startsWith("kafka-") || j.startsWith("streamlearn"))
        .noneMatch(j -> j.startsWith("slf4j-") || j.startsWith("log4j-"));
  }

  /** The paths .dockerignore lets into the build context (it excludes everything else). */
  private static List<String> dockerContext() {
    List<String> lines = Repository.text(Repository.file(".dockerignore")).lines().toList();
    assertThat(lines).contains("*");
    return lines.stream().filter(l -> l.startsWith("!")).map(l -> l.substring(1)).toList();
  }
}
