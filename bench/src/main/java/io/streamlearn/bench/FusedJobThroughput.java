package io.streamlearn.bench;

import io.streamlearn.bench.JobHarness.Job;
import io.streamlearn.bench.JobHarness.Timed;
import io.streamlearn.pipeline.generate.StandardStream;
import io.streamlearn.schemas.LabeledSample;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;

/**
 * {@code job_fused_vs_trainer_fused_1000_keys}: the whole job with the fused trainer over 1,000
 * keys (batch 16, a 10-32-2 MLP with Adam, samples already in the samples topic, run with {@code
 * --until-end} and timed from its first prediction to its last; it runs twice, each time with
 * topics and state of its own, and the better run counts, as for one key), over the fused trainer
 * core alone ({@link FusedThroughput}'s fused path: score, step and copy state out) stepping the
 * same network for the same 1,000 keys, in groups of the job's {@code trainer.fuse-keys}, in the
 * same JVM. The job cuts batches by count alone ({@code batch.max-delay} 0), so both train the same
 * full batches. What the job loses against it is Kafka, Avro, Flink's state and network, and the
 * evaluators. Beside the rates it prints where the CPU went, per 1,000 samples ({@link CpuUse}).
 *
 * <p>{@code pass_through_job_vs_trainer_fused_1000_keys} (report only): {@link PassThroughJob} over
 * the same samples, over the same core: how much of the core's rate a Flink job that only reads the
 * samples and writes a prediction per sample reaches on this machine. The job's figure cannot
 * exceed it by much (the two share the machine with the broker).
 */
final class FusedJobThroughput implements JobBenchmark {

  private static final int KEYS = 1_000;
  private static final int BATCHES_PER_KEY = 16;
  private static final int FEATURES = 10;
  private static final int BATCH = 16;
  private static final int FUSE_KEYS = 256;
  private static final double CEILING_SECONDS = 6;

  /** A job of its own over {@code samples}, already in its samples topic. */
  private static Job job(JobHarness harness, String name, List<LabeledSample> samples)
      throws Exception {
    Job job =
        harness.job(
            name,
            Map.of(
                "model.features", String.valueOf(FEATURES),
                "model.classes", "2",
                "model.hidden-layers", "32",
                "model.updater", "ADAM",
                "batch.size", String.valueOf(BATCH),
                // Batches by count only, full ones of 16 as the core steps: with the default 200
                // ms, a key's batch was cut long before its 16th sample came (1,000 keys share
                // the stream), and the job took six times as many steps of 2 to 3 samples.
                "batch.max-delay", "0 ms",
                "trainer.mode", "fused",
                "trainer.fuse-keys", String.valueOf(FUSE_KEYS)));
    harness.produce(job, samples);
    return job;
  }

  @Override
  public Map<String, Figure> run(JobHarness harness, double scale) throws Exception {
    int count = JobBenchmark.scaled(KEYS * BATCHES_PER_KEY * BATCH, scale, KEYS * BATCH);
    List<LabeledSample> samples =
        JobHarness.samples(StandardStream.HYPERPLANE, KEYS, FEATURES, count);
    Job first = job(harness, "fused-1000-first", samples);
    Job job = job(harness, "fused-1000", samples);
    Timed firstRun = Timed.of(harness.runUntilEnd(first), harness.predictions(first, count));
    Timed secondRun = Timed.of(harness.runUntilEnd(job), harness.predictions(job, count));
    Timed jobRun = Timed.best(List.of(firstRun, secondRun));
    Job passThrough =
        harness.job("pass-through-1000", Map.of("model.features", String.valueOf(FEATURES)));
    harness.produce(passThrough, samples);
    Timed passThroughRun = PassThroughJob.run(harness, passThrough, count);

    MultiLayerConfiguration network = JobHarness.config(job).modelConfiguration();
    double trainerRate =
        new FusedThroughput.FusedPath(network, KEYS, FUSE_KEYS)
            .samplesPerSecond(
                new FusedThroughput.BatchPool(new Random(42)), CEILING_SECONDS * scale);
    System.out.printf(
        Locale.ROOT,
        "%,d keys, batch %d, fused: job %,.0f samples/s (first run %,.0f, second %,.0f), fused"
            + " trainer core %,.0f samples/s, pass-through job %,.0f samples/s%n"
            + "  the better job run, %s%n  the pass-through job, %s%n  the core: %.1f ms of wall time on one thread%n",
        KEYS,
        BATCH,
        jobRun.samplesPerSecond(),
        firstRun.samplesPerSecond(),
        secondRun.samplesPerSecond(),
        trainerRate,
        passThroughRun.samplesPerSecond(),
        jobRun.spent().perThousand(count),
        passThroughRun.spent().perThousand(count),
        1e6 / trainerRate);
    return Map.of(
        "job_fused_vs_trainer_fused_1000_keys",
        Figure.atLeast(jobRun.samplesPerSecond() / trainerRate, 0.7),
        "pass_through_job_vs_trainer_fused_1000_keys",
        Figure.reportOnly(passThroughRun.samplesPerSecond() / trainerRate));
  }
}
