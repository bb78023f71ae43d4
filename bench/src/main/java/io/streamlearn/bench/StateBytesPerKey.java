package io.streamlearn.bench;

import io.streamlearn.bench.JobHarness.Job;
import io.streamlearn.pipeline.generate.StandardStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * {@code state_bytes_per_key_vs_raw_heap} and {@code _rocksdb}: the job runs over 1,000 keys of the
 * hyperplane stream (10 features, a 10-32-2 MLP with Adam, batch 16, no feature scaling), first on
 * the hashmap state backend, then on RocksDB. Once every prediction is committed, the next
 * completed checkpoint in job.state-dir is measured: all its files, every operator's state
 * included, per key, over the raw bytes of one key's parameters and updater state (4 bytes per
 * float).
 */
final class StateBytesPerKey implements JobBenchmark {

  private static final int KEYS = 1_000;
  private static final int BATCH = 16;
  private static final int FEATURES = 10;

  /** A full batch per key: no partial batch waits in the mini-batcher's state. */
  private static final int SAMPLES_PER_KEY = BATCH;

  private static final Duration CHECKPOINT_TIMEOUT = Duration.ofMinutes(1);

  @Override
  public Map<String, Figure> run(JobHarness harness, double scale) throws Exception {
    int keys = JobBenchmark.scaled(KEYS, scale, 10);
    Map<String, Figure> figures = new LinkedHashMap<>();
    for (String backend : new String[] {"hashmap", "rocksdb"}) {
      Job job =
          harness.job(
              "state-" + backend,
              Map.of(
                  "model.features",
                  String.valueOf(FEATURES),
                  "batch.size",
                  String.valueOf(BATCH),
                  // The network and state the figure has always measured, not the defaults: the
                  // raw bytes below are the parameters and updater state, not a scaler's.
                  "model.hidden-layers",
                  "32",
                  "model.scaling",
                  "none",
                  // One batch per key, cut when full: with the default deadline (200 ms) the keys'
                  // interleaved samples were cut into 3 or 4 batches, each step another version
                  // of the key's model state in RocksDB's files.
                  "batch.max-delay",
                  "1 min",
                  "job.checkpoint-interval",
                  "1 s",
                  "flink.state.backend.type",
                  backend,
                  // A checkpoint being measured is not deleted when the next one completes.
                  "flink.execution.checkpointing.num-retained",
                  "3"));
      harness.produce(
          job,
          JobHarness.samples(StandardStream.HYPERPLANE, keys, FEATURES, keys * SAMPLES_PER_KEY));
      long raw = rawBytesPerKey(job);
      var run = harness.runLive(job);
      double bytesPerKey;
      try {
        harness.predictions(job, keys * SAMPLES_PER_KEY);
        // Committed predictions mean a checkpoint completed after the last step; the next one
        // holds every key's trained state and nothing in flight.
        Path checkpoint = nextCheckpoint(harness.stateOf(job), Instant.now());
        bytesPerKey = (double) bytes(checkpoint) / keys;
        System.out.printf(
            Locale.ROOT, "%s %s, bytes per key by operator:%n", backend, checkpoint.getFileName());
        byOperator(checkpoint)
            .forEach(
                (operator, size) ->
                    System.out.printf(
                        Locale.ROOT, "  %-40s %,8.0f%n", operator, (double) size / keys));
        if (backend.equals("rocksdb")) {
          printTrainerFiles(checkpoint, keys);
        }
      } finally {
        harness.stop(job, run);
      }
      System.out.printf(
          Locale.ROOT,
          "%s, %,d keys: checkpoint %,.0f bytes per key, raw parameters and updater state %,d"
              + " bytes per key, ratio %.2f%n",
          backend,
          keys,
          bytesPerKey,
          raw,
          bytesPerKey / raw);
      figures.put(
          "state_bytes_per_key_vs_raw_" + backend.replace("hashmap", "heap"),
          Figure.atMost(bytesPerKey / raw, 1.5));
    }
    return figures;
  }

