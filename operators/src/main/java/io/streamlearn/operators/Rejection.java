package io.streamlearn.operators;

import io.streamlearn.schemas.DeadLetterReason;

/** A record that cannot be used: the reason code and a message a person can act on. */
public record Rejection(DeadLetterReason reason, String message) {}
