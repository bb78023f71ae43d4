package io.streamlearn.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The images' JavaCPP cache step, run as their builds run it (Java's source launcher on
 * docker/CacheNativeLibraries.java over docker/target/lib): ND4J then loads from that cache without
 * unpacking any library again.
 */
class CacheNativeLibrariesTest {

  private static final Path LIB = Repository.file(DockerImageTest.CLUSTER_LIB);

  @Test
  void nd4jLoadsFromTheCacheTheImageBuildFillsWithoutUnpackingAgain(@TempDir Path cache)
      throws Exception {
    List<String> platformJars;
    try (Stream<Path> jars = Files.list(LIB)) {
      platformJars =
          jars.map(Path::toString).filter(j -> j.endsWith("-linux-x86_64.jar")).sorted().toList();
    }
    List<String> unpack = new ArrayList<>(java(cache, LIB + File.separator + "*"));
    unpack.add(Repository.file("docker/CacheNativeLibraries.java").toString());
    unpack.addAll(platformJars);
    assertThat(run(unpack)).isZero();
    Map<Path, FileTime> unpacked = regularFiles(cache);
    assertThat(unpacked.keySet())
        .anyMatch(f -> f.getFileName().toString().startsWith("libnd4jcpu"));

    // lib/ first, then what the Flink image's flink-dist brings (Flink's runtime and the libraries
    // it bundles, such as commons-math3, which lib/ leaves to it) and this test's classes.
    String classPath =
        String.join(
            File.pathSeparator, LIB + File.separator + "*", System.getProperty("java.class.path"));
    List<String> load = new ArrayList<>(java(cache, classPath));
    load.add(LoadNd4j.class.getName());
    assertThat(run(load)).isZero();

    // Every unpacked file is still the one unpacked. Loading only adds what JavaCPP derives from
    // them: symbolic links, and here libopenblas_nolapack.so.0.
    assertThat(regularFiles(cache)).containsAllEntriesOf(unpacked);
  }

  /** Loads ND4J's backend and computes with it: what a TaskManager does on its first batch. */
  public static final class LoadNd4j {
    public static void main(String[] args) {
      if (Nd4j.ones(3).sumNumber().doubleValue() != 3.0) {
        System.exit(1);
      }
    }
  }

  private static List<String> java(Path cache, String classPath) {
    return List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp",
        classPath,
        "-Dorg.bytedeco.javacpp.cachedir=" + cache);
  }

  private static int run(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).inheritIO().start();
    try {
      assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("%s finished", command).isTrue();
      return process.exitValue();
    } finally {
      process.destroyForcibly();
    }
  }

  private static Map<Path, FileTime> regularFiles(Path directory) throws IOException {
    try (Stream<Path> files = Files.walk(directory)) {
      return files
          // loading adds symbolic links to the libraries (libfoo.so -> libfoo.so.0): not files
          .filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS))
          .filter(f -> !f.getFileName().toString().equals(".lock"))
          .collect(Collectors.toMap(f -> f, CacheNativeLibrariesTest::modified));
    }
  }

  private static FileTime modified(Path file) {
    try {
      return Files.getLastModifiedTime(file);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
