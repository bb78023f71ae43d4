package io.streamlearn.operators.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PrequentialWindowEncodingTest {

  private static final long SPACING_MILLIS = 7;

  static Stream<PrequentialWindow> windows() {
    WindowBound count = WindowBound.count(50);
    WindowBound time = WindowBound.time(Duration.ofMillis(400));
    return Stream.of(
        new ClassificationWindow(count),
        new ClassificationWindow(time),
        new RegressionWindow(count),
        new RegressionWindow(time),
        new MultiLabelWindow(count),
        new MultiLabelWindow(time),
        new MultiOutputWindow(count),
        new MultiOutputWindow(time));
  }

  @ParameterizedTest
  @MethodSource("windows")
  void aDecodedWindowHasExactlyTheSameMetricsAndGoesOnAlike(PrequentialWindow window) {
    // Both bounds have dropped outcomes by then, and the ring has wrapped around.
    addOutcomes(window, 0, 137);

    PrequentialWindow decoded = PrequentialWindow.decode(window.encode());

    assertThat(decoded).hasSameClassAs(window);
    assertThat(decoded.bound()).isEqualTo(window.bound());
    assertThat(decoded.size()).isEqualTo(window.size());
    assertThat(decoded.metrics()).isEqualTo(window.metrics());
    addOutcomes(window, 137, 200);
    addOutcomes(decoded, 137, 200);
    assertThat(decoded.metrics()).isEqualTo(window.metrics());
    assertThat(decoded.encode()).isEqualTo(window.encode());
  }

  @ParameterizedTest
  @MethodSource("windows")
  void aCopyForACheckpointHasTheSameStateAndGoesOnAlone(PrequentialWindow window) {
    addOutcomes(window, 0, 137);
    // Asked twice: a classification window keeps its ranked scores and log terms from then on.
    window.metrics();
    Map<String, Double> metrics = window.metrics();
    byte[] encoded = window.encode();

    // What the heap state backend calls when a window changes while a checkpoint holds it.
    PrequentialWindow copy = new PrequentialWindowSerializer().copy(window);

    assertThat(copy).isNotSameAs(window).hasSameClassAs(window);
    assertThat(copy.encode()).isEqualTo(encoded);
    assertThat(copy.metrics()).isEqualTo(metrics);
    addOutcomes(copy, 137, 200);
    assertThat(window.encode()).as("the original after the copy changed").isEqualTo(encoded);
    assertThat(window.metrics()).isEqualTo(metrics);
    addOutcomes(window, 137, 200);
    assertThat(copy.metrics()).isEqualTo(window.metrics());
    assertThat(copy.encode()).isEqualTo(window.encode());
  }

  @ParameterizedTest
  @MethodSource("windows")
  void theSerializerStreamsTheEncodingAndReadsItBack(PrequentialWindow window) throws Exception {
    // Wrapped around: the ring's records are written in two parts.
    addOutcomes(window, 0, 137);
    PrequentialWindowSerializer serializer = new PrequentialWindowSerializer();
    DataOutputSerializer out = new DataOutputSerializer(64);

    serializer.serialize(window, out);

    byte[] encoded = window.encode();
    DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
    assertThat(in.readInt()).isEqualTo(encoded.length).isEqualTo(window.encodedLength());
    byte[] written = new byte[encoded.length];
    in.readFully(written);
    assertThat(written).isEqualTo(encoded);
    assertThat(in.available()).isZero();
    PrequentialWindow read =
        serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    assertThat(read.metrics()).isEqualTo(window.metrics());
  }

  @ParameterizedTest
  @MethodSource("windows")
  void theEncodingGrowsByOneFixedWidthRecordPerOutcome(PrequentialWindow window) {
    addOutcomes(window, 0, 20);
    int recordBytes =
        Map.of(
                ClassificationWindow.class, 25,
                RegressionWindow.class, 16,
                MultiLabelWindow.class, 32,
                MultiOutputWindow.class, 24)
            .get(window.getClass());
    int headerBytes = window instanceof ClassificationWindow ? 27 : 23;

    assertThat(window.encode()).hasSize(headerBytes + 20 * recordBytes);
  }

  @ParameterizedTest
  @MethodSource("windows")
  void anEmptyWindowSurvivesTheRoundTrip(PrequentialWindow window) {
    PrequentialWindow decoded = PrequentialWindow.decode(window.encode());

    assertThat(decoded.size()).isZero();
    assertThat(decoded.metrics()).containsOnlyKeys("windowSize");
  }

  @ParameterizedTest
  @MethodSource("windows")
  void theFirstByteIsTheFormatVersionAndOthersAreRejected(PrequentialWindow window) {
    byte[] bytes = window.encode();
    assertThat(bytes[0]).isEqualTo((byte) 1);

    bytes[0] = 2;
    assertThatThrownBy(() -> PrequentialWindow.decode(bytes))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("version 2");
  }

  /** Outcomes number {@code from} to {@code to} (exclusive): random, but the same for a number. */
  private static void addOutcomes(PrequentialWindow window, int from, int to) {
    for (int n = from; n < to; n++) {
      Random random = new Random(n);
      long time = n * SPACING_MILLIS;
      if (window instanceof ClassificationWindow classification) {
        float positive = random.nextInt(11) / 10f;
        classification.add(
            time, random.nextInt(2), random.nextInt(2), new float[] {1 - positive, positive});
      } else if (window instanceof RegressionWindow regression) {
        regression.add(time, random.nextGaussian(), random.nextGaussian());
      } else if (window instanceof MultiLabelWindow) {
        window.add(
            Predictions.multiLabeled(
                "k",
                n,
                List.of(random.nextFloat(), random.nextFloat(), random.nextFloat()),
                random.nextBoolean() ? List.of(0, 2) : List.of(1),
                time));
      } else {
        window.add(
            Predictions.multiRegressed(
                "k",
                n,
                List.of((float) random.nextGaussian(), (float) random.nextGaussian()),
                List.of(random.nextGaussian(), random.nextGaussian()),
                time));
      }
    }
  }
}
