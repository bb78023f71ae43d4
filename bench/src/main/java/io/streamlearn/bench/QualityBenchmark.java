package io.streamlearn.bench;

import static io.streamlearn.pipeline.config.StreamlearnOptions.BATCH_SIZE;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_HIDDEN_LAYERS;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_LEARNING_RATE;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_SCALING;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_UPDATER;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamlearn.pipeline.generate.StandardStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Does the default configuration learn? On each of the five streams of the literature ({@link
 * StandardStream#OF_THE_LITERATURE}), the default configuration and a small grid around it
 * (learning rate, hidden width, batch size, feature scaling) are trained through the real job
 * ({@link QualityRun}) and scored by prequential accuracy; the default must come within {@link
 * #ALLOWED_GAP_POINTS} points of the grid's best on every stream.
 *
 * <p>Usage: {@code QualityBenchmark [--reuse-grid FILE] [samples per stream] [quality.json]
 * [stream,...]}. Writes every run into the file and prints a markdown table: default against the
 * grid's best per stream. {@code --reuse-grid} takes each stream's grid from an earlier run's file
 * instead of training it again, and runs only the default: for a change of the defaults alone,
 * which leaves every grid run as it was (each run is deterministic: one reader, batches cut by
 * count, a fixed seed). The earlier run's samples, keys, seed, drift, updater and grid must match.
 */
public final class QualityBenchmark {

  static final double ALLOWED_GAP_POINTS = 2;

  private static final double[] LEARNING_RATES = {0.003, 0.01, 0.03};
  private static final int[] WIDTHS = {32, 64};
  private static final int[] BATCH_SIZES = {16, 64};
  private static final String[] SCALINGS = {"none", "standard"};

  /** The stream as {@code demo --stream NAME} generates it by default: seed, keys, drift. */
  private static final long SEED = 42;

  private static final int KEYS = 4;
  private static final int FEATURES = 10;
  private static final double DRIFT = 0.0001;

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private QualityBenchmark() {}

  public static void main(String[] arguments) throws Exception {
    List<String> args = new ArrayList<>(Arrays.asList(arguments));
    JsonNode reused = null;
    if (!args.isEmpty() && args.get(0).equals("--reuse-grid")) {
      reused = JSON.readTree(Path.of(args.get(1)).toFile());
      args = args.subList(2, args.size());
    }
    long samples = args.size() > 0 ? Long.parseLong(args.get(0)) : 100_000;
    Path output = Path.of(args.size() > 1 ? args.get(1) : "bench/quality.json");
    List<StandardStream> streams =
        args.size() > 2
            ? Arrays.stream(args.get(2).split(",")).map(StandardStream::named).toList()
            : StandardStream.OF_THE_LITERATURE;

    ObjectNode root = JSON.createObjectNode();
    root.put("date", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    root.set("machine", machine());
    ObjectNode setup = root.putObject("setup");
    setup.put("samplesPerStream", samples).put("keys", KEYS).put("seed", SEED);
    setup.put("features", FEATURES).put("drift", DRIFT);
    setup.put("allowedGapPoints", ALLOWED_GAP_POINTS);
    root.set("defaults", settingsNode(Settings.defaults()));
    List<Settings> grid = grid();
    if (reused != null) {
      requireSameGrid(reused, setup, grid);
      // When and under what load the reused grid was trained.
      root.put("gridMeasured", reused.path("gridMeasured").asText(reused.path("date").asText()));
      root.set(
          "gridLoadAverage",
          reused.has("gridLoadAverage")
              ? reused.path("gridLoadAverage")
              : reused.path("loadAverage"));
      root.set(
          "gridSeconds",
          reused.has("gridSeconds") ? reused.path("gridSeconds") : reused.path("seconds"));
    }
    ArrayNode load = root.putArray("loadAverage");
    ArrayNode results = root.putArray("streams");

    long started = System.nanoTime();
    List<String> rows = new ArrayList<>();
    for (StandardStream kind : streams) {
      GeneratedSamples.StreamSpec spec =
          new GeneratedSamples.StreamSpec(kind, SEED, KEYS, FEATURES, DRIFT);
      String name = kind.name().toLowerCase(Locale.ROOT);
      load.add(loadAverage());
      QualityRun.Result defaults = run(spec, samples, name + "-default", Map.of());
      ObjectNode stream = results.addObject();
      stream.put("stream", name);
      stream.set("default", resultNode(Settings.defaults(), defaults));
      ArrayNode runs = stream.putArray("grid");
      if (reused != null) {
        runs.addAll(reusedGrid(reused, name));
      } else {
        for (Settings settings : grid) {
          runs.add(
              resultNode(
                  settings, run(spec, samples, name + "-" + settings.label(), settings.options())));
        }
      }
      ObjectNode bestRun = best(runs);
      Settings best = settingsOf(bestRun);
      double bestAccuracy = bestRun.path("accuracy").asDouble();
      double gap = 100 * (bestAccuracy - defaults.accuracy());
      stream.set("best", bestRun);
      stream.put("gapPoints", round(gap));
      stream.put("withinAllowedGap", gap <= ALLOWED_GAP_POINTS);
      rows.add(
          String.format(
              Locale.ROOT,
              "| %s | %.1f%% | %.1f%% | %s | %.1f | %s |",
              name,
              100 * defaults.accuracy(),
              100 * bestAccuracy,
              best.label(),
              gap,
              gap <= ALLOWED_GAP_POINTS ? "yes" : "no"));
      load.add(loadAverage());
      // Written after each stream, so a long run that is stopped keeps what it measured.
      root.put("seconds", round((System.nanoTime() - started) / 1e9));
      JSON.writeValue(output.toFile(), root);
    }
    System.out.println();
    System.out.println(
        "| stream | default | grid best | best configuration | gap (points) | within "
            + ALLOWED_GAP_POINTS
            + " |");
    System.out.println("|---|---:|---:|---|---:|---|");
    rows.forEach(System.out::println);
    System.out.printf(
        Locale.ROOT,
        "%n%d samples per run, %d keys, default %s, %d grid configurations per stream, %.0f s,"
            + " load average %s%n",
        samples,
        KEYS,
        Settings.defaults().label(),
        grid.size(),
        (System.nanoTime() - started) / 1e9,
        load);
  }

  private static QualityRun.Result run(
      GeneratedSamples.StreamSpec spec, long samples, String name, Map<String, String> options)
      throws Exception {
    QualityRun.Result result = new QualityRun(spec, samples, options).run(name);
    System.out.printf(
        Locale.ROOT,
        "%-40s accuracy %.4f  %6.1f s  %,.0f samples/s%n",
        name,
        result.accuracy(),
        result.seconds(),
        result.predictions() / result.seconds());
    return result;
  }

  /** The run of highest accuracy; the first of equals. */
  private static ObjectNode best(ArrayNode runs) {
    ObjectNode best = null;
    for (JsonNode run : runs) {
      if (best == null || run.path("accuracy").asDouble() > best.path("accuracy").asDouble()) {
        best = (ObjectNode) run;
      }
    }
    return best;
  }

  /**
   * @throws IllegalArgumentException unless the earlier run trained the same grid on the same
   *     streams: its grid runs would then not be this run's
   */
  private static void requireSameGrid(JsonNode reused, ObjectNode setup, List<Settings> grid) {
    List<String> labels = grid.stream().map(Settings::label).toList();
    for (JsonNode stream : reused.path("streams")) {
      List<String> reusedLabels = new ArrayList<>();
      stream.path("grid").forEach(run -> reusedLabels.add(settingsOf(run).label()));
      if (!reusedLabels.equals(labels)) {
        throw new IllegalArgumentException(
            "--reuse-grid: the grid of " + stream.path("stream").asText() + " differs");
      }
    }
    // As text: numbers read back from a file are not always of the type they were written as.
    if (!reused.path("setup").toString().equals(setup.toString())) {
      throw new IllegalArgumentException(
          "--reuse-grid: setup " + reused.path("setup") + " differs from " + setup);
    }
  }

  private static ArrayNode reusedGrid(JsonNode reused, String stream) {
    for (JsonNode node : reused.path("streams")) {
      if (node.path("stream").asText().equals(stream)) {
        return (ArrayNode) node.path("grid");
      }
    }
    throw new IllegalArgumentException("--reuse-grid: no grid for stream " + stream);
  }

  private static Settings settingsOf(JsonNode run) {
    return new Settings(
        run.path("updater").asText(),
        run.path("learningRate").asDouble(),
        run.path("width").asInt(),
        run.path("batchSize").asInt(),
        run.path("scaling").asText());
  }

  /** Every combination of the grid's learning rates, widths, batch sizes and scalings. */
  private static List<Settings> grid() {
    List<Settings> grid = new ArrayList<>();
    for (double learningRate : LEARNING_RATES) {
      for (int width : WIDTHS) {
        for (int batchSize : BATCH_SIZES) {
          for (String scaling : SCALINGS) {
            grid.add(
                new Settings(
                    Settings.defaults().updater(), learningRate, width, batchSize, scaling));
          }
        }
      }
    }
    return grid;
  }

  /** The settings the grid varies; the updater is the default's. */
  record Settings(String updater, double learningRate, int width, int batchSize, String scaling) {

    static Settings defaults() {
      return new Settings(
          MODEL_UPDATER.defaultValue().name().toLowerCase(Locale.ROOT),
          MODEL_LEARNING_RATE.defaultValue(),
          MODEL_HIDDEN_LAYERS.defaultValue().stream()
              .mapToInt(Integer::intValue)
              .reduce((first, next) -> first)
              .orElseThrow(),
          BATCH_SIZE.defaultValue(),
          MODEL_SCALING.defaultValue().name().toLowerCase(Locale.ROOT));
    }

    Map<String, String> options() {
      Map<String, String> options = new LinkedHashMap<>();
      options.put(MODEL_LEARNING_RATE.key(), Double.toString(learningRate));
      options.put(MODEL_HIDDEN_LAYERS.key(), Integer.toString(width));
      options.put(BATCH_SIZE.key(), Integer.toString(batchSize));
      options.put(MODEL_SCALING.key(), scaling);
      return options;
    }

    String label() {
      return String.format(
          Locale.ROOT,
          "%s lr %s, width %d, batch %d, scaling %s",
          updater,
          learningRate,
          width,
          batchSize,
          scaling);
    }
  }

  private static ObjectNode settingsNode(Settings settings) {
    ObjectNode node = JSON.createObjectNode();
    node.put("updater", settings.updater());
    node.put("learningRate", settings.learningRate());
    node.put("width", settings.width());
    node.put("batchSize", settings.batchSize());
    node.put("scaling", settings.scaling());
    return node;
  }

  private static ObjectNode resultNode(Settings settings, QualityRun.Result result) {
    ObjectNode node = settingsNode(settings);
    node.put("accuracy", round(result.accuracy()));
    node.put("seconds", round(result.seconds()));
    return node;
  }

  private static ObjectNode machine() throws IOException {
    ObjectNode machine = JSON.createObjectNode();
    Path cpuInfo = Path.of("/proc/cpuinfo");
    if (Files.exists(cpuInfo)) {
      machine.put(
          "cpu",
          Files.readAllLines(cpuInfo).stream()
              .filter(line -> line.startsWith("model name"))
              .map(line -> line.substring(line.indexOf(':') + 1).trim())
              .findFirst()
              .orElse("unknown"));
    }
    machine.put("cores", Runtime.getRuntime().availableProcessors());
    machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    machine.put("java", System.getProperty("java.version"));
    machine.put("ompNumThreads", System.getenv().getOrDefault("OMP_NUM_THREADS", "unset"));
    return machine;
  }

  private static double loadAverage() {
    return round(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  private static double round(double value) {
    return Math.round(value * 10_000) / 10_000.0;
  }
}
