package io.streamlearn.bench;

import io.streamlearn.bench.JobHarness.Job;
import io.streamlearn.pipeline.generate.StandardStream;
import io.streamlearn.pipeline.kafka.KafkaConnectors;
import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.ModelCheckpoint;
import io.streamlearn.schemas.Prediction;
import io.streamlearn.schemas.WireCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code latency_p99_ms} and {@code freshness_p99_over_interval}, from one live run: 3 keys of the
 * hyperplane stream (10 features, a 10-32-2 MLP with Adam), batch 16, at-least-once predictions,
 * network buffers sent after at most 5 ms, job.checkpoint-interval 2 s, a model checkpoint per key
 * every second (model.checkpoint.interval 1 s) and one before each Flink checkpoint of every key
 * that trained since its last (model.checkpoint.at-job-checkpoints).
 *
 * <p>First the same job runs {@code --until-end} over a backlog, twice (the better run counts): its
 * samples/s from first to last prediction bounds the maximum sustained rate. The backlog is long
 * enough to hold several Flink checkpoints and model publications (about 7 s of work on an idle
 * 2-core machine): a backlog of 8,000 samples was over in half a second, before the first
 * checkpoint. Then the job runs live: after a warm-up, 5 s of samples are produced at the backlog's
 * rate, and the rate at which the job predicts them (their prediction times, first to last) is the
 * maximum sustained rate, if lower; a job that predicts a backlog in large groups went twice as
 * fast as it does live. Then samples are produced at half the maximum sustained rate, each record
 * stamped with its produce time, and a consumer (read committed) notes when each prediction and
 * each model checkpoint arrives.
 *
 * <ul>
 *   <li>latency: produce time to the arrival of the sample's prediction; printed with the part of
 *       it up to the prediction's own time (the trainer's clock, the same machine's) and the
 *       stop-the-world garbage collections of this JVM, where the job runs, while samples were sent
 *       live;
 *   <li>freshness: produce time to the arrival of the key's first committed model checkpoint
 *       trained on the sample (samplesSeen past it), over job.checkpoint-interval + 1 s.
 * </ul>
 */
final class LatencyAndFreshness implements JobBenchmark {

  private static final int KEYS = 3;
  private static final int BATCH = 16;
  private static final int FEATURES = 10;
  private static final int BACKLOG = 100_000;
  private static final double LIVE_SECONDS = 20;
  private static final double PROBE_SECONDS = 5;
  private static final Duration CHECKPOINT_INTERVAL = Duration.ofSeconds(2);
  private static final Duration MODEL_CHECKPOINT_INTERVAL = Duration.ofSeconds(1);
  private static final String BUFFER_TIMEOUT = "5 ms";
  private static final Duration ARRIVAL_TIMEOUT = Duration.ofMinutes(2);

  /** Samples whose predictions are awaited before timing starts: the job is up and warm. */
  private static final int WARM_UP = KEYS * BATCH * 8;

