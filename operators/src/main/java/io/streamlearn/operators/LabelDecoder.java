package io.streamlearn.operators;

import io.streamlearn.schemas.SampleLabel;
import io.streamlearn.schemas.WireCodec;

/**
 * Decodes the labels topic: labels without a sample id or key, without a label, or with one the
 * model does not have go to the dead letters, like bad samples do.
 */
public class LabelDecoder extends RecordDecoder<SampleLabel> {

  public LabelDecoder(ModelShape shape, int maxRecordBytes) {
    super(
        maxRecordBytes,
        WireCodec::sampleLabels,
        new SampleValidator(shape)::problemWith,
        SampleLabel::getKey,
        SampleLabel::getSampleId);
  }
}
