package io.streamlearn.operators;

import io.streamlearn.schemas.LabeledSample;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/** Unopened keyed harnesses, for tests that restore state before {@code open()}. */
final class Harnesses {

  private Harnesses() {}

  static <O> KeyedOneInputStreamOperatorTestHarness<String, LabeledSample, O> keyed(
      KeyedProcessFunction<String, LabeledSample, O> function) throws Exception {
    return new KeyedOneInputStreamOperatorTestHarness<>(
        new KeyedProcessOperator<>(function), LabeledSample::getKey, Types.STRING);
  }
}
