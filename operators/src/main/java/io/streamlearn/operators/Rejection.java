package io.streamlearn.operators;

/** A record that cannot be used: the reason code and a message a person can act on. */
public record Rejection(RejectReason reason, String message) {}