  @Override
  public Map<String, Figure> run(JobHarness harness, double scale) throws Exception {
    Map<String, String> options =
        new HashMap<>(
            Map.of(
                "model.features", String.valueOf(FEATURES),
                "batch.size", String.valueOf(BATCH),
                // The network the figures have always been measured with, not the default's.
                "model.hidden-layers", "32",
                "kafka.predictions.delivery-guarantee", "at-least-once",
                // Flink ships a network buffer that is not full after 100 ms by default: at these
                // rates that, on each of the job's two network edges, is most of a prediction's
                // wait.
                "flink.execution.buffer-timeout.interval", BUFFER_TIMEOUT,
                "job.checkpoint-interval", seconds(CHECKPOINT_INTERVAL),
                "model.checkpoint.interval", seconds(MODEL_CHECKPOINT_INTERVAL)));
    // Each committed Flink checkpoint then holds every key's model trained up to it.
    options.put("model.checkpoint.at-job-checkpoints", "true");
    int backlogSamples = JobBenchmark.scaled(BACKLOG, scale, 20 * BATCH);
    // Twice, the better run counting, as the one-key benchmark runs its job: in a JVM of its own
    // (bench/run's run with ZGC) the first job compiles Flink's, Kafka's and Avro's code, and half
    // the rate it gives was half what the job sustains warm.
    double firstMaxRate = maxRate(harness, "latency-max-first", options, backlogSamples);
    double secondMaxRate = maxRate(harness, "latency-max", options, backlogSamples);
    double backlogRate = Math.max(firstMaxRate, secondMaxRate);

    Job live = harness.job("latency", options);
    SampleTimes producedAt;
    String gcWhileLive;
    CpuUse cpu;
    double liveRate;
    double rate;
    try (Arrivals arrivals = new Arrivals(harness.bootstrapServers(), live)) {
      var run = harness.runLive(live);
      try (KafkaProducer<byte[], byte[]> producer = producer(harness.bootstrapServers())) {
        Iterator<LabeledSample> samples =
            JobHarness.stream(StandardStream.HYPERPLANE, KEYS, FEATURES);
        send(producer, live, samples, WARM_UP, Double.POSITIVE_INFINITY);
        arrivals.awaitPredictions(WARM_UP);
        // The live job's own maximum: samples sent at the backlog's rate, predicted as fast as the
        // job can when they come a few at a time. A backlog's large groups went twice as fast.
        int probe = (int) Math.round(backlogRate * PROBE_SECONDS * scale);
        SampleTimes probed = send(producer, live, samples, probe, backlogRate);
        arrivals.awaitPredictions(WARM_UP + probe);
        liveRate = Math.min(backlogRate, arrivals.predictionRate(probed));
        rate = liveRate / 2;
        int timed = (int) Math.round(rate * LIVE_SECONDS * scale);
        try (GcPauses pauses = new GcPauses()) {
          cpu = harness.countCpu();
          producedAt = send(producer, live, samples, timed, rate);
          arrivals.awaitPredictions(WARM_UP + probe + timed);
          cpu.stop();
          gcWhileLive = pauses.summary();
        }
        // Time for the last samples' models to be published and committed.
        Thread.sleep(CHECKPOINT_INTERVAL.plus(MODEL_CHECKPOINT_INTERVAL).plusSeconds(2).toMillis());
      } finally {
        harness.stop(live, run);
      }
      long[] latencies = arrivals.latencies(producedAt);
      long[] freshness = arrivals.freshness(producedAt);
      long[] toPrediction = arrivals.toPrediction(producedAt);
      double freshnessBound = CHECKPOINT_INTERVAL.plusSeconds(1).toMillis();
      System.out.printf(
          Locale.ROOT,
          "%d keys, batch %d: max %,.0f samples/s live (backlog of %,d: %,.0f samples/s; first run"
              + " %,.0f, second %,.0f), live at %,.0f samples/s for"
              + " %,d samples%n  latency ms: p50 %d, p99 %d, max %d; to the prediction's time: p50"
              + " %d, p99 %d%n  garbage collection while live: %s%n  freshness ms: p50 %d, p99"
              + " %d, max %d (%d samples never in a committed model checkpoint)%n",
          KEYS,
          BATCH,
          liveRate,
          backlogSamples,
          backlogRate,
          firstMaxRate,
          secondMaxRate,
          rate,
          producedAt.size(),
          percentile(latencies, 0.5),
          percentile(latencies, 0.99),
          percentile(latencies, 1),
          percentile(toPrediction, 0.5),
          percentile(toPrediction, 0.99),
          gcWhileLive,
          percentile(freshness, 0.5),
          percentile(freshness, 0.99),
          percentile(freshness, 1),
          Arrays.stream(freshness).filter(value -> value == Long.MAX_VALUE).count());
      LatencyTail tail =
          new LatencyTail(
              arrivals.predictedSamples(producedAt),
              Math.max(100, 4 * percentile(toPrediction, 0.5)));
      System.out.println(tail.describe());
      System.out.println("  live: " + cpu.between(0, Long.MAX_VALUE).cores());
      tail.largestStretch()
          .ifPresent(
              stretch ->
                  System.out.println(
                      "  the largest stretch: " + cpu.between(stretch[0], stretch[1]).cores()));
      Map<String, Figure> figures = new LinkedHashMap<>();
      figures.put("latency_p99_ms", Figure.atMost(percentile(latencies, 0.99), 50));
      figures.put(
          "freshness_p99_over_interval",
          Figure.atMost(percentile(freshness, 0.99) / freshnessBound, 1));
      return figures;
    }
  }

  /** Samples/s of {@code run --until-end} over a backlog in the topics of a job of its own. */
  private static double maxRate(
      JobHarness harness, String name, Map<String, String> options, int samples) throws Exception {
    Job backlog = harness.job(name, options);
    harness.produce(
        backlog, JobHarness.samples(StandardStream.HYPERPLANE, KEYS, FEATURES, samples));
    harness.runUntilEnd(backlog);
    return JobHarness.samplesPerSecond(harness.predictions(backlog, samples));
  }

