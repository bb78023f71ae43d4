package io.streamlearn.pipeline.generate;

import io.streamlearn.schemas.LabeledSample;
import java.util.Iterator;
import java.util.SplittableRandom;

/**
 * A stream whose concept changes at a known position: MOA's {@code ConceptDriftStream}. Sample
 * {@code i} (counted from 0 over the whole stream) is taken from the {@code after} concept with
 * probability {@code 1 / (1 + exp(-4 (i - position) / width))}, else from {@code before}: the
 * chance of the new concept is one half at {@code position} and rises from about 12% to 88% over
 * the {@code width} samples around it. A width of 1 is an abrupt drift: every sample from {@code
 * position} on is the new concept, none before it.
 *
 * <p>Both concepts advance on every sample, and the one not chosen is dropped. Two generators that
 * name keys and ids alike (such as two {@link RotatingHyperplane}s with the same key count) then
 * stay in step, so keys keep taking turns and ids stay unique across the change. With {@code k}
 * keys taking turns, each key meets the change at about its {@code position / k}-th sample.
 */
public final class ConceptDriftStream implements Iterator<LabeledSample> {

  private final Iterator<LabeledSample> before;
  private final Iterator<LabeledSample> after;
  private final long position;
  private final long width;
  private final SplittableRandom random;
  private long emitted;

  /**
   * @param position index of the sample at the centre of the change
   * @param width samples over which the change happens; 1 for an abrupt change
   * @param seed chooses which concept each sample of a gradual change comes from
   */
  public ConceptDriftStream(
      Iterator<LabeledSample> before,
      Iterator<LabeledSample> after,
      long position,
      long width,
      long seed) {
    if (position < 0 || width < 1) {
      throw new IllegalArgumentException(
          "position must be >= 0 and width >= 1, got " + position + " and " + width);
    }
    this.before = before;
    this.after = after;
    this.position = position;
    this.width = width;
    this.random = new SplittableRandom(seed);
  }

  @Override
  public boolean hasNext() {
    return before.hasNext() && after.hasNext();
  }

  @Override
  public LabeledSample next() {
    LabeledSample old = before.next();
    LabeledSample changed = after.next();
    boolean fromAfter = random.nextDouble() < afterProbability(emitted);
    emitted++;
    return fromAfter ? changed : old;
  }

  /** Chance that sample {@code index} comes from the new concept. */
  double afterProbability(long index) {
    if (width == 1) {
      return index >= position ? 1 : 0;
    }
    return 1 / (1 + Math.exp(-4.0 * (index - position) / width));
  }
}