  /**
   * The files of the trainer's RocksDB state: how many SST files, and their bytes per key; then
   * what the SST files hold per state, per key: values of every version, the part of them that
   * another file holds a version of too, entries and deletions.
   */
  private static void printTrainerFiles(Path checkpoint, int keys) throws Exception {
    System.out.printf(
        Locale.ROOT, "  predict-then-train RocksDB files (count or bytes per key):%n");
    RocksDbFiles.of(checkpoint, "predict-then-train")
        .forEach(
            (kind, size) ->
                System.out.printf(
                    Locale.ROOT,
                    "    %-38s %,8.0f%n",
                    kind,
                    kind.endsWith("(count)") ? size : (double) size / keys));
    System.out.printf(
        Locale.ROOT,
        "  predict-then-train SST contents per state (bytes per key; counts):%n"
            + "    %-24s %5s %9s %9s %11s %8s %9s %8s%n",
        "state",
        "files",
        "file B",
        "values B",
        "superseded",
        "entries",
        "deletions",
        "keys");
    RocksDbFiles.sstContents(checkpoint, "predict-then-train")
        .forEach(
            (state, contents) ->
                System.out.printf(
                    Locale.ROOT,
                    "    %-24s %5d %9.0f %9.0f %11.0f %8d %9d %8d%n",
                    state,
                    contents.files(),
                    (double) contents.fileBytes() / keys,
                    (double) contents.valueBytes() / keys,
                    (double) contents.supersededValueBytes() / keys,
                    contents.entries(),
                    contents.deletions(),
                    contents.distinctKeys()));
  }

  /** One key's parameters and updater state as floats, 4 bytes each. */
  private static long rawBytesPerKey(Job job) {
    MultiLayerNetwork network = new MultiLayerNetwork(JobHarness.config(job).modelConfiguration());
    network.init();
    return 4L * (network.numParams() + network.getUpdater().getStateViewArray().length());
  }

  /**
   * The directory of the first checkpoint completed after {@code after}: the job's checkpoints are
   * {@code checkpoints/<job id>/chk-N/}, complete once Flink has written their {@code _metadata}.
   */
  private static Path nextCheckpoint(Path state, Instant after) throws InterruptedException {
    long deadline = System.nanoTime() + CHECKPOINT_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<Path> found = completedAfter(state.resolve("checkpoints"), after);
      if (found.isPresent()) {
        return found.get();
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("No checkpoint completed within " + CHECKPOINT_TIMEOUT);
  }

  private static Optional<Path> completedAfter(Path checkpoints, Instant after) {
    if (!Files.isDirectory(checkpoints)) {
      return Optional.empty();
    }
    try (Stream<Path> files =
        Files.find(checkpoints, 3, (path, attributes) -> path.endsWith("_metadata"))) {
      return files
          .filter(metadata -> modified(metadata).toInstant().isAfter(after))
          .min(Comparator.comparing(StateBytesPerKey::modified))
          .map(Path::getParent);
    } catch (NoSuchFileException e) {
      return lookAgain();
    } catch (UncheckedIOException e) {
      if (e.getCause() instanceof NoSuchFileException) {
        return lookAgain();
      }
      throw e;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Flink renamed or dropped a file while the directory was read (an in-progress metadata file, a
   * subsumed checkpoint): none found this time, the caller looks again.
   */
  private static Optional<Path> lookAgain() {
    return Optional.empty();
  }

  /**
   * The checkpoint's state size per operator, as its metadata records it: where the bytes per key
   * go.
   */
  private static Map<String, Long> byOperator(Path checkpoint) throws IOException {
    Path metadata = checkpoint.resolve("_metadata");
    try (DataInputStream in = new DataInputStream(Files.newInputStream(metadata))) {
      Map<String, Long> sizes = new TreeMap<>();
      for (OperatorState operator :
          Checkpoints.loadCheckpointMetadata(
                  in, StateBytesPerKey.class.getClassLoader(), checkpoint.toString())
              .getOperatorStates()) {
        String name =
            operator
                .getOperatorUid()
                .or(operator::getOperatorName)
                .orElse(operator.getOperatorID().toString());
        sizes.merge(name, operator.getStateSize(), Long::sum);
      }
      return sizes;
    }
  }

  /** Every byte of the checkpoint: its own directory and the files it shares with others. */
  private static long bytes(Path checkpoint) throws IOException {
    Path shared = checkpoint.resolveSibling("shared");
    return sizeOf(checkpoint) + (Files.isDirectory(shared) ? sizeOf(shared) : 0);
  }

  private static long sizeOf(Path directory) throws IOException {
    try (Stream<Path> files = Files.walk(directory)) {
      return files.filter(Files::isRegularFile).mapToLong(StateBytesPerKey::size).sum();
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static FileTime modified(Path file) {
    try {
      return Files.getLastModifiedTime(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
