package io.streamlearn.bench;

import io.streamlearn.bench.JobHarness.Job;
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
 * --until-end} and timed from its first prediction to its last), over the fused trainer core alone
 * ({@link FusedThroughput}'s fused path: score, step and copy state out) stepping the same network
 * for the same 1,000 keys, in groups of the job's {@code trainer.fuse-keys}, in the same JVM. The
 * job cuts batches by count alone ({@code batch.max-delay} 0), so both train the same full batches.
 * What the job loses against it is Kafka, Avro, Flink's state and network, and the evaluators.
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

  @Override
  public Map<String, Figure> run(JobHarness harness, double scale) throws Exception {
    int count = JobBenchmark.scaled(KEYS * BATCHES_PER_KEY * BATCH, scale, KEYS * BATCH);
    Job job =
        harness.job(
            "fused-1000",
            Map.of(
                "model.features", String.valueOf(FEATURES),
                "model.classes", "2",
                "model.hidden-layers", "32",
                "model.updater", "ADAM",
                "batch.size", String.valueOf(BATCH),
                // Batches by count only, full ones of 16 as the core steps: with the default 200
                // ms,
                // a key's batch was cut long before its 16th sample came (1,000 keys share the
                // stream), and the job took six times as many steps of 2 to 3 samples.
                "batch.max-delay", "0 ms",
                "trainer.mode", "fused",
                "trainer.fuse-keys", String.valueOf(FUSE_KEYS)));
    List<LabeledSample> samples =
        JobHarness.samples(StandardStream.HYPERPLANE, KEYS, FEATURES, count);
    harness.produce(job, samples);
    harness.runUntilEnd(job);
    double jobRate = JobHarness.samplesPerSecond(harness.predictions(job, count));
    Job passThrough =
        harness.job("pass-through-1000", Map.of("model.features", String.valueOf(FEATURES)));
    harness.produce(passThrough, samples);
    double passThroughRate = PassThroughJob.samplesPerSecond(harness, passThrough, count);

    MultiLayerConfiguration network = JobHarness.config(job).modelConfiguration();
    double trainerRate =
        new FusedThroughput.FusedPath(network, KEYS, FUSE_KEYS)
            .samplesPerSecond(
                new FusedThroughput.BatchPool(new Random(42)), CEILING_SECONDS * scale);
    System.out.printf(
        Locale.ROOT,
        "%,d keys, batch %d, fused: job %,.0f samples/s, fused trainer core %,.0f samples/s,"
            + " pass-through job %,.0f samples/s%n",
        KEYS,
        BATCH,
        jobRate,
        trainerRate,
        passThroughRate);
    return Map.of(
        "job_fused_vs_trainer_fused_1000_keys",
        Figure.atLeast(jobRate / trainerRate, 0.7),
        "pass_through_job_vs_trainer_fused_1000_keys",
        Figure.reportOnly(passThroughRate / trainerRate));
  }
}
