package io.streamlearn.operators.evaluation;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Keeps a {@link PrequentialWindow} in keyed state as its versioned encoding. Savepoints name the
 * {@link Snapshot} class: moving or renaming it makes them unreadable.
 */
public final class PrequentialWindowSerializer extends EncodedObjectSerializer<PrequentialWindow> {

  @Override
  protected byte[] encode(PrequentialWindow window) {
    return window.encode();
  }

  @Override
  protected PrequentialWindow decode(byte[] bytes) {
    return PrequentialWindow.decode(bytes);
  }

  /** The same bytes as {@link EncodedObjectSerializer#serialize}, streamed from the window. */
  @Override
  public void serialize(PrequentialWindow window, DataOutputView target) throws IOException {
    target.writeInt(window.encodedLength());
    window.encodeTo(target);
  }

  /** The window's own deep copy, which keeps what it derived from its records. */
  @Override
  public PrequentialWindow copy(PrequentialWindow from) {
    return from.copy();
  }

  @Override
  public TypeSerializerSnapshot<PrequentialWindow> snapshotConfiguration() {
    return new Snapshot();
  }

  /** The encoding carries its own format version, so the snapshot needs nothing besides. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<PrequentialWindow> {
    public Snapshot() {
      super(PrequentialWindowSerializer::new);
    }
  }
}
