package io.streamlearn.operators;

import static io.streamlearn.operators.AvroBytes.concat;
import static io.streamlearn.operators.AvroBytes.string;
import static io.streamlearn.operators.AvroBytes.varint;
import static io.streamlearn.operators.Samples.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.streamlearn.schemas.DeadLetter;
import io.streamlearn.schemas.DeadLetterReason;
import io.streamlearn.schemas.SampleLabel;
import io.streamlearn.schemas.WireCodec;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LabelDecoderTest {

  private final WireCodec<SampleLabel> codec = WireCodec.sampleLabels();
  private OneInputStreamOperatorTestHarness<SourceRecord, SampleLabel> harness;
  private long offset;

  @AfterEach
  void closeHarness() throws Exception {
    harness.close();
  }

  @Test
  void passesGoodLabelsOnAndDeadLettersTheRestWithTheirOrigin() throws Exception {
    LabelDecoder decoder = new LabelDecoder(ModelShape.classification(2, 3), 200);
    harness = ProcessFunctionTestHarnesses.forProcessFunction(decoder);
    SampleLabel good = label("s-1", "a", 2, null);

    send(codec.encode(good));
    send(codec.encode(label("", "a", 1, null)));
    send(codec.encode(label("s-3", " ", 1, null)));
    send(codec.encode(label("s-4", "a", null, 1.0)));
    send(codec.encode(label("s-5", "a", 3, null)));
    send(WireCodec.labeledSamples().encode(sample("a", 6, 1, 0f, 0f)));
    send(new byte[201]);

    assertThat(harness.extractOutputValues()).containsExactly(good);
    assertThat(deadLetters())
        .extracting(DeadLetter::getReason, DeadLetter::getSampleId, DeadLetter::getSourceOffset)
        .containsExactly(
            tuple(DeadLetterReason.MISSING_SAMPLE_ID, "", 1L),
            tuple(DeadLetterReason.MISSING_KEY, "s-3", 2L),
            tuple(DeadLetterReason.MISSING_LABEL, "s-4", 3L),
            tuple(DeadLetterReason.LABEL_OUT_OF_RANGE, "s-5", 4L),
            tuple(DeadLetterReason.UNKNOWN_SCHEMA, null, 5L),
            tuple(DeadLetterReason.RECORD_TOO_LARGE, null, 6L));
    assertThat(decoder.rejectedCount(DeadLetterReason.MISSING_LABEL)).isEqualTo(1);
  }

  @Test
  void aRegressionLabelNeedsAFiniteTarget() throws Exception {
    harness =
        ProcessFunctionTestHarnesses.forProcessFunction(
            new LabelDecoder(ModelShape.regression(2), 200));
    SampleLabel good = label("s-1", "a", null, 2.5);

    send(codec.encode(good));
    send(codec.encode(label("s-2", "a", 1, null)));
    send(codec.encode(label("s-3", "a", null, Double.NaN)));

    assertThat(harness.extractOutputValues()).containsExactly(good);
    assertThat(deadLetters())
        .extracting(DeadLetter::getReason)
        .containsExactly(DeadLetterReason.MISSING_LABEL, DeadLetterReason.LABEL_OUT_OF_RANGE);
  }

  /** Labels whose sample id claims 2,147,483,630 or 2^35 bytes, and one with a byte too many. */
  @Test
  void deadLettersLabelsClaimingMoreThanTheyHold() throws Exception {
    harness =
        ProcessFunctionTestHarnesses.forProcessFunction(
            new LabelDecoder(ModelShape.classification(2, 3), 200));
    byte[] good = codec.encode(label("s-1", "a", 2, null));
    byte[] header = Arrays.copyOf(good, 10);
    List<byte[]> poison =
        List.of(
            concat(header, varint(2_147_483_630L), string("a"), new byte[11]),
            concat(header, varint(1L << 35), string("s-1"), string("a")),
            concat(good, new byte[] {0}));

    for (byte[] record : poison) {
      send(record);
    }
    send(good);

    assertThat(harness.extractOutputValues()).hasSize(1);
    assertThat(deadLetters())
        .allSatisfy(d -> assertThat(d.getReason()).isEqualTo(DeadLetterReason.CORRUPT_RECORD))
        .extracting(d -> d.getValue().array())
        .containsExactlyElementsOf(poison);
  }

  private void send(byte[] value) throws Exception {
    harness.processElement(new SourceRecord("labels", 0, offset++, value), 0);
  }

  private List<DeadLetter> deadLetters() {
    return harness.getSideOutput(DeadLetters.TAG).stream().map(StreamRecord::getValue).toList();
  }

  private static SampleLabel label(String sampleId, String key, Integer label, Double target) {
    return SampleLabel.newBuilder()
        .setSampleId(sampleId)
        .setKey(key)
        .setLabel(label)
        .setTarget(target)
        .setLabelTime(Instant.ofEpochMilli(1))
        .build();
  }
}
