package io.streamlearn.operators;

import static io.streamlearn.operators.Samples.sample;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.WireCodec;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SampleDecoderTest {

  private final WireCodec<LabeledSample> codec = WireCodec.labeledSamples();
  private final SampleDecoder decoder = new SampleDecoder(ModelShape.classification(2, 3));
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
    assertThat(decoder.rejectedCount(RejectReason.NOT_SINGLE_OBJECT)).isEqualTo(2);
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
    assertThat(decoder.rejectedCount(RejectReason.MISSING_KEY)).isEqualTo(1);
    assertThat(decoder.rejectedCount(RejectReason.FEATURE_COUNT_MISMATCH)).isEqualTo(1);
    assertThat(decoder.rejectedCount(RejectReason.NON_FINITE_FEATURE)).isEqualTo(2);
    assertThat(decoder.rejectedCount(RejectReason.LABEL_OUT_OF_RANGE)).isEqualTo(2);
  }

  private void send(byte[] value) throws Exception {
    harness.processElement(new SourceRecord("samples", 0, offset++, value), 0);
  }
}
