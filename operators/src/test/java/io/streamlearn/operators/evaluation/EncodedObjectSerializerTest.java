package io.streamlearn.operators.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamlearn.operators.drift.Adwin;
import io.streamlearn.operators.drift.DriftDetector;
import io.streamlearn.operators.drift.PageHinkley;
import io.streamlearn.operators.evaluation.DetectorSerializers.AdwinSerializer;
import io.streamlearn.operators.evaluation.DetectorSerializers.PageHinkleySerializer;
import java.io.IOException;
import java.time.Duration;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class EncodedObjectSerializerTest {

  /**
   * A serializer, a sample with some history (windows that have dropped outcomes, detectors past
   * their warm-up) and a change to it; objects compare by their encodings.
   */
  record Case<T>(EncodedObjectSerializer<T> serializer, Supplier<T> sample, Consumer<T> change) {
    @Override
    public String toString() {
      return serializer.getClass().getSimpleName()
          + " of "
          + sample.get().getClass().getSimpleName();
    }
  }

  static Stream<Case<?>> cases() {
    return Stream.of(
        new Case<PrequentialWindow>(
            new PrequentialWindowSerializer(),
            () -> classificationWindow(137),
            window -> ((ClassificationWindow) window).add(999, 0, 1, new float[] {0.3f, 0.7f})),
        new Case<PrequentialWindow>(
            new PrequentialWindowSerializer(),
            () -> regressionWindow(137),
            window -> ((RegressionWindow) window).add(999, 1.0, 3.0)),
        new Case<DriftDetector>(new AdwinSerializer(), () -> detector(new Adwin()), d -> d.add(1)),
        new Case<DriftDetector>(
            new PageHinkleySerializer(), () -> detector(new PageHinkley()), d -> d.add(1)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  <T> void deserializesWhatItSerialized(Case<T> c) throws IOException {
    T original = c.sample().get();
    DataOutputSerializer out = new DataOutputSerializer(64);
    c.serializer().serialize(original, out);

    DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
    T read = c.serializer().deserialize(in);

    assertThat(read).hasSameClassAs(original);
    assertThat(encoded(c, read)).isEqualTo(encoded(c, original));
    assertThat(in.available()).as("unread bytes").isZero();
    assertThat(out.length())
        .as("int length, then the encoding")
        .isEqualTo(4 + encoded(c, original).length);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  <T> void copiesSerializedObjectsOneAtATime(Case<T> c) throws IOException {
    T first = c.sample().get();
    T second = c.sample().get();
    c.change().accept(second);
    DataOutputSerializer out = new DataOutputSerializer(64);
    c.serializer().serialize(first, out);
    c.serializer().serialize(second, out);

    DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
    // Unlike its other writes, DataOutputSerializer's copy from a view does not grow the buffer.
    DataOutputSerializer copied = new DataOutputSerializer(out.length());
    c.serializer().copy(in, copied);
    c.serializer().copy(in, copied);

    assertThat(copied.getCopyOfBuffer()).isEqualTo(out.getCopyOfBuffer());
    DataInputDeserializer copies = new DataInputDeserializer(copied.getCopyOfBuffer());
    assertThat(encoded(c, c.serializer().deserialize(copies))).isEqualTo(encoded(c, first));
    assertThat(encoded(c, c.serializer().deserialize(copies))).isEqualTo(encoded(c, second));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  <T> void aCopyIsDeep(Case<T> c) {
    T original = c.sample().get();
    byte[] before = encoded(c, original);

    T copy = c.serializer().copy(original);
    c.change().accept(copy);

    assertThat(copy).isNotSameAs(original).hasSameClassAs(original);
    assertThat(encoded(c, copy)).as("the copy changed").isNotEqualTo(before);
    assertThat(encoded(c, original)).as("the original did not").isEqualTo(before);
    assertThat(c.serializer().isImmutableType()).isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  <T> void aSavepointsSnapshotRestoresACompatibleSerializer(Case<T> c) throws IOException {
    T original = c.sample().get();
    DataOutputSerializer state = new DataOutputSerializer(64);
    c.serializer().serialize(original, state);

    TypeSerializerSnapshot<T> restored = roundTrip(c.serializer().snapshotConfiguration());

    assertThat(restored).hasSameClassAs(c.serializer().snapshotConfiguration());
    TypeSerializer<T> restoredSerializer = restored.restoreSerializer();
    assertThat(restoredSerializer).isEqualTo(c.serializer());
    T read = restoredSerializer.deserialize(new DataInputDeserializer(state.getCopyOfBuffer()));
    assertThat(encoded(c, read)).isEqualTo(encoded(c, original));
    assertThat(
            c.serializer()
                .snapshotConfiguration()
                .resolveSchemaCompatibility(restored)
                .isCompatibleAsIs())
        .isTrue();
  }

  @Test
  void stateOfOneDetectorTypeIsNotReadAsAnother() throws IOException {
    TypeSerializerSnapshot<DriftDetector> adwin =
        roundTrip(new AdwinSerializer().snapshotConfiguration());

    assertThat(
            new PageHinkleySerializer()
                .snapshotConfiguration()
                .resolveSchemaCompatibility(adwin)
                .isIncompatible())
        .isTrue();
  }

  /** Written and read back as a checkpoint's meta data holds it. */
  private static <T> TypeSerializerSnapshot<T> roundTrip(TypeSerializerSnapshot<T> snapshot)
      throws IOException {
    DataOutputSerializer out = new DataOutputSerializer(64);
    TypeSerializerSnapshot.writeVersionedSnapshot(out, snapshot);
    return TypeSerializerSnapshot.readVersionedSnapshot(
        new DataInputDeserializer(out.getCopyOfBuffer()),
        EncodedObjectSerializerTest.class.getClassLoader());
  }

  private static <T> byte[] encoded(Case<T> c, T value) {
    return c.serializer().encode(value);
  }

  private static PrequentialWindow classificationWindow(int outcomes) {
    ClassificationWindow window = new ClassificationWindow(WindowBound.count(50));
    Random random = new Random(1);
    for (int n = 0; n < outcomes; n++) {
      float positive = random.nextFloat();
      window.add(n, random.nextInt(2), random.nextInt(2), new float[] {1 - positive, positive});
    }
    return window;
  }

  private static PrequentialWindow regressionWindow(int outcomes) {
    RegressionWindow window = new RegressionWindow(WindowBound.time(Duration.ofMillis(400)));
    Random random = new Random(2);
    for (int n = 0; n < outcomes; n++) {
      window.add(7L * n, random.nextGaussian(), random.nextGaussian());
    }
    return window;
  }

  /** A 0/1 error stream whose rate rises half way, so the detector's state is not trivial. */
  private static DriftDetector detector(DriftDetector detector) {
    Random random = new Random(3);
    for (int n = 0; n < 2_000; n++) {
      detector.add(random.nextDouble() < (n < 1_000 ? 0.1 : 0.4) ? 1 : 0);
    }
    return detector;
  }
}
