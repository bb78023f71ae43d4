package io.streamlearn.pipeline.generate;

/**
 * What the sequence tasks share: each sample is {@code timesteps} steps of {@code channels} values,
 * given time-major (all channels of step 0, then of step 1, ...), of one of {@code classes}
 * classes, and each key's concept changes every {@code conceptLength} samples of the key.
 */
abstract class SequenceStream extends KeyedSampleStream {

  final int timesteps;
  final int channels;
  final int classes;
  final long conceptLength;

  /**
   * @param name the stream's name, for the message when the shape is too small for it
   * @param minTimesteps the fewest steps the task can be posed in
   * @param minChannels the fewest channels the task can be posed in
   */
  SequenceStream(
      String name,
      int keyCount,
      int timesteps,
      int minTimesteps,
      int channels,
      int minChannels,
      int classes,
      long conceptLength) {
    super(keyCount);
    if (timesteps < minTimesteps || channels < minChannels || classes < 2) {
      throw new IllegalArgumentException(
          String.format(
              "%s needs timesteps >= %d, channels >= %d and classes >= 2, got %d, %d and %d",
              name, minTimesteps, minChannels, timesteps, channels, classes));
    }
    checkConceptLength(conceptLength);
    this.timesteps = timesteps;
    this.channels = channels;
    this.classes = classes;
    this.conceptLength = conceptLength;
  }

  @Override
  public final int features() {
    return timesteps * channels;
  }

  @Override
  public final int classes() {
    return classes;
  }
}
