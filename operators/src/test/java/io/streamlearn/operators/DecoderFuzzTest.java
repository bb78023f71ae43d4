package io.streamlearn.operators;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.ThreadMXBean;
import io.streamlearn.schemas.DeadLetter;
import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.SampleLabel;
import io.streamlearn.schemas.WireCodec;
import io.streamlearn.schemas.WireFormatException;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/**
 * Neither decoder can be stopped by a record: each takes 100,000 valid records spoiled at random
 * ({@link Mutations}) and must, for every one, emit either a record or a dead letter holding the
 * spoiled bytes, throw nothing, and allocate no more than a small multiple of the record's size.
 */
class DecoderFuzzTest {

  private static final long SEED = 20261202L;
  private static final int MUTATIONS = 100_000;

  /** Not measured: the first records load classes and start the logging. */
  private static final int WARM_UP = 2_000;

  /** Large enough that the size limit does not reject mutations before they are decoded. */
  private static final int MAX_RECORD_BYTES = 4096;

  /**
   * A decode may allocate this much plus {@link #ALLOCATION_PER_BYTE} per byte of the record: the
   * record object and its strings and lists, or the rejection and its message. Before the body was
   * checked, a 20-byte record could make Avro allocate gigabytes.
   */
  private static final long ALLOCATION_ALLOWANCE = 1024;

  private static final long ALLOCATION_PER_BYTE = 16;

  private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();

  private static final ModelShape SHAPE = ModelShape.classification(3, 3);

  @Test
  void sampleDecoderSurvivesEveryMutation() throws Exception {
    List<LabeledSample> valid =
        validRecords(
            random ->
                LabeledSample.newBuilder()
                    .setId("s-" + random.nextInt(1_000_000))
                    .setKey("key-" + random.nextInt(10))
                    .setFeatures(features(random, random.nextInt(10) == 0 ? 5 : 3))
                    .setLabel(random.nextBoolean() ? null : random.nextInt(4))
                    .setTarget(random.nextInt(5) == 0 ? random.nextGaussian() : null)
                    .setEventTime(Instant.ofEpochMilli(random.nextLong(1L << 42)))
                    .build());

    Map<String, Integer> outcomes =
        fuzz(new SampleDecoder(SHAPE, MAX_RECORD_BYTES), WireCodec.labeledSamples(), valid);

    assertReachedEveryCheck(outcomes, "FEATURE_COUNT_MISMATCH");
  }

  @Test
  void labelDecoderSurvivesEveryMutation() throws Exception {
    List<SampleLabel> valid =
        validRecords(
            random ->
                SampleLabel.newBuilder()
                    .setSampleId("s-" + random.nextInt(1_000_000))
                    .setKey("key-" + random.nextInt(10))
                    .setLabel(random.nextInt(5) == 0 ? null : random.nextInt(4))
                    .setTarget(random.nextInt(5) == 0 ? random.nextGaussian() : null)
                    .setLabelTime(Instant.ofEpochMilli(random.nextLong(1L << 42)))
                    .build());

    Map<String, Integer> outcomes =
        fuzz(new LabelDecoder(SHAPE, MAX_RECORD_BYTES), WireCodec.sampleLabels(), valid);

    assertReachedEveryCheck(outcomes, "MISSING_LABEL");
  }

  /**
   * Every mutation ended one way, and the mutations got past the header into the body and, decoded,
   * to the check of {@code validatorReason}: the fuzz tested more than the header.
   */
  private static void assertReachedEveryCheck(
      Map<String, Integer> outcomes, String validatorReason) {
    assertThat(outcomes.values().stream().mapToInt(Integer::intValue).sum())
        .isEqualTo(WARM_UP + MUTATIONS);
    assertThat(outcomes)
        .containsKeys(
            "passed", "NOT_SINGLE_OBJECT", "UNKNOWN_SCHEMA", "CORRUPT_RECORD", validatorReason);
  }

