package io.streamlearn.operators.evaluation;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Flink serializer of a mutable object that has a versioned byte encoding of its own, so that keyed
 * state can hold the object rather than its bytes. The heap state backend then hands out and takes
 * back the object by reference and encodes it only for checkpoints (and to copy it while one is
 * running); state of the bytes would instead decode and re-encode the whole object on every access.
 * On RocksDB, which serializes on every access anyway, it costs what the bytes did.
 *
 * <p>Serialized form: int length, then the object's encoding. Subclasses are stateless, hence
 * singletons; each needs a {@link org.apache.flink.api.common.typeutils.TypeSerializerSnapshot}
 * class of its own, because a savepoint restores the serializer from the snapshot's class name.
 */
public abstract class EncodedObjectSerializer<T> extends TypeSerializerSingleton<T> {

  protected abstract byte[] encode(T value);

  /** The object that {@link #encode} wrote; rejects an unknown format version. */
  protected abstract T decode(byte[] bytes);

  /** The object is changed in place by its owner, so a running checkpoint needs a copy. */
  @Override
  public boolean isImmutableType() {
    return false;
  }

  /**
   * Null, as Flink's Kryo serializer gives for abstract types: these objects have no empty value
   * without parameters that only their owner knows, and keyed state never asks for one.
   */
  @Override
  public T createInstance() {
    return null;
  }

  /** A deep copy, through the encoding. */
  @Override
  public T copy(T from) {
    return decode(encode(from));
  }

  @Override
  public T copy(T from, T reuse) {
    return copy(from);
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(T value, DataOutputView target) throws IOException {
    byte[] bytes = encode(value);
    target.writeInt(bytes.length);
    target.write(bytes);
  }

  @Override
  public T deserialize(DataInputView source) throws IOException {
    byte[] bytes = new byte[source.readInt()];
    source.readFully(bytes);
    return decode(bytes);
  }

  @Override
  public T deserialize(T reuse, DataInputView source) throws IOException {
    return deserialize(source);
  }

  @Override
  public void copy(DataInputView source, DataOutputView target) throws IOException {
    int length = source.readInt();
    target.writeInt(length);
    target.write(source, length);
  }
}