  private static KafkaProducer<byte[], byte[]> producer(String bootstrapServers) {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers,
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            true),
        new ByteArraySerializer(),
        new ByteArraySerializer());
  }

  /**
   * Sends {@code count} samples at {@code rate} per second, each record stamped with the time it is
   * sent, and returns the stamps by sample id.
   */
  private static SampleTimes send(
      KafkaProducer<byte[], byte[]> producer,
      Job job,
      Iterator<LabeledSample> samples,
      int count,
      double rate)
      throws InterruptedException {
    WireCodec<LabeledSample> codec = WireCodec.labeledSamples();
    SampleTimes producedAt = new SampleTimes();
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      long due = start + (long) (i * 1e9 / rate);
      long wait = due - System.nanoTime();
      if (wait > 0) {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      }
      LabeledSample sample = samples.next();
      long now = System.currentTimeMillis();
      producer.send(
          new ProducerRecord<>(
              job.samples(),
              null,
              now,
              sample.getKey().getBytes(StandardCharsets.UTF_8),
              codec.encode(sample)));
      producedAt.putIfAbsent(sample.getId(), now);
    }
    producer.flush();
    return producedAt;
  }

  /** The {@code fraction} percentile (nearest rank) of the values. */
  private static long percentile(long[] values, double fraction) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(fraction * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }

  private static String seconds(Duration duration) {
    return duration.toSeconds() + " s";
  }

  /**
   * A consumer thread reading the job's predictions and model checkpoints read-committed as they
   * arrive, noting each one's arrival time.
   */
  private static final class Arrivals implements AutoCloseable {
    private final SampleTimes predictionArrivals = new SampleTimes();

    /** The trainer's prediction time of each sample. */
    private final SampleTimes predictionTimes = new SampleTimes();

    /** Per key: samplesSeen and arrival time of each model checkpoint, in arrival order. */
    private final Map<String, List<long[]>> checkpointArrivals = new ConcurrentHashMap<>();

    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread thread;
    private volatile RuntimeException failure;

    Arrivals(String bootstrapServers, Job job) {
      thread = new Thread(() -> read(bootstrapServers, job), "arrivals");
      thread.start();
    }

    private void read(String bootstrapServers, Job job) {
      WireCodec<Prediction> predictions = WireCodec.predictions();
      WireCodec<ModelCheckpoint> checkpoints = WireCodec.modelCheckpoints();
      try (KafkaConsumer<byte[], byte[]> consumer =
          KafkaConnectors.committedConsumer(bootstrapServers)) {
        List<TopicPartition> partitions =
            List.of(
                new TopicPartition(job.predictions(), 0), new TopicPartition(job.checkpoints(), 0));
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        while (!closed.get()) {
          for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(50))) {
            long now = System.currentTimeMillis();
            if (record.topic().equals(job.predictions())) {
              Prediction prediction = KafkaConnectors.decode(predictions, record);
              predictionArrivals.putIfAbsent(prediction.getSampleId(), now);
              predictionTimes.putIfAbsent(
                  prediction.getSampleId(), prediction.getPredictionTime().toEpochMilli());
            } else {
              ModelCheckpoint checkpoint = KafkaConnectors.decode(checkpoints, record);
              checkpointArrivals
                  .computeIfAbsent(checkpoint.getKey(), key -> new ArrayList<>())
                  .add(new long[] {checkpoint.getSamplesSeen(), now});
            }
          }
        }
      } catch (RuntimeException e) {
        failure = e;
      }
    }

    void awaitPredictions(int count) throws InterruptedException {
      long deadline = System.nanoTime() + ARRIVAL_TIMEOUT.toNanos();
      while (predictionArrivals.size() < count) {
        if (failure != null) {
          throw failure;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              predictionArrivals.size()
                  + " of "
                  + count
                  + " predictions within "
                  + ARRIVAL_TIMEOUT);
        }
        Thread.sleep(20);
      }
    }

    /** Samples/s of these samples' predictions, by their prediction times, first to last. */
    double predictionRate(SampleTimes samples) {
      LongStream.Builder times = LongStream.builder();
      samples.forEach((key, n, sent) -> times.add(predictionTimes.get(key, n)));
      return JobHarness.samplesPerSecond(times.build().toArray());
    }

    /**
     * Produce time to the trainer's prediction time: the wait up to the prediction, without the
     * sink, the broker and the consumer after it.
     */
    long[] toPrediction(SampleTimes producedAt) {
      return waits(producedAt, predictionTimes);
    }

    /** The samples' send times with their predictions' times. */
    List<LatencyTail.Sample> predictedSamples(SampleTimes producedAt) {
      List<LatencyTail.Sample> samples = new ArrayList<>(producedAt.size());
      producedAt.forEach(
          (key, n, sent) -> samples.add(new LatencyTail.Sample(sent, predictionTimes.get(key, n))));
      return samples;
    }

    long[] latencies(SampleTimes producedAt) {
      return waits(producedAt, predictionArrivals);
    }

    /** Per sample: from its produce time to its time in {@code until}. */
    private static long[] waits(SampleTimes producedAt, SampleTimes until) {
      LongStream.Builder waits = LongStream.builder();
      producedAt.forEach((key, n, sent) -> waits.add(until.get(key, n) - sent));
      return waits.build().toArray();
    }

    /**
     * Per sample: produce time to the first model checkpoint of its key trained on it; {@code
     * Long.MAX_VALUE} if none arrived. Sample n of a key (counting from 0) is in the models that
     * have seen more than n samples.
     */
    long[] freshness(SampleTimes producedAt) {
      LongStream.Builder freshness = LongStream.builder();
      producedAt.forEach(
          (key, n, sent) ->
              freshness.add(
                  checkpointArrivals.getOrDefault(key, List.of()).stream()
                      .filter(checkpoint -> checkpoint[0] > n)
                      .mapToLong(checkpoint -> checkpoint[1] - sent)
                      .findFirst()
                      .orElse(Long.MAX_VALUE)));
      return freshness.build().toArray();
    }

    @Override
    public void close() throws InterruptedException {
      closed.set(true);
      thread.join();
    }
  }
}