  /**
   * Sends {@link #WARM_UP} and then {@link #MUTATIONS} mutations through the decoder, checking each
   * as it goes, and returns how many ended how: passed on, or dead-lettered for which reason. The
   * allocation is measured on the decoder's codec, as the decoder calls it, so that the logging of
   * a dead letter (a bounded cost, throttled) does not blur what the record's bytes make Avro do.
   */
  private static <T extends SpecificRecordBase> Map<String, Integer> fuzz(
      RecordDecoder<T> decoder, WireCodec<T> codec, List<T> valid) throws Exception {
    Mutations mutations = new Mutations(SEED, valid, codec::encode);
    Map<String, Integer> outcomes = new TreeMap<>();
    try (OneInputStreamOperatorTestHarness<SourceRecord, T> harness =
        ProcessFunctionTestHarnesses.forProcessFunction(decoder)) {
      for (int n = 0; n < WARM_UP + MUTATIONS; n++) {
        byte[] value = mutations.next();
        try {
          long allocated = allocatedDecoding(codec, value);
          if (n >= WARM_UP) {
            assertThat(allocated)
                .as("bytes allocated decoding %d bytes", value.length)
                .isLessThanOrEqualTo(allowance(value));
          }
          harness.processElement(new SourceRecord("topic", 0, n, value), 0);
          outcomes.merge(outcome(harness, value), 1, Integer::sum);
        } catch (Exception | Error e) {
          throw new AssertionError(
              "mutation " + n + " failed: " + HexFormat.of().formatHex(value), e);
        }
      }
    }
    return outcomes;
  }

  /**
   * What decoding the bytes allocated on this thread, whether they decode or not. Over the
   * allowance, the less of two decodes: what the bytes make Avro allocate comes back every time,
   * while a cache that the garbage collector emptied is refilled once.
   */
  private static long allocatedDecoding(WireCodec<?> codec, byte[] value) {
    long allocated = allocatedByOneDecode(codec, value);
    return allocated <= allowance(value)
        ? allocated
        : Math.min(allocated, allocatedByOneDecode(codec, value));
  }

  private static long allowance(byte[] value) {
    return ALLOCATION_ALLOWANCE + ALLOCATION_PER_BYTE * value.length;
  }

  private static long allocatedByOneDecode(WireCodec<?> codec, byte[] value) {
    long before = THREADS.getCurrentThreadAllocatedBytes();
    try {
      codec.decode(value);
    } catch (WireFormatException rejected) {
      // As expected of most mutations: what matters here is what it cost.
    }
    return THREADS.getCurrentThreadAllocatedBytes() - before;
  }

  /** What became of the record just sent, which must be exactly one record or dead letter. */
  private static <T> String outcome(
      OneInputStreamOperatorTestHarness<SourceRecord, T> harness, byte[] value) {
    Queue<Object> passed = harness.getOutput();
    Queue<StreamRecord<DeadLetter>> rejected = harness.getSideOutput(DeadLetters.TAG);
    int rejectedCount = rejected == null ? 0 : rejected.size();
    assertThat(passed.size() + rejectedCount)
        .as("records and dead letters of one record")
        .isEqualTo(1);
    passed.clear();
    if (rejectedCount == 0) {
      return "passed";
    }
    DeadLetter deadLetter = rejected.remove().getValue();
    assertThat(deadLetter.getValue().array()).isEqualTo(value);
    return deadLetter.getReason().name();
  }

  /** The valid records that mutations start from: 200 of them, drawn from a seeded generator. */
  private static <T> List<T> validRecords(Function<Random, T> generator) {
    Random random = new Random(SEED);
    return Stream.generate(() -> generator.apply(random)).limit(200).toList();
  }

  private static List<Float> features(Random random, int count) {
    List<Float> features = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      features.add((float) random.nextGaussian());
    }
    return features;
  }
}
