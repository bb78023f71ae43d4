package io.streamlearn.operators;

import java.io.Serializable;

/**
 * How a sample's flat feature vector is laid out for the network: a plain vector, a sequence of
 * {@code timesteps} steps of {@code channels} values given time-major (all channels of step 0, then
 * of step 1, ...), or a {@code height} x {@code width} grid of {@code channels} values given row by
 * row with the channels of each cell together (height, width, channels order).
 *
 * <p>The trainer hands DL4J the array rank its layers expect: 2-D {@code [batch, features]} for a
 * vector, 3-D {@code [batch, channels, timesteps]} for a sequence (DL4J's NCW, which recurrent and
 * Conv1D layers take by default) and 4-D {@code [batch, channels, height, width]} for a grid (NCHW,
 * the default of DL4J's 2-D convolutions).
 *
 * @param kind vector, sequence or grid
 * @param timesteps steps of a sequence; 1 otherwise
 * @param height rows of a grid; 1 otherwise
 * @param width columns of a grid, or the length of a vector
 * @param channels values per step or cell; 1 for a vector
 */
public record InputShape(Kind kind, int timesteps, int height, int width, int channels)
    implements Serializable {

  /** The layouts a sample's features can have. */
  public enum Kind {
    VECTOR,
    SEQUENCE,
    GRID
  }

  public InputShape {
    if (timesteps < 1 || height < 1 || width < 1 || channels < 1) {
      throw new IllegalArgumentException("every dimension of an input must be at least 1");
    }
  }

  public static InputShape vector(int features) {
    return new InputShape(Kind.VECTOR, 1, 1, features, 1);
  }

  public static InputShape sequence(int timesteps, int channels) {
    return new InputShape(Kind.SEQUENCE, timesteps, 1, 1, channels);
  }

  public static InputShape grid(int height, int width, int channels) {
    return new InputShape(Kind.GRID, 1, height, width, channels);
  }

  /** Length of the flat feature vector a sample carries. */
  public int features() {
    return timesteps * height * width * channels;
  }

  /**
   * Shape of the array that holds {@code rows} samples in the order their features come: {@code
   * [rows, features]}, {@code [rows, timesteps, channels]} or {@code [rows, height, width,
   * channels]}. {@link #channelsFirst} says how to reorder it into what DL4J takes.
   */
  long[] samplesMajorShape(int rows) {
    return switch (kind) {
      case VECTOR -> new long[] {rows, features()};
      case SEQUENCE -> new long[] {rows, timesteps, channels};
      case GRID -> new long[] {rows, height, width, channels};
    };
  }

  /** The permutation from {@link #samplesMajorShape} to DL4J's channels-first layout. */
  int[] channelsFirst() {
    return switch (kind) {
      case VECTOR -> new int[] {0, 1};
      case SEQUENCE -> new int[] {0, 2, 1};
      case GRID -> new int[] {0, 3, 1, 2};
    };
  }

  @Override
  public String toString() {
    return switch (kind) {
      case VECTOR -> "a vector of " + width;
      case SEQUENCE -> "a sequence of " + timesteps + " timesteps x " + channels + " channels";
      case GRID -> "a grid of " + height + " x " + width + " x " + channels + " channels";
    };
  }
}
