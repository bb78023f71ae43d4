package io.streamlearn.operators;

import static io.streamlearn.operators.AvroBytes.concat;
import static io.streamlearn.operators.AvroBytes.string;
import static io.streamlearn.operators.AvroBytes.varint;
import static io.streamlearn.operators.Samples.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.streamlearn.schemas.DeadLetter;
import io.streamlearn.schemas.DeadLetterReason;
import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.WireCodec;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SampleDecoderTest {

  private final WireCodec<LabeledSample> codec = WireCodec.labeledSamples();
  private final SampleDecoder decoder = new SampleDecoder(ModelShape.classification(2, 3), 200);
  private OneInputStreamOperatorTestHarness<SourceRecord, LabeledSample> harness;
  private long offset;

  @BeforeEach
  void openHarness() throws Exception {
    harness = ProcessFunctionTestHarnesses.forProcessFunction(decoder);
  }

  @AfterEach
  void closeHarness() throws Exception {
    harness.close();
  }

  @Test
  void passesGoodSamplesOn() throws Exception {
    LabeledSample good = sample("a", 0, 2, 0.5f, 1f);
    LabeledSample unlabeled = sample("a", 1, null, 0.5f, 1f);

    send(codec.encode(good));
    send(codec.encode(unlabeled));

    assertThat(harness.extractOutputValues()).containsExactly(good, unlabeled);
  }

  @Test
  void countsAndSkipsRecordsThatAreNotAvro() throws Exception {
    send("not avro".getBytes());
    send(new byte[0]);
    send(codec.encode(sample("a", 0, 1, 0f, 0f)));

    assertThat(harness.extractOutputValues())
        .extracting(LabeledSample::getId)
        .containsExactly("a-0");
    assertThat(decoder.rejectedCount(DeadLetterReason.NOT_SINGLE_OBJECT)).isEqualTo(2);
    assertThat(deadLetters()).extracting(DeadLetter::getSourceOffset).containsExactly(0L, 1L);
    DeadLetter first = deadLetters().get(0);
    assertThat(first.getValue().array()).isEqualTo("not avro".getBytes());
    assertThat(first.getSourceTopic()).isEqualTo("samples");
    assertThat(first.getSourcePartition()).isZero();
    assertThat(first.getReason()).isEqualTo(DeadLetterReason.NOT_SINGLE_OBJECT);
    assertThat(first.getKey()).isNull();
  }

  @Test
  void deadLettersRecordsOverTheSizeLimitWithoutDecodingThem() throws Exception {
    LabeledSample huge = sample("a", 0, 1, new float[60]);

    send(codec.encode(huge));

    assertThat(harness.extractOutputValues()).isEmpty();
    assertThat(deadLetters())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.getReason()).isEqualTo(DeadLetterReason.RECORD_TOO_LARGE);
              assertThat(d.getMessage()).contains("the limit is 200");
            });
  }

  @Test
  void skipsSamplesTheModelCannotTrainOn() throws Exception {
    send(codec.encode(sample("", 0, 1, 0f, 0f)));
    send(codec.encode(sample("a", 1, 1, 0f, 0f, 0f)));
    send(codec.encode(sample("a", 2, 1, Float.NaN, 0f)));
    send(codec.encode(sample("a", 3, 1, Float.POSITIVE_INFINITY, 0f)));
    send(codec.encode(sample("a", 4, 3, 0f, 0f)));
    send(codec.encode(sample("a", 5, -1, 0f, 0f)));

    assertThat(harness.extractOutputValues()).isEmpty();
    assertThat(decoder.rejectedCount(DeadLetterReason.MISSING_KEY)).isEqualTo(1);
    assertThat(decoder.rejectedCount(DeadLetterReason.FEATURE_COUNT_MISMATCH)).isEqualTo(1);
    assertThat(decoder.rejectedCount(DeadLetterReason.NON_FINITE_FEATURE)).isEqualTo(2);
    assertThat(decoder.rejectedCount(DeadLetterReason.LABEL_OUT_OF_RANGE)).isEqualTo(2);
    assertThat(deadLetters())
        .extracting(DeadLetter::getSampleId, DeadLetter::getReason)
        .containsExactly(
            tuple("-0", DeadLetterReason.MISSING_KEY),
            tuple("a-1", DeadLetterReason.FEATURE_COUNT_MISMATCH),
            tuple("a-2", DeadLetterReason.NON_FINITE_FEATURE),
            tuple("a-3", DeadLetterReason.NON_FINITE_FEATURE),
            tuple("a-4", DeadLetterReason.LABEL_OUT_OF_RANGE),
            tuple("a-5", DeadLetterReason.LABEL_OUT_OF_RANGE));
  }

  @Test
  void rejectsASampleWithoutAnIdForItsOwnReason() throws Exception {
    send(codec.encode(LabeledSample.newBuilder(sample("a", 0, 1, 0f, 0f)).setId("").build()));
    send(codec.encode(LabeledSample.newBuilder(sample("a", 1, 1, 0f, 0f)).setId(" ").build()));

    assertThat(harness.extractOutputValues()).isEmpty();
    assertThat(deadLetters())
        .extracting(DeadLetter::getReason, DeadLetter::getSampleId, DeadLetter::getKey)
        .containsExactly(
            tuple(DeadLetterReason.MISSING_SAMPLE_ID, "", "a"),
            tuple(DeadLetterReason.MISSING_SAMPLE_ID, " ", "a"));
  }

  /**
   * Records of 19 to 39 bytes whose length prefix or item count claims far more than they hold:
   * each used to throw out of Avro (past 2^31 - 8) or exhaust the heap (just under it), failing the
   * job over and over. Now each is a dead letter with its bytes, and the stream goes on.
   */
  @Test
  void deadLettersRecordsClaimingMoreThanTheyHold() throws Exception {
    byte[] good = codec.encode(sample("a", 0, 1, 0f, 0f));
    byte[] header = Arrays.copyOf(good, 10);
    List<byte[]> poison =
        List.of(
            concat(header, varint(1L << 35), "s-1".getBytes()),
            concat(header, string("s-1"), string("a"), varint(1L << 40), new byte[8]),
            concat(header, string("s-1"), string("a"), varint(2_147_483_630L), new byte[16]),
            concat(good, new byte[] {0}));

    for (byte[] record : poison) {
      send(record);
      send(good);
    }

    assertThat(harness.extractOutputValues()).hasSize(poison.size());
    assertThat(deadLetters())
        .allSatisfy(d -> assertThat(d.getReason()).isEqualTo(DeadLetterReason.CORRUPT_RECORD))
        .extracting(d -> d.getValue().array())
        .containsExactlyElementsOf(poison);
    assertThat(poison).allSatisfy(record -> assertThat(record.length).isBetween(19, 39));
  }

  private List<DeadLetter> deadLetters() {
    var records = harness.getSideOutput(DeadLetters.TAG);
    return records == null ? List.of() : records.stream().map(StreamRecord::getValue).toList();
  }

  private void send(byte[] value) throws Exception {
    harness.processElement(new SourceRecord("samples", 0, offset++, value), 0);
  }
}
